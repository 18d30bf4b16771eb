//! The clients context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

#[derive(Debug, PartialEq, Eq)]
pub enum ClientsError {
    Invalid(Vec<FieldError>),
    /// No such client for this user — including another user's client, which must be
    /// indistinguishable from a missing one.
    NotFound,
    /// Not the caller's doing, or data storage refused (an outage, a defect, a value
    /// Postgres cannot hold): [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

fin_problem::fault_variant!(ClientsError);

impl From<ClientsError> for Problem {
    fn from(err: ClientsError) -> Self {
        match err {
            ClientsError::Invalid(errors) => Problem::validation(errors),
            ClientsError::NotFound => Problem::not_found("There is no such client."),
            ClientsError::Fault(fault) => fault.into_problem("clients"),
        }
    }
}
