//! The identity context's one error type, and its one mapping to a problem response.

use fin_problem::{FieldError, Problem};

use crate::throttle::RetryAfter;

#[derive(Debug, PartialEq, Eq)]
pub enum IdentityError {
    Invalid(Vec<FieldError>),
    EmailTaken,
    /// The same answer for an unknown email and a wrong password.
    InvalidCredentials,
    Throttled(RetryAfter),
    /// A valid token whose user no longer exists.
    UnknownUser,
    /// Storage, hashing or configuration failed; the text is for the log only.
    Internal(String),
}

impl From<IdentityError> for Problem {
    fn from(err: IdentityError) -> Self {
        match err {
            IdentityError::Invalid(errors) => Problem::validation(errors),
            IdentityError::EmailTaken => {
                Problem::conflict("An account with this email already exists.")
            }
            IdentityError::InvalidCredentials => {
                Problem::new(401, "invalid-credentials", "Invalid credentials")
                    .with_detail("The email or password is incorrect.")
                    .with_header("WWW-Authenticate", "Bearer realm=\"fin-freelancer\"")
            }
            IdentityError::Throttled(RetryAfter(seconds)) => {
                Problem::too_many_requests(seconds, "Too many failed logins; try again later.")
            }
            IdentityError::UnknownUser => {
                Problem::unauthorized("The account for this token no longer exists.")
            }
            IdentityError::Internal(reason) => {
                eprintln!("identity: internal error: {reason}");
                Problem::internal()
            }
        }
    }
}
