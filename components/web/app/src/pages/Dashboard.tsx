import { useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { formatMoney } from "../api/money";
import { unwrap } from "../api/problem";
import { useResource } from "../ui/hooks";
import { ErrorBanner, Loading, statusLabel } from "../ui/kit";
import { RevenueChart } from "../ui/RevenueChart";

type Dashboard = Schemas["Dashboard"];

function Amounts({ title, amounts }: { title: string; amounts: Schemas["Amount"][] }) {
  return (
    <div class="card figure">
      <h2>{title}</h2>
      {amounts.length === 0 ? (
        <p class="big">—</p>
      ) : (
        amounts.map((a) => (
          <p class="big" key={a.currency}>
            {formatMoney(a.amount, a.currency)}
            {a.invoices !== undefined && <small> · {a.invoices === 1 ? "1 invoice" : `${a.invoices} invoices`}</small>}
          </p>
        ))
      )}
    </div>
  );
}

type Series = Dashboard["revenue_by_month"];

/** One chart at a time: the currency invoiced most first, the others a choice away. */
function Revenue({ series }: { series: Series }) {
  const sum = (r: Series[number]) => r.months.reduce((t, m) => t + m.invoiced + m.received, 0);
  const ordered = [...series].sort((a, b) => sum(b) - sum(a));
  const [chosen, setChosen] = useState<string | null>(null);
  const shown = ordered.find((r) => r.currency === chosen) ?? ordered[0];
  if (!shown) return null;
  return (
    <>
      {ordered.length > 1 && (
        <label class="inline-select">
          Revenue in{" "}
          <select value={shown.currency} onChange={(e) => setChosen(e.currentTarget.value)}>
            {ordered.map((r) => (
              <option key={r.currency} value={r.currency}>
                {r.currency}
              </option>
            ))}
          </select>
        </label>
      )}
      <RevenueChart key={shown.currency} currency={shown.currency} months={shown.months} />
    </>
  );
}

export default function DashboardPage() {
  const dash = useResource(() => unwrap(api.GET("/dashboard")), []);
  const names = useResource(async () => {
    const ids = new Set((dash.data?.top_clients ?? []).flatMap((t) => t.clients.map((c) => c.client_id)));
    const entries = await Promise.all(
      [...ids].map(async (id) => {
        const { data } = await api.GET("/clients/{id}", { params: { path: { id } } });
        return [id, data?.name ?? "Unknown client"] as const;
      }),
    );
    return Object.fromEntries(entries);
  }, [dash.data]);
  if (dash.loading && !dash.data) return <Loading />;
  if (dash.error) return <ErrorBanner error={dash.error} />;
  const d = dash.data as Dashboard;
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">Dashboard</h1>
      <p class="muted">
        As of {d.today}
        {d.freshness.caught_up_at ? `, figures updated ${new Date(d.freshness.caught_up_at).toLocaleString()}` : ""}.
      </p>
      {d.failed_deliveries > 0 && (
        <p class="banner error" role="status">
          {d.failed_deliveries === 1 ? "1 e-mail to a client" : `${d.failed_deliveries} e-mails to clients`} could not be delivered. Each invoice's page says why (a missing or refused
          address, most often).
        </p>
      )}
      <div class="grid">
        <Amounts title="Outstanding" amounts={d.outstanding} />
        <Amounts title="Overdue" amounts={d.overdue} />
        <Amounts title="Paid in the last 30 days" amounts={d.paid_last_30_days} />
      </div>
      <h2>Invoices by status</h2>
      <ul class="counts">
        {Object.entries(d.counts).map(([status, n]) => (
          <li key={status}>
            <a href={`/app/invoices?status=${status}`}>
              <strong>{n}</strong> {statusLabel[status]}
            </a>
          </li>
        ))}
      </ul>
      <Revenue series={d.revenue_by_month} />
      {d.top_clients.length > 0 && <h2>Clients who owe the most</h2>}
      {d.top_clients.map((t) => (
        <table key={t.currency}>
          <caption>In {t.currency}</caption>
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col" class="num">
                Outstanding
              </th>
              <th scope="col" class="num">
                Invoices
              </th>
            </tr>
          </thead>
          <tbody>
            {t.clients.map((c) => (
              <tr key={c.client_id}>
                <td>
                  <a href={`/app/invoices?client_id=${c.client_id}`}>{names.data?.[c.client_id] ?? "…"}</a>
                </td>
                <td class="num">{formatMoney(c.outstanding, t.currency)}</td>
                <td class="num">{c.invoices}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
