//! The recurring context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

#[derive(Debug, PartialEq, Eq)]
pub enum RecurringError {
    Invalid(Vec<FieldError>),
    /// No such template for this user — another user's included, indistinguishable.
    NotFound,
    /// `If-Match` names a version that is no longer the template's: `current` is.
    Stale {
        current: i64,
    },
    /// The change cannot be made in the template's state (its schedule after a period
    /// was made).
    Conflict(String),
    /// Not the caller's doing: [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

fin_problem::fault_variant!(RecurringError);

impl RecurringError {
    pub fn field(field: &str, message: &str) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

impl fin_idempotency::Refusals for RecurringError {
    fn key_reused(refused: FieldError) -> Self {
        Self::Invalid(vec![refused])
    }
    fn made_and_gone() -> Self {
        Self::NotFound
    }
}

impl From<RecurringError> for Problem {
    fn from(err: RecurringError) -> Self {
        match err {
            RecurringError::Invalid(errors) => Problem::validation(errors),
            RecurringError::NotFound => Problem::not_found("There is no such recurring invoice."),
            RecurringError::Stale { current } => Problem::precondition_failed(format!(
                "The recurring invoice has changed; its current version is {current}. \
                 Fetch it and retry."
            ))
            .with_header("ETag", format!("\"{current}\"")),
            RecurringError::Conflict(detail) => Problem::conflict(detail),
            RecurringError::Fault(fault) => fault.into_problem("recurring"),
        }
    }
}
