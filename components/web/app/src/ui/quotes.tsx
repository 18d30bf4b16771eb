import type { Schemas } from "../api/client";

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
