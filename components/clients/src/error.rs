//! The clients context's one error type, and its one mapping to a problem response.

use fin_problem::{FieldError, Problem};

#[derive(Debug, PartialEq, Eq)]
pub enum ClientsError {
    Invalid(Vec<FieldError>),
    /// No such client for this user — including another user's client, which must be
    /// indistinguishable from a missing one.
    NotFound,
    /// Storage failed; the text is for the log only.
    Internal(String),
}

impl From<ClientsError> for Problem {
    fn from(err: ClientsError) -> Self {
        match err {
            ClientsError::Invalid(errors) => Problem::validation(errors),
            ClientsError::NotFound => Problem::not_found("There is no such client."),
            ClientsError::Internal(reason) => {
                eprintln!("clients: internal error: {reason}");
                Problem::internal()
            }
        }
    }
}
