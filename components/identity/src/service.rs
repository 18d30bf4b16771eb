//! Registration and login, over ports so they run natively in tests.

use fin_problem::Fault;

use fin_ephemeral::Kv;
use serde::Serialize;

use crate::domain::{Credentials, LoginRequest, NewUser, RegisterRequest, User};
use crate::error::IdentityError;
use crate::links::{Link, Purpose};
use crate::mail::{self, Mail};
use crate::password;
use crate::security::Seen;
use crate::throttle::LoginThrottle;

/// A registration about to be written, with both e-mails it may owe: the verification
/// link when the address is new, the notice to the owner when it is taken.
pub struct Registration<'a> {
    pub user: &'a NewUser,
    pub password_hash: &'a str,
    pub link: &'a Link,
    pub welcome: &'a Mail,
    pub notice: &'a Mail,
}

/// A user's password as stored, and the version of the credentials it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    pub user_id: String,
    pub password_hash: String,
    pub version: i32,
    /// Whether a code is asked for after the password.
    pub two_factor: bool,
}

/// Where users are kept (Postgres in production).
pub trait UserStore {
    /// Creates the account and queues its verification link — or, when the address has
    /// an account, queues the notice to its owner: whether an account was created.
    fn register(&self, registration: &Registration<'_>) -> Result<bool, StoreError>;
    fn credentials(&self, email: &str) -> Result<Option<StoredCredentials>, StoreError>;
    fn find(&self, id: &str) -> Result<Option<User>, StoreError>;
    /// Logs a wrong password on the account it was tried against.
    fn failed_login(&self, user_id: &str, seen: &Seen) -> Result<(), StoreError>;
}

#[derive(Debug, PartialEq, Eq)]
pub enum StoreError {
    Other(Fault),
}

/// Signs access tokens (the `fin:platform/tokens` component in production).
pub trait TokenIssuer {
    fn issue(&self, user_id: &str, session: Option<&str>) -> Result<AccessToken, String>;
}

/// An OAuth 2.0-style token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessToken {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u32,
    /// The token's `jti` and `exp`, kept beside its session so ending the session can
    /// blocklist it; never sent.
    #[serde(skip)]
    pub token_id: String,
    #[serde(skip)]
    pub expires_at: i64,
}

/// A password checked against an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub user_id: String,
    pub version: i32,
    /// The password alone does not start a session: a second step is owed.
    pub two_factor: bool,
}

impl From<StoreError> for IdentityError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Other(fault) => fault.into(),
        }
    }
}

/// The same work whether or not the address is taken: the password is hashed and one
/// statement runs either way, and the answer does not say which it was.
pub fn register(
    users: &impl UserStore,
    req: RegisterRequest,
    base_url: &str,
) -> Result<bool, IdentityError> {
    let new = NewUser::parse(req).map_err(IdentityError::Invalid)?;
    let hash = password::hash(&new.password).map_err(Fault::Internal)?;
    let link = Link::new(Purpose::VerifyEmail, base_url)?;
    let welcome = mail::verify_email(&link.url, Purpose::VerifyEmail.lifetime_seconds());
    let notice = mail::already_registered(&mail::forgot_url(base_url));
    Ok(users.register(&Registration {
        user: &new,
        password_hash: &hash,
        link: &link,
        welcome: &welcome,
        notice: &notice,
    })?)
}

/// Checks the password (throttled per address and per e-mail); the session starts in
/// `session::start`, which refuses if the credentials change in between.
pub fn login<K: Kv>(
    users: &impl UserStore,
    throttle: &LoginThrottle<K>,
    req: LoginRequest,
    client_address: &str,
    seen: &Seen,
    now: i64,
) -> Result<Verified, IdentityError>
where
    K::Error: Into<Fault>,
{
    let creds = Credentials::parse(req).map_err(IdentityError::Invalid)?;
    let kv_failed = |err: K::Error| IdentityError::from(err.into());
    throttle
        .check(&creds.email, client_address, now)
        .map_err(kv_failed)?
        .map_err(IdentityError::Throttled)?;

    let account = users.credentials(&creds.email)?;
    if !password::verify(
        &creds.password,
        account.as_ref().map(|a| a.password_hash.as_str()),
    ) {
        throttle
            .record_failure(&creds.email, client_address, now)
            .map_err(kv_failed)?;
        if let Some(account) = &account {
            users.failed_login(&account.user_id, seen)?;
        }
        return Err(IdentityError::InvalidCredentials);
    }
    let Some(account) = account else {
        return Err(IdentityError::InvalidCredentials);
    };
    throttle
        .record_success(&creds.email, client_address, now)
        .map_err(kv_failed)?;
    Ok(Verified {
        user_id: account.user_id,
        version: account.version,
        two_factor: account.two_factor,
    })
}

