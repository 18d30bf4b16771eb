//! Which domain events a change produces. The store writes them to the outbox in the
//! same statement as the change; `docs/events.md` describes each type's payload.

use crate::change::Change;
use crate::status::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    InvoiceCreated,
    InvoiceUpdated,
    InvoiceSent,
    InvoiceVoided,
    InvoiceDeleted,
    PaymentRecorded,
    InvoicePaid,
    CreditNoteIssued,
    RefundRecorded,
}

impl EventType {
    pub const ALL: [EventType; 9] = [
        EventType::InvoiceCreated,
        EventType::InvoiceUpdated,
        EventType::InvoiceSent,
        EventType::InvoiceVoided,
        EventType::InvoiceDeleted,
        EventType::PaymentRecorded,
        EventType::InvoicePaid,
        EventType::CreditNoteIssued,
        EventType::RefundRecorded,
    ];

    /// The name in the envelope's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::InvoiceCreated => "invoice.created",
            EventType::InvoiceUpdated => "invoice.updated",
            EventType::InvoiceSent => "invoice.sent",
            EventType::InvoiceVoided => "invoice.voided",
            EventType::InvoiceDeleted => "invoice.deleted",
            EventType::PaymentRecorded => "payment.recorded",
            EventType::InvoicePaid => "invoice.paid",
            EventType::CreditNoteIssued => "credit_note.issued",
            EventType::RefundRecorded => "refund.recorded",
        }
    }
}

impl Change {
    /// The events this change writes to an invoice that was `before`: one per change,
    /// and `invoice.paid` beside `payment.recorded` when a payment settles it (only the
    /// first time: money over the total on a paid invoice records a payment, no new
    /// `invoice.paid`).
    pub fn events(&self, before: Status) -> Vec<EventType> {
        match self {
            Change::Fields(..) => vec![EventType::InvoiceUpdated],
            Change::Status(Status::Sent) | Change::Send(_) => vec![EventType::InvoiceSent],
            Change::Status(Status::Void) => vec![EventType::InvoiceVoided],
            // Paid comes only with a payment and draft is never re-entered; should a new
            // status ever be set directly, it still says the invoice changed.
            Change::Status(Status::Paid | Status::Draft) => vec![EventType::InvoiceUpdated],
            Change::Delete => vec![EventType::InvoiceDeleted],
            Change::Payment(_, Status::Paid) if before != Status::Paid => {
                vec![EventType::PaymentRecorded, EventType::InvoicePaid]
            }
            Change::Payment(..) => vec![EventType::PaymentRecorded],
            // A credit that settles the invoice is not a payment: no `invoice.paid`, so
            // nobody thanks the client for money that never came.
            Change::Credit(..) => vec![EventType::CreditNoteIssued],
            Change::Refund(_) => vec![EventType::RefundRecorded],
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::domain::{NewPayment, PaymentSource};

    fn payment() -> NewPayment {
        NewPayment {
            amount: 10,
            overpaid: 0,
            paid_on: date!(2026 - 03 - 01),
            method: None,
            reference: None,
            source: PaymentSource::Manual,
        }
    }

    #[test]
    fn each_change_writes_its_event() {
        assert_eq!(
            Change::Status(Status::Sent).events(Status::Draft),
            [EventType::InvoiceSent]
        );
        assert_eq!(
            Change::Status(Status::Void).events(Status::Sent),
            [EventType::InvoiceVoided]
        );
        assert_eq!(
            Change::Delete.events(Status::Draft),
            [EventType::InvoiceDeleted]
        );
        assert_eq!(
            Change::Payment(payment(), Status::Sent).events(Status::Sent),
            [EventType::PaymentRecorded]
        );
    }

    #[test]
    fn the_payment_that_settles_an_invoice_also_says_it_is_paid_once() {
        assert_eq!(
            Change::Payment(payment(), Status::Paid).events(Status::Sent),
            [EventType::PaymentRecorded, EventType::InvoicePaid]
        );
        assert_eq!(
            Change::Payment(payment(), Status::Paid).events(Status::Paid),
            [EventType::PaymentRecorded],
            "an overpayment on a paid invoice is a payment, not a second settlement"
        );
    }

    #[test]
    fn names_are_distinct_and_dotted() {
        let names: std::collections::BTreeSet<_> =
            EventType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names.len(), EventType::ALL.len());
        assert!(names.iter().all(|n| n.contains('.')));
    }
}
