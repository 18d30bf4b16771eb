//! The analytics context's one error type, and its one mapping to a problem response.

use fin_problem::Problem;

#[derive(Debug, PartialEq, Eq)]
pub enum AnalyticsError {
    /// Storage or configuration failed; the text is for the log only.
    Internal(String),
}

impl From<AnalyticsError> for Problem {
    fn from(err: AnalyticsError) -> Self {
        match err {
            AnalyticsError::Internal(reason) => {
                eprintln!("analytics: internal error: {reason}");
                Problem::internal()
            }
        }
    }
}
