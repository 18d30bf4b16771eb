//! The payments context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

use crate::checkout::{PayError, StripeFailure};
use crate::signature::Refusal;

#[derive(Debug, PartialEq, Eq)]
pub enum PaymentsError {
    /// The webhook request is not provably from the provider (400; nothing stored).
    Signature(Refusal),
    /// Signed, but not an event we can read (400; nothing stored).
    Malformed(String),
    Invalid(Vec<FieldError>),
    /// "Pay now" could not be offered: the link opens nothing, or Stripe made no session.
    Pay(PayError),
    /// `payments_encryption_key` is not set (or not 32 bytes): no Stripe key can be kept.
    CardPaymentsOff,
    /// Not the caller's doing, or data storage refused (an outage, a defect, a value
    /// Postgres cannot hold): [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

fin_problem::fault_variant!(PaymentsError);

impl From<PaymentsError> for Problem {
    fn from(err: PaymentsError) -> Self {
        match err {
            PaymentsError::Signature(refusal) => {
                Problem::new(400, "invalid-signature", "Invalid signature")
                    .with_detail(refusal.detail())
            }
            PaymentsError::Malformed(reason) => {
                Problem::bad_request(format!("The event cannot be read: {reason}."))
            }
            PaymentsError::Invalid(errors) => Problem::validation(errors),
            PaymentsError::CardPaymentsOff => Problem::new(
                501,
                "card-payments-not-configured",
                "Card payments are not set up on this server",
            )
            .with_detail(
                "Its operator sets payments_encryption_key (32 random bytes, base64) to let \
                 freelancers connect Stripe (docs/delivery.md).",
            ),
            PaymentsError::Pay(PayError::Closed) => Problem::not_found(
                "This link does not open an invoice: it may have expired or been revoked.",
            ),
            PaymentsError::Pay(PayError::Fault(fault)) => fault.into_problem("payments"),
            PaymentsError::Pay(PayError::Stripe(StripeFailure::Unavailable(reason))) => {
                Fault::Unavailable(reason).into_problem("payments")
            }
            PaymentsError::Pay(PayError::Stripe(StripeFailure::Paused { retry_after })) => {
                Problem::unavailable(retry_after.max(1) as u64).with_detail(
                    "Card payments are paused for a moment because Stripe is not answering; \
                     nothing was charged. Try again shortly, or pay by bank transfer.",
                )
            }
            PaymentsError::Pay(PayError::Stripe(StripeFailure::KeyRefused(reason))) => {
                fin_log::warn!("payments", "Stripe refused a freelancer's key: {reason}");
                Problem::new(409, "card-payment-unavailable", "Card payment is not available for this invoice")
                    .with_detail("The seller's Stripe account refused the payment request; please pay by bank transfer or ask the seller.")
            }
            PaymentsError::Pay(PayError::Stripe(StripeFailure::Refused(reason))) => {
                Fault::Internal(reason).into_problem("payments")
            }
            PaymentsError::Fault(fault) => fault.into_problem("payments"),
        }
    }
}
