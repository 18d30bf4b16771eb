import { api, type Schemas } from "../api/client";
import { useLiveAnswer } from "./hooks";
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
  const { answer: totals, problem } = useLiveAnswer(
    request,
    (body: Request) => api.POST("/invoices/totals", { body }),
    "Totals appear when every line has a quantity and a price.",
  );
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
