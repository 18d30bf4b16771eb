// Revenue by month with uPlot (a small canvas charting library), and the same figures
// as a table for screen readers and for anyone who wants the numbers.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Schemas } from "../api/client";
import { formatMoney, minorDigits } from "../api/money";

type Month = Schemas["Dashboard"]["revenue_by_month"][number]["months"][number];

export function RevenueChart({ currency, months }: { currency: string; months: Month[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const scale = 10 ** minorDigits(currency);
    const x = months.map((_, i) => i);
    // Side by side: invoiced left of the month's tick, received right of it.
    const bars = (align: -1 | 1) => uPlot.paths.bars?.({ size: [0.35, 40], align });
    const width = () => Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 240,
        // Half a month of room each side, so the first and last bars are not clipped.
        scales: { x: { time: false, range: () => [-0.5, months.length - 0.5] } },
        axes: [
          { values: (_, ticks) => ticks.map((t) => months[t]?.month.slice(2) ?? "") },
          { size: 70, values: (_, ticks) => ticks.map((t) => t.toLocaleString()) },
        ],
        series: [
          { label: "Month", value: (_, i) => months[i]?.month ?? "" },
          { label: `Invoiced (${currency})`, stroke: "#1d4ed8", fill: "#1d4ed8aa", paths: bars(-1) },
          { label: `Received (${currency})`, stroke: "#047857", fill: "#047857aa", paths: bars(1) },
        ],
      },
      [x, months.map((m) => m.invoiced / scale), months.map((m) => m.received / scale)],
      el,
    );
    const resize = () => plot.setSize({ width: width(), height: 240 });
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      plot.destroy();
    };
  }, [currency, months]);
  return (
    <figure class="card chart">
      <figcaption>
        <h2>Revenue by month, {currency}</h2>
      </figcaption>
      <div ref={box} role="img" aria-label={`Bar chart of invoiced and received ${currency} over the last 12 months; the table below has the figures.`} />
      <details>
        <summary>Figures</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" class="num">
                Invoiced
              </th>
              <th scope="col" class="num">
                Received
              </th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr key={m.month}>
                <td>{m.month}</td>
                <td class="num">{formatMoney(m.invoiced, currency)}</td>
                <td class="num">{formatMoney(m.received, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
