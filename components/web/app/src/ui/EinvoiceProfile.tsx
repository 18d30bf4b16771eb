import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { useResource } from "./hooks";

/** Where the field a gap names is mended: the profile for the seller, the client for the buyer. */
function where(field: string, clientId: string) {
  return field.startsWith("seller.")
    ? { href: "/app/settings", label: "business profile" }
    : { href: `/app/clients/${clientId}`, label: "client" };
}

/**
 * Which e-invoice the invoice makes: Peppol BIS 3.0, or plain EN 16931 with what Peppol
 * would still need — so the freelancer knows which field to fill in, and where.
 */
export function EinvoiceProfile({ invoiceId, clientId }: { invoiceId: string; clientId: string }) {
  const profile = useResource(() => unwrap(api.GET("/invoices/{id}/einvoice", { params: { path: { id: invoiceId } } })), [invoiceId]);
  if (profile.loading) return <dd>…</dd>;
  if (profile.error) {
    return <dd>{profile.error.status === 409 ? "Not yet: download the e-invoice to see what is missing" : "Unknown just now"}</dd>;
  }
  const p = profile.data;
  if (!p) return <dd>…</dd>;
  if (p.profile === "peppol-bis-3") return <dd>Peppol BIS Billing 3.0 (EN 16931), ready for the Peppol network</dd>;
  return (
    <dd>
      EN 16931 (not Peppol). For Peppol:
      <ul class="gaps">
        {p.peppol_gaps.map((g) => {
          const place = where(g.field, clientId);
          return (
            <li key={g.rule + g.field}>
              {g.message} — <a href={place.href}>{place.label}</a> ({g.field})
            </li>
          );
        })}
      </ul>
    </dd>
  );
}
