import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { Totals } from "./Totals";

type Request = Schemas["TotalsRequest"];

/** The discount as an invoice names it, for the "Discount (10 %)" label. */
function shown(d: Request["discount"]): Schemas["Invoice"]["discount"] {
  if (!d) return null;
  return "percent" in d ? { percent: String(d.percent) } : { amount: d.amount };
}

/**
 * The editor's total while the freelancer types: the lines sent to `POST /invoices/totals`
 * a moment after the last key, so the figure is the one the document will have. Lines that
 * do not parse yet show no figure rather than a wrong one.
 */
export function LiveTotals({ request, currency }: { request: Request | null; currency: string }) {
  const [totals, setTotals] = useState<Schemas["Totals"] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const key = JSON.stringify(request);
  useEffect(() => {
    if (!request) {
      setTotals(null);
      setProblem("Totals appear when every line has a quantity and a price.");
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void api.POST("/invoices/totals", { body: request }).then(({ data, error }) => {
        if (!live) return;
        setTotals(data ?? null);
        setProblem(error ? (error.errors?.[0] ? `${error.errors[0].field}: ${error.errors[0].message}` : error.title) : null);
      });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  return (
    <aside aria-label="Live totals" aria-live="polite">
      {totals ? (
        <Totals invoice={{ ...totals, currency, discount: shown(request?.discount) }} label="Totals while typing" />
      ) : (
        <p class="hint">{problem ?? "…"}</p>
      )}
    </aside>
  );
}
