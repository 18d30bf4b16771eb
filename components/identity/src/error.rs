//! The identity context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

use crate::throttle::RetryAfter;

#[derive(Debug, PartialEq, Eq)]
pub enum IdentityError {
    Invalid(Vec<FieldError>),
    /// The same answer for an unknown email and a wrong password.
    InvalidCredentials,
    Throttled(RetryAfter),
    /// Too many reset or verification e-mails, or wrong current passwords.
    Busy(RetryAfter),
    /// A reset or verification link that is unknown, spent, superseded or expired.
    LinkInvalid,
    /// Asked for a verification e-mail with the address verified already.
    AlreadyVerified,
    /// The password changed between reading it and writing the new one.
    ChangedMeanwhile,
    /// The address an e-mail change moves to has an account now.
    EmailTaken,
    /// No live session of the caller's with that id.
    SessionNotFound,
    /// Two-factor sign-in cannot be used here: no `identity_encryption_key`, or the
    /// account's key was sealed under another one.
    TwoFactorUnavailable,
    /// Turning two factors on with them on already.
    TwoFactorOn,
    /// A code asked for where two factors are off.
    TwoFactorOff,
    /// A first code with no key waiting for it.
    TwoFactorNotStarted,
    /// A second-step ticket that is unknown, spent or expired: log in again.
    TicketInvalid,
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
            IdentityError::InvalidCredentials => {
                Problem::new(401, "invalid-credentials", "Invalid credentials")
                    .with_detail("The email or password is incorrect.")
                    .with_header("WWW-Authenticate", "Bearer realm=\"fin-freelancer\"")
            }
            IdentityError::Throttled(RetryAfter(seconds)) => {
                Problem::too_many_requests(seconds, "Too many failed logins; try again later.")
            }
            IdentityError::Busy(RetryAfter(seconds)) => {
                Problem::too_many_requests(seconds, "Too many attempts; try again later.")
            }
            IdentityError::LinkInvalid => Problem::new(400, "invalid-link", "Invalid link")
                .with_detail(
                    "This link is unknown, already used, replaced by a newer one or expired; ask for a new one.",
                ),
            IdentityError::AlreadyVerified => {
                Problem::conflict("The e-mail address is verified already.")
            }
            IdentityError::ChangedMeanwhile => Problem::conflict(
                "The password was changed meanwhile; sign in again and retry.",
            ),
            IdentityError::EmailTaken => Problem::conflict(
                "Another account has this address now; ask for the change again with another one.",
            ),
            IdentityError::SessionNotFound => {
                Problem::not_found("No such session.")
            }
            IdentityError::TwoFactorUnavailable => Problem::new(
                501,
                "two-factor-not-configured",
                "Two-factor sign-in is not available on this server",
            )
            .with_detail(
                "Its operator sets identity_encryption_key (32 random bytes, base64) to keep \
                 authenticator keys; with the key changed, sign in with a recovery code and \
                 set two-factor sign-in up again (docs/accounts.md).",
            ),
            IdentityError::TwoFactorOn => {
                Problem::conflict("Two-factor sign-in is on already; turn it off first.")
            }
            IdentityError::TwoFactorOff => Problem::conflict("Two-factor sign-in is not on."),
            IdentityError::TwoFactorNotStarted => Problem::conflict(
                "No authenticator key is waiting for its first code; start setting up two-factor sign-in again.",
            ),
            IdentityError::TicketInvalid => Problem::new(401, "invalid-ticket", "Sign in again")
                .with_detail(
                    "This sign-in has expired or was finished already; log in with your password again.",
                )
                .with_header("WWW-Authenticate", "Bearer realm=\"fin-freelancer\""),
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
