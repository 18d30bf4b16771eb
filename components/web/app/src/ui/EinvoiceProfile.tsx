import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { useResource } from "./hooks";

/** Where the field a gap names is mended: the profile for the seller, the client for the buyer. */
function where(field: string, clientId: string) {
  return field.startsWith("seller.")
    ? { href: "/app/settings", label: "business profile" }
    : { href: `/app/clients/${clientId}`, label: "client" };
}

/** What is missing, each with a link to the screen that mends it. */
function Gaps({ gaps, clientId }: { gaps: { field: string; message: string }[]; clientId: string }) {
  return (
    <ul class="gaps">
      {gaps.map((g) => {
        const place = where(g.field, clientId);
        return (
          <li key={g.field + g.message}>
            {g.message} — <a href={place.href}>{place.label}</a> ({g.field})
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Which e-invoice the invoice makes: Peppol BIS 3.0, plain EN 16931 with what Peppol
 * would still need, or none yet with what EN 16931 needs — so the freelancer knows which
 * field to fill in, and where.
 */
export function EinvoiceProfile({ invoiceId, clientId, sent }: { invoiceId: string; clientId: string; sent: boolean }) {
  const profile = useResource(() => unwrap(api.GET("/invoices/{id}/einvoice", { params: { path: { id: invoiceId } } })), [invoiceId]);
  if (profile.loading) return <dd>…</dd>;
  if (profile.error) {
    const missing = profile.error.status === 409 ? (profile.error.problem.errors ?? []) : [];
    if (missing.length === 0) return <dd>Unknown just now</dd>;
    return (
      <dd>
        None yet: EN 16931 needs
        <Gaps gaps={missing} clientId={clientId} />
      </dd>
    );
  }
  const p = profile.data;
  if (!p) return <dd>…</dd>;
  if (p.profile === "peppol-bis-3") return <dd>Peppol BIS Billing 3.0 (EN 16931), ready for the Peppol network</dd>;
  return (
    <dd>
      EN 16931 (not Peppol).{" "}
      {sent ? "This invoice keeps the details it was sent with; for Peppol on the next ones:" : "For Peppol, fill in:"}
      <Gaps gaps={p.peppol_gaps} clientId={clientId} />
    </dd>
  );
}
