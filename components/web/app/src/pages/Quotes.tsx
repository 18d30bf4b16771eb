import { api } from "../api/client";
import { formatMoney } from "../api/money";
import { unwrap } from "../api/problem";
import { useCursors, useResource } from "../ui/hooks";
import { Listing, Pager } from "../ui/kit";
import { QuoteStatus } from "../ui/quotes";

export default function Quotes() {
  const cursors = useCursors();
  const cursor = cursors.cursor;
  const clients = useResource(() => unwrap(api.GET("/clients", { params: { query: { limit: 100 } } })), []);
  const page = useResource(() => unwrap(api.GET("/quotes", { params: { query: { cursor, limit: 20 } } })), [cursor]);
  const names = Object.fromEntries((clients.data?.items ?? []).map((c) => [c.id, c.name]));
  return (
    <section aria-labelledby="quotes-title">
      <div class="title-row">
        <h1 id="quotes-title">Quotes</h1>
        <a class="button" href="/app/quotes/new">
          New quote
        </a>
      </div>
      <Listing page={page} empty="No quotes yet: write one, send it, and the client accepts it on its link.">
        {(items) => (
          <table aria-label="Quotes">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col" class="wide">
                  Client
                </th>
                <th scope="col">Status</th>
                <th scope="col" class="wide">
                  Valid until
                </th>
                <th scope="col" class="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((q) => (
                <tr key={q.id}>
                  <td>
                    <a href={`/app/quotes/${q.id}`}>{q.number}</a>
                  </td>
                  <td class="wide">{names[q.client_id] ?? ""}</td>
                  <td>
                    <QuoteStatus status={q.status} />
                  </td>
                  <td class="wide">{q.valid_until}</td>
                  <td class="num">{formatMoney(q.total, q.currency)}</td>
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
