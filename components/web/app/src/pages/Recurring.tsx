import { api } from "../api/client";
import { formatMoney } from "../api/money";
import { unwrap } from "../api/problem";
import { useCursors, useResource } from "../ui/hooks";
import { Listing, Pager } from "../ui/kit";
import { frequencyLabel, RecurringStatus } from "../ui/recurring";

export default function Recurring() {
  const cursors = useCursors();
  const cursor = cursors.cursor;
  const clients = useResource(() => unwrap(api.GET("/clients", { params: { query: { limit: 100 } } })), []);
  const page = useResource(() => unwrap(api.GET("/recurring-invoices", { params: { query: { cursor, limit: 20 } } })), [cursor]);
  const names = Object.fromEntries((clients.data?.items ?? []).map((c) => [c.id, c.name]));
  return (
    <section aria-labelledby="recurring-title">
      <div class="title-row">
        <h1 id="recurring-title">Recurring invoices</h1>
        <a class="button" href="/app/recurring/new">
          New recurring invoice
        </a>
      </div>
      <Listing page={page} empty="No recurring invoices yet: a retainer or a subscription is made again every period.">
        {(items) => (
          <table aria-label="Recurring invoices">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" class="wide">
                  Client
                </th>
                <th scope="col" class="wide">
                  Every
                </th>
                <th scope="col">Status</th>
                <th scope="col" class="wide">
                  Next
                </th>
                <th scope="col" class="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.id}>
                  <td>
                    <a href={`/app/recurring/${t.id}`}>{t.name}</a>
                  </td>
                  <td class="wide">{names[t.client_id] ?? ""}</td>
                  <td class="wide">{frequencyLabel[t.frequency]}</td>
                  <td>
                    <RecurringStatus status={t.status} />
                  </td>
                  <td class="wide">{t.next_date ?? "—"}</td>
                  <td class="num">{formatMoney(t.total, t.currency)}</td>
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
