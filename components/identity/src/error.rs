//! The identity context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

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
    /// No refresh token, or one that is unknown, expired, spent or revoked: log in again.
    SessionEnded,
    /// Not the caller's doing, or data storage refused (an outage, a defect, a value
    /// Postgres cannot hold): [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

fin_problem::fault_variant!(IdentityError);

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
            IdentityError::SessionEnded => {
                Problem::unauthorized("The session has ended; log in again.")
                    .with_header("Set-Cookie", crate::cookie::cleared())
            }
            IdentityError::Fault(fault) => fault.into_problem("identity"),
        }
    }
}
