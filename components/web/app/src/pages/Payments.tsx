import { useState } from "preact/hooks";
import { api } from "../api/client";
import { formatMoney } from "../api/money";
import { unwrap } from "../api/problem";
import { useCursors, useResource } from "../ui/hooks";
import { Listing, Pager } from "../ui/kit";

type Outcome = "applied" | "unapplied" | undefined;

/** Money received through Stripe, and what could not be applied to an invoice (and why). */
export default function Payments() {
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const cursors = useCursors();
  const cursor = cursors.cursor;
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
              cursors.first();
            }}
          >
            <option value="">All</option>
            <option value="applied">Applied to an invoice</option>
            <option value="unapplied">Unapplied (needs attention)</option>
          </select>
        </label>
      </form>
      <Listing page={page} empty={`No payments${outcome ? ` ${outcome}` : ""} yet.`}>
        {(items) => (
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
              {items.map((p) => (
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
      </Listing>
      <Pager next={page.data?.next_cursor} cursors={cursors} />
    </section>
  );
}
