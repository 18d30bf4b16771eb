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
      {d.revenue_by_month.map((r) => (
        <RevenueChart key={r.currency} currency={r.currency} months={r.months} />
      ))}
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
