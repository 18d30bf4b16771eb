//! The account's own use cases past logging in: proving the address, getting back in
//! with a reset link, changing the password, and reading the security log. Every change
//! is one statement over [`AccountStore`] (the e-mail it owes and the event it logs are
//! written with it); what the statement ended — access tokens still unexpired — comes
//! back for the edge to blocklist.

use fin_problem::{Fault, FieldError};

use crate::domain::{Email, Password};
use crate::error::IdentityError;
use crate::links::{self, Link, Purpose};
use crate::mail::{self, Mail};
use crate::password;
use crate::security::{LoggedEvent, Seen};

/// An access token a change has made void: blocklisted until it would have expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    pub user_id: String,
    pub token_id: String,
    pub expires_at: i64,
}

/// The owner as a request that asks for the password again finds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub password_hash: String,
    /// The credentials version the password is checked against: the change it allows
    /// is written only if they are still at it.
    pub version: i32,
    pub email: String,
    pub two_factor: bool,
}

/// Reads the [`Holder`] (Postgres in production).
pub trait HolderStore {
    fn holder(&self, user_id: &str) -> Result<Option<Holder>, Fault>;
}

/// What the account statements need (Postgres in production).
pub trait AccountStore {
    /// Queues a reset link to the account with this address, if there is one, and logs
    /// the request on it; the same statement runs either way.
    fn request_reset(
        &self,
        email: &str,
        link: &Link,
        mail: &Mail,
        seen: &Seen,
    ) -> Result<(), Fault>;
    /// Spends a reset link and sets the password, ending every session: `None` when the
    /// link is unknown, spent, superseded or expired.
    fn reset(
        &self,
        digest: &str,
        hash: &str,
        notice: &Mail,
        seen: &Seen,
    ) -> Result<Option<Vec<Ended>>, Fault>;
    /// Spends a verification link: whether it verified the address it was sent to.
    fn verify_email(&self, digest: &str, seen: &Seen) -> Result<bool, Fault>;
    /// Queues a new verification link, superseding the older ones: `false` when the
    /// address is verified already.
    fn resend_verification(&self, user_id: &str, link: &Link, mail: &Mail) -> Result<bool, Fault>;
    /// The stored hash and credentials version of a user.
    fn password_of(&self, user_id: &str) -> Result<Option<(String, i32)>, Fault>;
    /// Sets a new password if the credentials are still at `version`, ending every
    /// session but `keep`: `None` when they changed meanwhile.
    fn change_password(
        &self,
        user_id: &str,
        version: i32,
        hash: &str,
        keep: Option<&str>,
        notice: &Mail,
        seen: &Seen,
    ) -> Result<Option<Vec<Ended>>, Fault>;
    /// The owner's events, newest first, older than `before` (an event id) when given.
    fn security_log(
        &self,
        user_id: &str,
        limit: u32,
        before: Option<&str>,
    ) -> Result<Vec<LoggedEvent>, Fault>;
}

