import { useState } from "preact/hooks";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { useResource, useSubmit } from "./hooks";
import { ErrorBanner } from "./kit";

/** Links that show the invoice to the client without a login; the URL is shown once. */
export function ShareLinks({ invoiceId }: { invoiceId: string }) {
  const path = { params: { path: { id: invoiceId } } };
  const links = useResource(() => unwrap(api.GET("/invoices/{id}/share-links", path)), [invoiceId]);
  const [url, setUrl] = useState<string | null>(null);
  const create = useSubmit(async () => {
    const link = await unwrap(api.POST("/invoices/{id}/share", { ...path, body: {} }));
    setUrl(link.url);
    links.reload();
  });
  const revoke = useSubmit(async (linkId: string) => {
    await unwrap(api.DELETE("/invoices/{id}/share-links/{link_id}", { params: { path: { id: invoiceId, link_id: linkId } } }));
    links.reload();
  });
  const active = links.data?.items.filter((l) => l.state === "active") ?? [];
  return (
    <section class="card" aria-labelledby="share-title">
      <h2 id="share-title">Share with the client</h2>
      <ErrorBanner error={links.error ?? create.error ?? revoke.error} />
      {url && <OnceShownLink url={url} label="Share link" />}
      <button type="button" disabled={create.busy} onClick={() => void create.run()}>
        Create share link
      </button>
      {active.length > 0 && (
        <ul>
          {active.map((l) => (
            <li key={l.id}>
              Link of {new Date(l.created_at).toLocaleDateString()}, works until {new Date(l.expires_at).toLocaleDateString()}{" "}
              <button type="button" class="secondary" onClick={() => void revoke.run(l.id)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A link's URL as its create answered it: only a digest is kept, so this is the one look. */
export function OnceShownLink({ url, label }: { url: string; label: string }) {
  return (
    <p class="banner">
      Copy this link now — it is shown only once:{" "}
      <input class="share-url" aria-label={label} readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
    </p>
  );
}
