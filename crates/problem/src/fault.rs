//! Failures a store reports, told apart by what the client should do.

use crate::{FieldError, Problem};

/// Seconds a client is asked to wait when a dependency is down. Short: Postgres and
/// Redis outages this app sees are restarts, and every route heals on the next request.
pub const OUTAGE_RETRY_AFTER_SECONDS: u64 = 2;

/// Something on our side failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A dependency (Postgres, Redis, a sibling service) is down or unreachable right
    /// now: the request did nothing, and the same request will work once it is back —
    /// a 503 with `Retry-After`, never a 500.
    Unavailable(String),
    /// The database refused a value of the request (SQLSTATE class 22, data exception:
    /// U+0000 in text, a number out of range): the caller's data, so a 422 and nothing
    /// written. The edge refuses such values by name first (`crate::text`); this is the
    /// net behind it, so a value it missed is still not a 500. Logged, since it means
    /// an edge check is missing.
    Refused(String),
    /// A defect or a misconfiguration of ours: a 500. The text is for the log only.
    Internal(String),
}

impl Fault {
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Fault::Unavailable(_))
    }

    /// The response, after logging the cause under `context` (the component's name).
    pub fn into_problem(self, context: &str) -> Problem {
        match self {
            Fault::Unavailable(reason) => {
                fin_log::warn!(context, "dependency unavailable: {reason}");
                Problem::unavailable(OUTAGE_RETRY_AFTER_SECONDS).with_detail(
                    "A service this request depends on is unavailable, so nothing was done. \
                     Try again shortly.",
                )
            }
            Fault::Refused(reason) => {
                fin_log::warn!(
                    context,
                    "the database refused a value of the request: {reason}"
                );
                Problem::validation(vec![FieldError::new(
                    "",
                    "holds a value that cannot be stored (such as U+0000); nothing was saved",
                )])
            }
            Fault::Internal(reason) => {
                fin_log::error!(context, "internal error: {reason}");
                Problem::internal()
            }
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Unavailable(reason) => write!(f, "unavailable: {reason}"),
            Fault::Refused(reason) => write!(f, "refused: {reason}"),
            Fault::Internal(reason) => write!(f, "{reason}"),
        }
    }
}

/// Text errors (decoding a row, a malformed value we wrote) are defects.
impl From<String> for Fault {
    fn from(reason: String) -> Self {
        Fault::Internal(reason)
    }
}

/// What an infallible store (the in-memory one tests use) never returns.
impl From<std::convert::Infallible> for Fault {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl From<&str> for Fault {
    fn from(reason: &str) -> Self {
        Fault::Internal(reason.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_is_a_503_with_retry_after_and_a_defect_a_500() {
        let outage = Fault::Unavailable("postgres refused".into()).into_problem("test");
        assert_eq!(outage.status, 503);
        assert_eq!(
            outage.headers,
            vec![(
                "Retry-After".to_owned(),
                OUTAGE_RETRY_AFTER_SECONDS.to_string()
            )]
        );
        assert!(
            !outage.detail.unwrap_or_default().contains("refused"),
            "causes stay in the log"
        );
        assert_eq!(Fault::from("bad row").into_problem("test").status, 500);
        let refused = Fault::Refused("22021".into()).into_problem("test");
        assert_eq!(refused.status, 422);
        assert!(refused.headers.is_empty());
        assert_eq!(
            refused.errors.len(),
            1,
            "a validation problem names a field"
        );
    }
}
