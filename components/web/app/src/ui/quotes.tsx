import { api, type Schemas } from "../api/client";
import { unwrap } from "../api/problem";
import { useResource } from "./hooks";

/** How a quote's state reads on screen. */
const statusLabel: Record<Schemas["QuoteStatus"], string> = {
  draft: "Draft",
  sent: "Awaiting answer",
  accepted: "Accepted",
  declined: "Declined",
  expired: "Expired",
};

const badge: Record<Schemas["QuoteStatus"], string> = {
  draft: "draft",
  sent: "sent",
  accepted: "paid",
  declined: "void",
  expired: "overdue",
};

export function QuoteStatus({ status }: { status: Schemas["QuoteStatus"] }) {
  return <span class={`badge ${badge[status]}`}>{statusLabel[status]}</span>;
}

/**
 * The quote an invoice was made from, linked: the quotes context keeps the link (the
 * quote's `invoice_id`) and answers `GET /quotes?invoice_id=`; billing knows no quotes.
 * Nothing when the invoice came from no quote.
 */
export function QuotedIn({ invoiceId }: { invoiceId: string }) {
  const found = useResource(() => unwrap(api.GET("/quotes", { params: { query: { invoice_id: invoiceId } } })), [invoiceId]);
  const quote = found.data?.items[0];
  if (!quote) return null;
  return (
    <>
      <dt>Quoted in</dt>
      <dd>
        <a href={`/app/quotes/${quote.id}`}>{quote.number}</a>
      </dd>
    </>
  );
}
