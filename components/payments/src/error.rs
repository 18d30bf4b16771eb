//! The payments context's one error type, and its one mapping to a problem response.

use fin_problem::{FieldError, Problem};

use crate::signature::Refusal;

#[derive(Debug, PartialEq, Eq)]
pub enum PaymentsError {
    /// The webhook request is not provably from the provider (400; nothing stored).
    Signature(Refusal),
    /// Signed, but not an event we can read (400; nothing stored).
    Malformed(String),
    Invalid(Vec<FieldError>),
    /// Billing cannot settle now: the provider should deliver again (503).
    Unavailable(String),
    /// Storage or configuration failed; the text is for the log only.
    Internal(String),
}

/// Seconds a provider (or client) is asked to wait before trying again.
const RETRY_AFTER_SECONDS: u64 = 5;

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
            PaymentsError::Unavailable(reason) => {
                eprintln!("payments: billing unavailable: {reason}");
                Problem::unavailable(RETRY_AFTER_SECONDS).with_detail(
                    "The payment cannot be settled right now; nothing was stored. \
                     Deliver the event again shortly.",
                )
            }
            PaymentsError::Internal(reason) => {
                eprintln!("payments: internal error: {reason}");
                Problem::internal()
            }
        }
    }
}
