//! The analytics context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, Problem};

#[derive(Debug, PartialEq, Eq)]
pub enum AnalyticsError {
    /// Not the caller's doing, or data storage refused (an outage, a defect, a value
    /// Postgres cannot hold): [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

fin_problem::fault_variant!(AnalyticsError);

impl From<AnalyticsError> for Problem {
    fn from(err: AnalyticsError) -> Self {
        match err {
            AnalyticsError::Fault(fault) => fault.into_problem("analytics"),
        }
    }
}
