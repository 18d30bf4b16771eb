import { useState } from "preact/hooks";
import { api } from "../api/client";
import { formatMoney } from "../api/money";
import { unwrap } from "../api/problem";
import { useResource } from "../ui/hooks";
import { ErrorBanner, Loading, Pager } from "../ui/kit";

type Outcome = "applied" | "unapplied" | undefined;

/** Money received through Stripe, and what could not be applied to an invoice (and why). */
export default function Payments() {
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useResource(() => unwrap(api.GET("/payments", { params: { query: { outcome, cursor, limit: 20 } } })), [outcome, cursor]);
  return (
    <section aria-labelledby="pay-title">
      <h1 id="pay-title">Payments received</h1>
      <p class="muted">Card payments reported by Stripe. Payments you record by hand are on each invoice.</p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Show
          <select
            name="outcome"
            value={outcome ?? ""}
            onChange={(e) => {
              setOutcome((e.currentTarget.value || undefined) as Outcome);
              setCursors([]);
            }}
          >
            <option value="">All</option>
            <option value="applied">Applied to an invoice</option>
            <option value="unapplied">Unapplied (needs attention)</option>
          </select>
        </label>
      </form>
      <ErrorBanner error={page.error} />
      {page.loading && !page.data ? (
        <Loading />
      ) : page.data?.items.length === 0 ? (
        <p class="empty">No payments{outcome ? ` ${outcome}` : ""} yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Outcome</th>
              <th scope="col">Invoice</th>
              <th scope="col" class="num">Amount</th>
              <th scope="col" class="wide">Note</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((p) => (
              <tr key={p.event_id}>
                <td>{new Date(p.received_at ?? p.created_at).toLocaleString()}</td>
                <td>
                  <span class={`badge ${p.outcome === "unapplied" ? "overdue" : "paid"}`}>{p.outcome}</span>
                </td>
                <td>{p.invoice_id ? <a href={`/app/invoices/${p.invoice_id}`}>Open</a> : "—"}</td>
                <td class="num">{p.amount !== null ? formatMoney(p.amount, p.currency?.toUpperCase()) : "—"}</td>
                <td class="wide">{p.reason ?? (p.duplicate ? "Already settled by another event" : "")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager next={page.data?.next_cursor} atFirst={cursors.length === 0} onFirst={() => setCursors([])} onNext={(c) => setCursors([...cursors, c])} />
    </section>
  );
}
