import type { Schemas } from "../api/client";

/** How a recurring invoice's schedule and states read on screen. */
export const frequencyLabel: Record<Schemas["RecurringFrequency"], string> = {
  weekly: "Week",
  monthly: "Month",
  quarterly: "Quarter",
  yearly: "Year",
};

const statusLabel: Record<Schemas["RecurringInvoice"]["status"], string> = {
  active: "Active",
  paused: "Paused",
  ended: "Ended",
};

export const periodLabel: Record<Schemas["RecurringPeriod"]["state"], string> = {
  pending: "Being made",
  created: "Made, being sent",
  draft: "Draft made",
  sent: "Sent",
  skipped: "Skipped (caught up)",
  failed: "Refused",
};

export function RecurringStatus({ status }: { status: Schemas["RecurringInvoice"]["status"] }) {
  return <span class={`badge ${status === "active" ? "sent" : status === "paused" ? "draft" : "void"}`}>{statusLabel[status]}</span>;
}
