import { useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, type Schemas } from "../api/client";
import { formatMoney } from "../api/money";
import { unwrap } from "../api/problem";
import { useResource, useSubmit } from "../ui/hooks";
import { ErrorBanner, Loading, NotFound } from "../ui/kit";
import { frequencyLabel, periodLabel, RecurringStatus } from "../ui/recurring";

type Template = Schemas["RecurringInvoice"];

export default function RecurringView() {
  const { params } = useRoute();
  const id = params.id ?? "";
  const { route } = useLocation();
  const loaded = useResource(() => unwrap(api.GET("/recurring-invoices/{id}", { params: { path: { id } } })), [id]);
  const [fresh, setFresh] = useState<Template | null>(null);
  const t = fresh?.id === id ? fresh : loaded.data;
  const client = useResource(() => (t ? unwrap(api.GET("/clients/{id}", { params: { path: { id: t.client_id } } })) : Promise.resolve(null)), [t?.client_id]);
  const path = { params: { path: { id } } };
  const pause = useSubmit(async () => setFresh(await unwrap(api.POST("/recurring-invoices/{id}/pause", path))));
  const resume = useSubmit(async () => setFresh(await unwrap(api.POST("/recurring-invoices/{id}/resume", path))));
  const remove = useSubmit(async () => {
    await unwrap(api.DELETE("/recurring-invoices/{id}", path));
    route("/app/recurring");
  });

  if (loaded.error?.status === 404) return <NotFound what="Recurring invoice" />;
  if (loaded.loading && !t) return <Loading />;
  if (!t) return <ErrorBanner error={loaded.error} />;
  const end = t.end_date ? `until ${t.end_date}` : t.count ? `${t.count} times` : "until stopped";
  return (
    <section aria-labelledby="recurring-title">
      <div class="title-row">
        <h1 id="recurring-title">
          {t.name} <RecurringStatus status={t.status} />
        </h1>
        <div class="actions">
          <a class="button secondary" href={`/app/recurring/${t.id}/edit`}>
            Edit
          </a>
          {t.status === "paused" ? (
            <button type="button" disabled={resume.busy} onClick={() => void resume.run()}>
              Resume
            </button>
          ) : (
            t.status === "active" && (
              <button type="button" class="secondary" disabled={pause.busy} onClick={() => void pause.run()}>
                Pause
              </button>
            )
          )}
          <button type="button" class="danger" disabled={remove.busy} onClick={() => void remove.run()}>
            Delete
          </button>
        </div>
      </div>
      <ErrorBanner error={pause.error ?? resume.error ?? remove.error} />
      <dl class="facts">
        <dt>Client</dt>
        <dd>{client.data?.name ?? ""}</dd>
        <dt>Every</dt>
        <dd>
          {frequencyLabel[t.frequency].toLowerCase()} from {t.start_date}, {end} ({t.time_zone})
        </dd>
        <dt>Each invoice</dt>
        <dd>
          {formatMoney(t.total, t.currency)}, due {t.payment_terms_days} days after its date, {t.send ? "sent at once" : "left as a draft"}
        </dd>
      </dl>
      <h2 id="upcoming-title">Next dates</h2>
      {t.upcoming.length ? (
        <ol aria-labelledby="upcoming-title" class="dates">
          {t.upcoming.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ol>
      ) : (
        <p class="empty">No more dates: the schedule has ended.</p>
      )}
      {t.status === "paused" && <p class="banner">Paused: nothing is made until it is resumed, and the dates that pass meanwhile are not made.</p>}
      <h2 id="periods-title">Invoices made</h2>
      {t.invoices.length ? (
        <table aria-labelledby="periods-title">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">What happened</th>
              <th scope="col">Invoice</th>
            </tr>
          </thead>
          <tbody>
            {t.invoices.map((p) => (
              <tr key={p.period}>
                <td>{p.issue_date}</td>
                <td>
                  {periodLabel[p.state]}
                  {p.error && `: ${p.error}`}
                </td>
                <td>{p.invoice_id ? <a href={`/app/invoices/${p.invoice_id}`}>Open the invoice of {p.issue_date}</a> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">None yet: the first is made on {t.next_date ?? "—"}.</p>
      )}
    </section>
  );
}
