//! A change to one invoice, as a use case decides it and the store applies it. Which
//! events a change produces (`events`) follows from the change alone, so the change sits
//! below both the use cases and the events.

use crate::credit::NewCreditNote;
use crate::domain::{InvoiceFields, NewPayment};
use crate::parties::Buyer;
use crate::refund::NewRefund;
use crate::status::Status;
use fin_commercial::totals::Totals;

/// A change to one invoice, applied only if the invoice is still at the version it was
/// decided on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Fields(InvoiceFields, Totals),
    Status(Status),
    /// Sent, with the buyer as the client is now (the store adds the seller).
    Send(Buyer),
    Payment(NewPayment, Status),
    /// A credit note issued against the invoice, and the status it leaves it in.
    Credit(Box<NewCreditNote>, Status),
    /// Money paid back against one of its credit notes (the status stays).
    Refund(NewRefund),
    Delete,
}
