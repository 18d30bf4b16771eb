import { useLocation } from "preact-iso";
import { api, type Schemas } from "../api/client";
import { formatMoney } from "../api/money";
import { unwrap } from "../api/problem";
import { useCursors, useResource } from "../ui/hooks";
import { Listing, Pager, StatusBadge, statusLabel } from "../ui/kit";

type Status = Schemas["InvoiceStatus"];

export default function Invoices() {
  const { query, route } = useLocation();
  const status = (query.status || undefined) as Status | undefined;
  const clientId = query.client_id || undefined;
  const cursors = useCursors();
  const cursor = cursors.cursor;
  const clients = useResource(() => unwrap(api.GET("/clients", { params: { query: { limit: 100 } } })), []);
  const page = useResource(
    () => unwrap(api.GET("/invoices", { params: { query: { status, client_id: clientId, cursor, limit: 20 } } })),
    [status, clientId, cursor],
  );
  const names = Object.fromEntries((clients.data?.items ?? []).map((c) => [c.id, c.name]));
  const filter = (next: { status?: string; client_id?: string }) => {
    const params = new URLSearchParams();
    const s = "status" in next ? next.status : status;
    const c = "client_id" in next ? next.client_id : clientId;
    if (s) params.set("status", s);
    if (c) params.set("client_id", c);
    cursors.first();
    route(`/app/invoices${params.size ? `?${params}` : ""}`);
  };
  return (
    <section aria-labelledby="inv-title">
      <div class="title-row">
        <h1 id="inv-title">Invoices</h1>
        <a class="button" href={`/app/invoices/new${clientId ? `?client_id=${clientId}` : ""}`}>
          New invoice
        </a>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select name="status" value={status ?? ""} onChange={(e) => filter({ status: e.currentTarget.value })}>
            <option value="">All</option>
            {Object.entries(statusLabel).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Client
          <select name="client_id" value={clientId ?? ""} onChange={(e) => filter({ client_id: e.currentTarget.value })}>
            <option value="">All clients</option>
            {clients.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Listing page={page} empty={`No invoices${status || clientId ? " match" : " yet"}.`}>
        {(items) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Client</th>
                <th scope="col">Status</th>
                <th scope="col" class="wide">Due</th>
                <th scope="col" class="num wide">
                  Total
                </th>
                <th scope="col" class="num">
                  Balance
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td>
                    <a href={`/app/invoices/${i.id}`}>{i.number}</a>
                  </td>
                  <td>{i.buyer?.name ?? names[i.client_id] ?? ""}</td>
                  <td>
                    <StatusBadge status={i.status} />
                  </td>
                  <td class="wide">{i.due_date}</td>
                  <td class="num wide">{formatMoney(i.total, i.currency)}</td>
                  <td class="num">{i.status === "void" ? "—" : formatMoney(i.balance_due, i.currency)}</td>
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