/// `POST /auth/password-reset`: the same work and the same answer whether or not the
/// address has an account; a malformed address is simply one without.
pub fn request_reset(
    store: &impl AccountStore,
    raw_email: &str,
    base_url: &str,
    seen: &Seen,
) -> Result<(), IdentityError> {
    let email = Email::parse(raw_email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_default();
    let link = Link::new(Purpose::ResetPassword, base_url)?;
    let mail = mail::reset_password(&link.url, Purpose::ResetPassword.lifetime_seconds());
    Ok(store.request_reset(&email, &link, &mail, seen)?)
}

/// `POST /auth/password-reset/confirm`: the new password under the usual rules, then
/// the link spent; every session of the account ends.
pub fn reset(
    store: &impl AccountStore,
    token: &str,
    new_password: &str,
    base_url: &str,
    seen: &Seen,
) -> Result<Vec<Ended>, IdentityError> {
    let password = Password::parse(new_password).map_err(|e| invalid("password", e))?;
    let digest = links::presented(token).ok_or(IdentityError::LinkInvalid)?;
    let hash = password::hash(&password).map_err(Fault::Internal)?;
    let notice = mail::password_changed(
        "reset with a link sent to this address",
        &mail::forgot_url(base_url),
    );
    store
        .reset(&digest, &hash, &notice, seen)?
        .ok_or(IdentityError::LinkInvalid)
}

/// `POST /auth/verify-email`.
pub fn verify_email(
    store: &impl AccountStore,
    token: &str,
    seen: &Seen,
) -> Result<(), IdentityError> {
    let digest = links::presented(token).ok_or(IdentityError::LinkInvalid)?;
    if store.verify_email(&digest, seen)? {
        Ok(())
    } else {
        Err(IdentityError::LinkInvalid)
    }
}

/// `POST /auth/verify-email/resend` (throttled at the edge).
pub fn resend_verification(
    store: &impl AccountStore,
    user_id: &str,
    base_url: &str,
) -> Result<(), IdentityError> {
    let link = Link::new(Purpose::VerifyEmail, base_url)?;
    let mail = mail::verify_email(&link.url, Purpose::VerifyEmail.lifetime_seconds());
    if store.resend_verification(user_id, &link, &mail)? {
        Ok(())
    } else {
        Err(IdentityError::AlreadyVerified)
    }
}

/// `POST /auth/password`: the current password proves it is the owner at the keyboard,
/// not someone who found a signed-in laptop; the other sessions end.
pub fn change_password(
    store: &impl AccountStore,
    user_id: &str,
    session: Option<&str>,
    current: &str,
    new_password: &str,
    base_url: &str,
    seen: &Seen,
) -> Result<Vec<Ended>, IdentityError> {
    let password = Password::parse(new_password).map_err(|e| invalid("new_password", e))?;
    let (stored, version) = store
        .password_of(user_id)?
        .ok_or(IdentityError::UnknownUser)?;
    if !password::verify(current, Some(&stored)) {
        return Err(invalid(
            "current_password",
            "is not your current password".into(),
        ));
    }
    let hash = password::hash(&password).map_err(Fault::Internal)?;
    let notice = mail::password_changed(
        "changed from a signed-in session",
        &mail::forgot_url(base_url),
    );
    store
        .change_password(user_id, version, &hash, session, &notice, seen)?
        .ok_or(IdentityError::ChangedMeanwhile)
}

fn invalid(field: &str, message: String) -> IdentityError {
    IdentityError::Invalid(vec![FieldError::new(field, message)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A store that records what reached it and answers as told.
    #[derive(Default)]
    struct Recorder {
        calls: RefCell<Vec<&'static str>>,
        link_ok: bool,
        stored_password: Option<String>,
    }

    impl AccountStore for Recorder {
        fn request_reset(
            &self,
            email: &str,
            link: &Link,
            mail: &Mail,
            _: &Seen,
        ) -> Result<(), Fault> {
            assert!(mail.body.contains(&link.url), "the e-mail carries the link");
            assert!(
                !link.url.contains(&link.digest),
                "the link is not its digest"
            );
            self.calls.borrow_mut().push(if email.is_empty() {
                "reset:none"
            } else {
                "reset"
            });
            Ok(())
        }
        fn reset(
            &self,
            _: &str,
            hash: &str,
            notice: &Mail,
            _: &Seen,
        ) -> Result<Option<Vec<Ended>>, Fault> {
            assert!(hash.starts_with("$argon2"), "only a hash is stored");
            assert_eq!(notice.kind, "password_changed");
            self.calls.borrow_mut().push("confirm");
            Ok(self.link_ok.then(Vec::new))
        }
        fn verify_email(&self, _: &str, _: &Seen) -> Result<bool, Fault> {
            self.calls.borrow_mut().push("verify");
            Ok(self.link_ok)
        }
        fn resend_verification(&self, _: &str, _: &Link, _: &Mail) -> Result<bool, Fault> {
            self.calls.borrow_mut().push("resend");
            Ok(self.link_ok)
        }
        fn password_of(&self, _: &str) -> Result<Option<(String, i32)>, Fault> {
            Ok(self.stored_password.clone().map(|p| (p, 3)))
        }
        fn change_password(
            &self,
            _: &str,
            version: i32,
            _: &str,
            keep: Option<&str>,
            _: &Mail,
            _: &Seen,
        ) -> Result<Option<Vec<Ended>>, Fault> {
            assert_eq!((version, keep), (3, Some("this-session")));
            self.calls.borrow_mut().push("change");
            Ok(Some(Vec::new()))
        }
        fn security_log(
            &self,
            _: &str,
            _: u32,
            _: Option<&str>,
        ) -> Result<Vec<LoggedEvent>, Fault> {
            Ok(Vec::new())
        }
    }

    const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    fn field_of(err: Result<Vec<Ended>, IdentityError>) -> String {
        match err {
            Err(IdentityError::Invalid(errors)) => errors[0].field.clone(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn a_reset_request_runs_the_same_statement_for_any_address() {
        let store = Recorder::default();
        for email in ["ada@example.com", "not an address", ""] {
            request_reset(&store, email, "https://app.example", &Seen::default())
                .expect("accepted");
        }
        assert_eq!(*store.calls.borrow(), ["reset", "reset:none", "reset:none"]);
    }

    #[test]
    fn a_weak_password_or_a_junk_token_never_reaches_the_store() {
        let store = Recorder::default();
        assert_eq!(
            field_of(reset(&store, TOKEN, "short", "", &Seen::default())),
            "password"
        );
        assert_eq!(
            reset(&store, "junk", "long enough password", "", &Seen::default()),
            Err(IdentityError::LinkInvalid)
        );
        assert_eq!(
            verify_email(&store, "junk", &Seen::default()),
            Err(IdentityError::LinkInvalid)
        );
        assert!(store.calls.borrow().is_empty());
    }

    #[test]
    fn a_link_the_store_does_not_take_is_invalid() {
        let store = Recorder::default();
        assert_eq!(
            reset(&store, TOKEN, "long enough password", "", &Seen::default()),
            Err(IdentityError::LinkInvalid)
        );
        assert_eq!(
            verify_email(&store, TOKEN, &Seen::default()),
            Err(IdentityError::LinkInvalid)
        );
        assert_eq!(
            resend_verification(&store, "u", ""),
            Err(IdentityError::AlreadyVerified)
        );
    }

    #[test]
    fn changing_the_password_checks_the_current_one_first() {
        let store = Recorder {
            stored_password: Some(
                password::hash(&Password::parse("the old password").expect("ok")).expect("hash"),
            ),
            ..Recorder::default()
        };
        let change = |current: &str, new: &str| {
            change_password(
                &store,
                "u",
                Some("this-session"),
                current,
                new,
                "",
                &Seen::default(),
            )
        };
        assert_eq!(
            field_of(change("a wrong guess", "a new password!")),
            "current_password"
        );
        assert_eq!(
            field_of(change("the old password", "short")),
            "new_password"
        );
        assert!(store.calls.borrow().is_empty());
        assert_eq!(
            change("the old password", "a new password!"),
            Ok(Vec::new())
        );
        assert_eq!(*store.calls.borrow(), ["change"]);
    }
}
