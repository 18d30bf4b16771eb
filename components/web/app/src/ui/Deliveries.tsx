import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { useResource } from "./hooks";

const said: Record<string, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "E-mailed",
  failed: "Not delivered",
  skipped: "Not needed",
};

/**
 * How long after an invoice was sent the panel keeps asking for its e-mail while none is
 * listed yet. The mailer queues it within seconds of the send, later on a busy server; a
 * panel that looked only while a row was pending never learnt of one queued after its
 * first look, and said "Not e-mailed yet." until a reload.
 */
const AWAIT_QUEUE_MS = 10 * 60 * 1000;

/** What was e-mailed for the invoice (docs/delivery.md), refreshed while any is pending. */
export function Deliveries({ invoiceId, sentAt }: { invoiceId: string; sentAt: string | null }) {
  const list = useResource(() => unwrap(api.GET("/invoices/{id}/deliveries", { params: { path: { id: invoiceId } } })), [invoiceId]);
  const items = list.data?.items ?? [];
  const [opened] = useState(() => Date.now());
  // Measured from when the panel opened as well as from the server's `sent_at`, so a
  // browser whose clock is off neither gives up at once nor polls an old invoice for long.
  const sinceSent = sentAt ? Date.now() - Date.parse(sentAt) : Infinity;
  const awaited =
    list.data !== undefined && !items.some((d) => d.kind === "invoice") && sinceSent < 24 * 3600 * 1000 && Date.now() - opened < AWAIT_QUEUE_MS;
  const pending = awaited || items.some((d) => d.status === "queued" || d.status === "sending");
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(list.reload, 3000);
    return () => clearTimeout(timer);
  }, [pending, list.data]);
  return (
    <section class="card" aria-labelledby="mail-title">
      <h2 id="mail-title">E-mail to the client</h2>
      {items.length === 0 ? (
        <p class="muted">Not e-mailed yet.</p>
      ) : (
        <ul>
          {items.map((d) => (
            <li key={d.id}>
              <strong>{said[d.status] ?? d.status}</strong>
              {d.kind !== "invoice" && ` (reminder, ${d.kind.replace("reminder:", "")} days after the due date)`}
              {d.recipient && ` to ${d.recipient}`}
              {d.sent_at && ` on ${new Date(d.sent_at).toLocaleString()}`}
              {d.last_error && <span class="error"> — {d.last_error}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
