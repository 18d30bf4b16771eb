//! The catalogue context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

#[derive(Debug, PartialEq, Eq)]
pub enum CatalogueError {
    Invalid(Vec<FieldError>),
    /// No such item for this user — another user's item included, indistinguishable.
    NotFound,
    /// Not the caller's doing: [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

fin_problem::fault_variant!(CatalogueError);

impl From<CatalogueError> for Problem {
    fn from(err: CatalogueError) -> Self {
        match err {
            CatalogueError::Invalid(errors) => Problem::validation(errors),
            CatalogueError::NotFound => Problem::not_found("There is no such item."),
            CatalogueError::Fault(fault) => fault.into_problem("catalogue"),
        }
    }
}
