//! The quotes context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

#[derive(Debug, PartialEq, Eq)]
pub enum QuoteError {
    Invalid(Vec<FieldError>),
    /// No such quote for this user — another user's included, indistinguishable.
    NotFound,
    /// No such link on the quote.
    NoLink,
    /// A share link that opens nothing: malformed, unknown or revoked, all alike, so the
    /// answer tells a guesser nothing.
    Closed,
    /// `If-Match` names a version that is no longer the quote's: `current` is.
    Stale {
        current: i64,
    },
    /// Not in the quote's state: a sent quote edited, an answered one answered again,
    /// an expired one accepted.
    Conflict(String),
    /// Not the caller's doing: [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

fin_problem::fault_variant!(QuoteError);

impl QuoteError {
    pub fn field(field: &str, message: &str) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

impl fin_idempotency::Refusals for QuoteError {
    fn key_reused(refused: FieldError) -> Self {
        Self::Invalid(vec![refused])
    }
    fn made_and_gone() -> Self {
        Self::NotFound
    }
}

impl From<QuoteError> for Problem {
    fn from(err: QuoteError) -> Self {
        match err {
            QuoteError::Invalid(errors) => Problem::validation(errors),
            QuoteError::NotFound => Problem::not_found("There is no such quote."),
            QuoteError::NoLink => Problem::not_found("The quote has no such link."),
            QuoteError::Closed => {
                Problem::not_found("This link does not open a quote: it may have been revoked.")
            }
            QuoteError::Stale { current } => Problem::precondition_failed(format!(
                "The quote has changed; its current version is {current}. Fetch it and retry."
            ))
            .with_header("ETag", format!("\"{current}\"")),
            QuoteError::Conflict(detail) => Problem::conflict(detail),
            QuoteError::Fault(fault) => fault.into_problem("quotes"),
        }
    }
}