pub fn profile(users: &impl UserStore, user_id: &str) -> Result<User, IdentityError> {
    users.find(user_id)?.ok_or(IdentityError::UnknownUser)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::throttle::tests::{throttle, MemoryKv};
    use crate::throttle::RetryAfter;
    use std::cell::RefCell;

    /// Users, and the e-mails and failed logins their statements queued.
    #[derive(Default)]
    struct MemUsers {
        users: RefCell<Vec<(User, String)>>,
        mails: RefCell<Vec<(String, &'static str)>>,
        failures: RefCell<Vec<String>>,
    }

    impl UserStore for MemUsers {
        fn register(&self, r: &Registration<'_>) -> Result<bool, StoreError> {
            let email = r.user.email.as_str();
            let mut users = self.users.borrow_mut();
            if users.iter().any(|(u, _)| u.email == email) {
                self.mails.borrow_mut().push((email.into(), r.notice.kind));
                return Ok(false);
            }
            let id = format!("user-{}", users.len() + 1);
            users.push((
                User {
                    id,
                    email: email.into(),
                    name: r.user.name.as_str().into(),
                    created_at: "2026-01-01T00:00:00Z".into(),
                    email_verified: false,
                },
                r.password_hash.into(),
            ));
            self.mails.borrow_mut().push((email.into(), r.welcome.kind));
            Ok(true)
        }
        fn credentials(&self, email: &str) -> Result<Option<StoredCredentials>, StoreError> {
            Ok(self
                .users
                .borrow()
                .iter()
                .find(|(u, _)| u.email == email)
                .map(|(u, h)| StoredCredentials {
                    user_id: u.id.clone(),
                    password_hash: h.clone(),
                    version: 1,
                    two_factor: false,
                }))
        }
        fn find(&self, id: &str) -> Result<Option<User>, StoreError> {
            Ok(self
                .users
                .borrow()
                .iter()
                .find(|(u, _)| u.id == id)
                .map(|(u, _)| u.clone()))
        }
        fn failed_login(&self, user_id: &str, _: &Seen) -> Result<(), StoreError> {
            self.failures.borrow_mut().push(user_id.into());
            Ok(())
        }
    }

    /// Tokens that name their user and session, for the use cases' tests (sessions' too).
    pub(crate) struct FakeTokens;
    impl TokenIssuer for FakeTokens {
        fn issue(&self, user_id: &str, session: Option<&str>) -> Result<AccessToken, String> {
            Ok(AccessToken {
                access_token: format!("token-for-{user_id}"),
                token_type: "Bearer",
                expires_in: 900,
                token_id: format!("jti-{}", session.unwrap_or("none")),
                expires_at: 1_000_900,
            })
        }
    }

    fn register_as(users: &MemUsers, email: &str, password: &str) -> Result<bool, IdentityError> {
        register(
            users,
            RegisterRequest {
                email: Some(email.into()),
                password: Some(password.into()),
                name: Some("Ada".into()),
            },
            "https://app.example",
        )
    }

    fn login_as(
        users: &MemUsers,
        mem: &MemoryKv,
        email: &str,
        password: &str,
    ) -> Result<Verified, IdentityError> {
        let req = LoginRequest {
            email: Some(email.into()),
            password: Some(password.into()),
        };
        login(
            users,
            &throttle(mem, 3, 100),
            req,
            "10.0.0.1",
            &Seen::default(),
            1_000,
        )
    }

    #[test]
    fn a_taken_address_answers_alike_and_its_owner_is_told() {
        let users = MemUsers::default();
        assert_eq!(
            register_as(&users, " Ada@Example.com", "correct horse"),
            Ok(true)
        );
        assert_eq!(
            register_as(&users, "ADA@example.com ", "another password"),
            Ok(false),
            "no error: the HTTP answer is the same 202"
        );
        assert_eq!(
            *users.mails.borrow(),
            vec![
                ("ada@example.com".to_owned(), "verify_email"),
                ("ada@example.com".to_owned(), "already_registered"),
            ]
        );
        assert_eq!(
            login_as(
                &users,
                &MemoryKv::default(),
                "ada@example.com",
                "another password"
            ),
            Err(IdentityError::InvalidCredentials),
            "the second password opens nothing"
        );
    }

    #[test]
    fn unknown_email_and_wrong_password_look_the_same() {
        let users = MemUsers::default();
        let mem = MemoryKv::default();
        register_as(&users, "ada@example.com", "correct horse").expect("registered");
        let unknown = login_as(&users, &mem, "nobody@example.com", "correct horse");
        let wrong = login_as(&users, &mem, "ada@example.com", "wrong horse!");
        assert_eq!(unknown, Err(IdentityError::InvalidCredentials));
        assert_eq!(wrong, Err(IdentityError::InvalidCredentials));
        assert_eq!(
            *users.failures.borrow(),
            vec!["user-1".to_owned()],
            "the wrong password is on the account's log; the unknown address logs nothing"
        );
    }

    #[test]
    fn login_names_the_user_and_the_credentials_checked() {
        let users = MemUsers::default();
        register_as(&users, "ada@example.com", "correct horse").expect("registered");
        let verified = login_as(
            &users,
            &MemoryKv::default(),
            "ADA@example.com",
            "correct horse",
        )
        .expect("login");
        assert_eq!(
            verified,
            Verified {
                user_id: "user-1".into(),
                version: 1,
                two_factor: false,
            }
        );
    }

    #[test]
    fn repeated_failures_lock_out_even_the_right_password() {
        let users = MemUsers::default();
        let mem = MemoryKv::default();
        register_as(&users, "ada@example.com", "correct horse").expect("registered");
        for _ in 0..3 {
            assert_eq!(
                login_as(&users, &mem, "ada@example.com", "wrong horse!"),
                Err(IdentityError::InvalidCredentials)
            );
        }
        assert!(matches!(
            login_as(&users, &mem, "ada@example.com", "correct horse"),
            Err(IdentityError::Throttled(RetryAfter(_)))
        ));
    }
}
