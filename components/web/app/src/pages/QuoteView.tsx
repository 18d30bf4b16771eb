import { useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, type Schemas } from "../api/client";
import { formatMoney } from "../api/money";
import { unwrap } from "../api/problem";
import { useResource, useSubmit } from "../ui/hooks";
import { ErrorBanner, Loading, NotFound } from "../ui/kit";
import { QuoteStatus } from "../ui/quotes";
import { saveFile } from "../ui/save";
import { OnceShownLink } from "../ui/ShareLinks";

type Quote = Schemas["Quote"];

export default function QuoteView() {
  const { params } = useRoute();
  const id = params.id ?? "";
  const { route } = useLocation();
  const loaded = useResource(() => unwrap(api.GET("/quotes/{id}", { params: { path: { id } } })), [id]);
  const [fresh, setFresh] = useState<Quote | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const q = fresh?.id === id ? fresh : loaded.data;
  const client = useResource(() => (q ? unwrap(api.GET("/clients/{id}", { params: { path: { id: q.client_id } } })) : Promise.resolve(null)), [q?.client_id]);
  const path = { params: { path: { id } } };
  const send = useSubmit(async () => setFresh(await unwrap(api.POST("/quotes/{id}/send", path))));
  const share = useSubmit(async () => {
    const link = await unwrap(api.POST("/quotes/{id}/share", path));
    setUrl(link.url);
    setFresh(await unwrap(api.GET("/quotes/{id}", path)));
  });
  const revoke = useSubmit(async (linkId: string) => {
    await unwrap(api.DELETE("/quotes/{id}/share-links/{link_id}", { params: { path: { id, link_id: linkId } } }));
    setFresh(await unwrap(api.GET("/quotes/{id}", path)));
  });
  const convert = useSubmit(async () => {
    const converted = await unwrap(api.POST("/quotes/{id}/convert", path));
    if (converted.invoice_id) route(`/app/invoices/${converted.invoice_id}`);
  });
  const remove = useSubmit(async () => {
    await unwrap(api.DELETE("/quotes/{id}", path));
    route("/app/quotes");
  });
  const download = useSubmit(async () => {
    const answer = await unwrap(api.GET("/quotes/{id}/pdf", { params: { path: { id } }, parseAs: "blob" }));
    saveFile(answer as Blob, `${q?.number ?? "quote"}.pdf`);
  });

  if (loaded.error?.status === 404) return <NotFound what="Quote" />;
  if (loaded.loading && !q) return <Loading />;
  if (!q) return <ErrorBanner error={loaded.error} />;
  const working = q.links.filter((l) => !l.revoked_at);
  return (
    <section aria-labelledby="quote-title">
      <div class="title-row">
        <h1 id="quote-title">
          Quote {q.number} <QuoteStatus status={q.status} />
        </h1>
        <div class="actions">
          <button type="button" class="secondary" disabled={download.busy} onClick={() => void download.run()}>
            Download PDF
          </button>
          {q.status === "draft" && (
            <>
              <a class="button secondary" href={`/app/quotes/${q.id}/edit`}>
                Edit
              </a>
              <button type="button" disabled={send.busy} onClick={() => void send.run()}>
                Send
              </button>
              <button type="button" class="danger" disabled={remove.busy} onClick={() => void remove.run()}>
                Delete
              </button>
            </>
          )}
          {q.status === "accepted" &&
            (q.invoice_id ? (
              <a class="button" href={`/app/invoices/${q.invoice_id}`}>
                Open its invoice
              </a>
            ) : (
              <button type="button" disabled={convert.busy} onClick={() => void convert.run()}>
                Make it an invoice
              </button>
            ))}
        </div>
      </div>
      <ErrorBanner error={send.error ?? share.error ?? revoke.error ?? convert.error ?? remove.error ?? download.error} />
      <dl class="facts">
        <dt>Client</dt>
        <dd>{client.data?.name ?? ""}</dd>
        <dt>Issued</dt>
        <dd>{q.issue_date}</dd>
        <dt>Valid until</dt>
        <dd>{q.valid_until}</dd>
        <dt>Total</dt>
        <dd>{formatMoney(q.total, q.currency)}</dd>
      </dl>
      {q.answer && (
        <p class="banner">
          {q.status === "accepted" ? `Accepted by ${q.answer.name ?? "the client"}` : "Declined"} on {new Date(q.answer.at).toLocaleString()}
          {q.answer.note && `: “${q.answer.note}”`}
        </p>
      )}
      <h2 id="lines-title">Lines</h2>
      <table aria-labelledby="lines-title">
        <thead>
          <tr>
            <th scope="col">Description</th>
            <th scope="col" class="num">
              Quantity
            </th>
            <th scope="col" class="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {q.lines.map((l, n) => (
            <tr key={n}>
              <td>{l.description}</td>
              <td class="num">{l.quantity}</td>
              <td class="num">{formatMoney(l.net, q.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {q.status !== "draft" && (
        <section class="card" aria-labelledby="share-title">
          <h2 id="share-title">The client's link</h2>
          <p class="hint">The client reads the quote on it and accepts or declines it, with no login.</p>
          {q.emailed_to ? (
            <p>
              E-mailed to <strong>{q.emailed_to}</strong> with a link of its own.
            </p>
          ) : (
            <p>The client has no e-mail address: create a link and send it yourself.</p>
          )}
          {url && <OnceShownLink url={url} label="Quote link" />}
          <button type="button" disabled={share.busy} onClick={() => void share.run()}>
            Create a link
          </button>
          {working.length > 0 && (
            <ul>
              {working.map((l) => (
                <li key={l.id}>
                  Link of {new Date(l.created_at).toLocaleDateString()}{" "}
                  <button type="button" class="secondary" onClick={() => void revoke.run(l.id)}>
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </section>
  );
}
