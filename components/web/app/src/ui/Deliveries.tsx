import { useEffect } from "preact/hooks";
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

/** What was e-mailed for the invoice (docs/delivery.md), refreshed while any is pending. */
export function Deliveries({ invoiceId }: { invoiceId: string }) {
  const list = useResource(() => unwrap(api.GET("/invoices/{id}/deliveries", { params: { path: { id: invoiceId } } })), [invoiceId]);
  const items = list.data?.items ?? [];
  const pending = items.some((d) => d.status === "queued" || d.status === "sending");
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
