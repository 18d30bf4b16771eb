//! The payments context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

use crate::signature::Refusal;

#[derive(Debug, PartialEq, Eq)]
pub enum PaymentsError {
    /// The webhook request is not provably from the provider (400; nothing stored).
    Signature(Refusal),
    /// Signed, but not an event we can read (400; nothing stored).
    Malformed(String),
    Invalid(Vec<FieldError>),
    /// Billing or the database cannot be reached: nothing was stored; the provider (or
    /// client) should try again (503).
    Unavailable(String),
    /// Storage or configuration failed; the text is for the log only.
    Internal(String),
}

impl From<Fault> for PaymentsError {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Unavailable(reason) => PaymentsError::Unavailable(reason),
            Fault::Internal(reason) => PaymentsError::Internal(reason),
        }
    }
}

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
                Fault::Unavailable(reason).into_problem("payments")
            }
            PaymentsError::Internal(reason) => Fault::Internal(reason).into_problem("payments"),
        }
    }
}
