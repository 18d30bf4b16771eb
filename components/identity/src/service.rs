//! The identity use cases, over ports so they run natively in tests.

use fin_problem::Fault;

use fin_ephemeral::Kv;
use serde::Serialize;

use crate::domain::{Credentials, LoginRequest, NewUser, RegisterRequest, User};
use crate::error::IdentityError;
use crate::password;
use crate::throttle::LoginThrottle;

/// Where users are kept (Postgres in production).
pub trait UserStore {
    fn insert(&self, email: &str, name: &str, password_hash: &str) -> Result<User, StoreError>;
    /// The user id and stored password hash for an email.
    fn credentials(&self, email: &str) -> Result<Option<(String, String)>, StoreError>;
    fn find(&self, id: &str) -> Result<Option<User>, StoreError>;
}

#[derive(Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The email is taken (the unique index said so, whoever won the race).
    Duplicate,
    Other(Fault),
}

/// Signs access tokens (the `fin:platform/tokens` component in production).
pub trait TokenIssuer {
    fn issue(&self, user_id: &str) -> Result<AccessToken, String>;
}

/// An OAuth 2.0-style token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessToken {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u32,
}

impl From<StoreError> for IdentityError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Duplicate => IdentityError::EmailTaken,
            StoreError::Other(fault) => fault.into(),
        }
    }
}

pub fn register(users: &impl UserStore, req: RegisterRequest) -> Result<User, IdentityError> {
    let new = NewUser::parse(req).map_err(IdentityError::Invalid)?;
    let hash = password::hash(&new.password).map_err(Fault::Internal)?;
    Ok(users.insert(new.email.as_str(), new.name.as_str(), &hash)?)
}

pub fn login<K: Kv>(
    users: &impl UserStore,
    throttle: &LoginThrottle<K>,
    tokens: &impl TokenIssuer,
    req: LoginRequest,
    client_address: &str,
    now: i64,
) -> Result<(String, AccessToken), IdentityError>
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
        account.as_ref().map(|(_, hash)| hash.as_str()),
    ) {
        throttle
            .record_failure(&creds.email, client_address, now)
            .map_err(kv_failed)?;
        return Err(IdentityError::InvalidCredentials);
    }
    let Some((user_id, _)) = account else {
        return Err(IdentityError::InvalidCredentials);
    };
    throttle
        .record_success(&creds.email, client_address, now)
        .map_err(kv_failed)?;
    let token = tokens.issue(&user_id).map_err(Fault::Internal)?;
    Ok((user_id, token))
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

    #[derive(Default)]
    struct MemUsers(RefCell<Vec<(User, String)>>);

    impl UserStore for MemUsers {
        fn insert(&self, email: &str, name: &str, hash: &str) -> Result<User, StoreError> {
            let mut users = self.0.borrow_mut();
            if users.iter().any(|(u, _)| u.email == email) {
                return Err(StoreError::Duplicate);
            }
            let user = User {
                id: format!("user-{}", users.len() + 1),
                email: email.into(),
                name: name.into(),
                created_at: "2026-01-01T00:00:00Z".into(),
            };
            users.push((user.clone(), hash.into()));
            Ok(user)
        }
        fn credentials(&self, email: &str) -> Result<Option<(String, String)>, StoreError> {
            Ok(self
                .0
                .borrow()
                .iter()
                .find(|(u, _)| u.email == email)
                .map(|(u, h)| (u.id.clone(), h.clone())))
        }
        fn find(&self, id: &str) -> Result<Option<User>, StoreError> {
            Ok(self
                .0
                .borrow()
                .iter()
                .find(|(u, _)| u.id == id)
                .map(|(u, _)| u.clone()))
        }
    }

    /// Tokens that name their user, for the use cases' tests (sessions' too).
    pub(crate) struct FakeTokens;
    impl TokenIssuer for FakeTokens {
        fn issue(&self, user_id: &str) -> Result<AccessToken, String> {
            Ok(AccessToken {
                access_token: format!("token-for-{user_id}"),
                token_type: "Bearer",
                expires_in: 900,
            })
        }
    }

    fn register_ada(users: &MemUsers) -> User {
        register(
            users,
            RegisterRequest {
                email: Some(" Ada@Example.com".into()),
                password: Some("correct horse".into()),
                name: Some("Ada".into()),
            },
        )
        .expect("registered")
    }

    fn login_as(
        users: &MemUsers,
        mem: &MemoryKv,
        email: &str,
        password: &str,
    ) -> Result<AccessToken, IdentityError> {
        let req = LoginRequest {
            email: Some(email.into()),
            password: Some(password.into()),
        };
        login(
            users,
            &throttle(mem, 3, 100),
            &FakeTokens,
            req,
            "10.0.0.1",
            1_000,
        )
        .map(|(_, token)| token)
    }

    #[test]
    fn registration_normalises_the_email_and_refuses_duplicates() {
        let users = MemUsers::default();
        assert_eq!(register_ada(&users).email, "ada@example.com");
        let again = register(
            &users,
            RegisterRequest {
                email: Some("ADA@example.com ".into()),
                password: Some("another password".into()),
                name: Some("Ada II".into()),
            },
        );
        assert_eq!(again, Err(IdentityError::EmailTaken));
    }

    #[test]
    fn unknown_email_and_wrong_password_look_the_same() {
        let users = MemUsers::default();
        let mem = MemoryKv::default();
        register_ada(&users);
        let unknown = login_as(&users, &mem, "nobody@example.com", "correct horse");
        let wrong = login_as(&users, &mem, "ada@example.com", "wrong horse!");
        assert_eq!(unknown, Err(IdentityError::InvalidCredentials));
        assert_eq!(wrong, Err(IdentityError::InvalidCredentials));
    }

    #[test]
    fn login_issues_a_bearer_token_for_the_user() {
        let users = MemUsers::default();
        let ada = register_ada(&users);
        let token = login_as(
            &users,
            &MemoryKv::default(),
            "ADA@example.com",
            "correct horse",
        )
        .expect("login");
        assert_eq!(token.access_token, format!("token-for-{}", ada.id));
        assert_eq!(token.token_type, "Bearer");
    }

    #[test]
    fn repeated_failures_lock_out_even_the_right_password() {
        let users = MemUsers::default();
        let mem = MemoryKv::default();
        register_ada(&users);
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
