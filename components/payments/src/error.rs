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
    /// Not the caller's doing, or data storage refused (an outage, a defect, a value
    /// Postgres cannot hold): [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

impl From<Fault> for PaymentsError {
    fn from(fault: Fault) -> Self {
        PaymentsError::Fault(fault)
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
            PaymentsError::Fault(fault) => fault.into_problem("payments"),
        }
    }
}
