//! The analytics context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, Problem};

#[derive(Debug, PartialEq, Eq)]
pub enum AnalyticsError {
    /// Postgres is down: retry (503).
    Unavailable(String),
    /// Storage or configuration failed; the text is for the log only.
    Internal(String),
}

impl From<Fault> for AnalyticsError {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Unavailable(reason) => AnalyticsError::Unavailable(reason),
            Fault::Internal(reason) => AnalyticsError::Internal(reason),
        }
    }
}

impl From<AnalyticsError> for Problem {
    fn from(err: AnalyticsError) -> Self {
        match err {
            AnalyticsError::Unavailable(reason) => {
                Fault::Unavailable(reason).into_problem("analytics")
            }
            AnalyticsError::Internal(reason) => Fault::Internal(reason).into_problem("analytics"),
        }
    }
}
