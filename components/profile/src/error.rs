//! The profile context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

#[derive(Debug, PartialEq, Eq)]
pub enum ProfileError {
    Invalid(Vec<FieldError>),
    /// No profile yet (or, for a logo, no such picture of the caller's).
    NotFound(&'static str),
    /// `If-Match` named another version than `current`; `None` when there is no profile
    /// to match yet.
    Stale {
        current: Option<i64>,
    },
    /// Not the caller's doing, or data storage refused (an outage, a defect, a value
    /// Postgres cannot hold): [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

fin_problem::fault_variant!(ProfileError);

impl From<ProfileError> for Problem {
    fn from(err: ProfileError) -> Self {
        match err {
            ProfileError::Invalid(errors) => Problem::validation(errors),
            ProfileError::NotFound(detail) => Problem::not_found(detail),
            ProfileError::Stale {
                current: Some(current),
            } => Problem::precondition_failed(format!(
                "The business profile has changed; its current version is {current}. \
                 Fetch it and retry."
            ))
            .with_header("ETag", format!("\"{current}\"")),
            ProfileError::Stale { current: None } => Problem::precondition_failed(
                "There is no business profile yet to match; PUT without If-Match to create it.",
            ),
            ProfileError::Fault(fault) => fault.into_problem("profile"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_profile_is_named_as_the_profile() {
        let problem = Problem::from(ProfileError::Stale { current: Some(4) });
        assert_eq!(problem.status, 412);
        let detail = problem.detail.unwrap_or_default();
        assert!(detail.contains("business profile"), "{detail}");
        assert!(!detail.contains("invoice"), "{detail}");
        let none = Problem::from(ProfileError::Stale { current: None });
        assert_eq!(none.status, 412);
    }
}
