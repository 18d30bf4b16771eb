//! The clients context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

#[derive(Debug, PartialEq, Eq)]
pub enum ClientsError {
    Invalid(Vec<FieldError>),
    /// No such client for this user — including another user's client, which must be
    /// indistinguishable from a missing one.
    NotFound,
    /// Postgres is down: nothing was done, retry (503).
    Unavailable(String),
    /// Storage failed; the text is for the log only.
    Internal(String),
}

impl From<Fault> for ClientsError {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Unavailable(reason) => ClientsError::Unavailable(reason),
            Fault::Internal(reason) => ClientsError::Internal(reason),
        }
    }
}

impl From<ClientsError> for Problem {
    fn from(err: ClientsError) -> Self {
        match err {
            ClientsError::Invalid(errors) => Problem::validation(errors),
            ClientsError::NotFound => Problem::not_found("There is no such client."),
            ClientsError::Unavailable(reason) => Fault::Unavailable(reason).into_problem("clients"),
            ClientsError::Internal(reason) => Fault::Internal(reason).into_problem("clients"),
        }
    }
}
