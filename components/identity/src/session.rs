//! Browser sessions: a refresh token that outlives the short access tokens.
//!
//! The refresh token lives only in an `HttpOnly; Secure; SameSite=Strict` cookie scoped to
//! `/auth/refresh`: script never reads it, no other route is sent it, and no other site can
//! make the browser send it. Each use spends it and sets the next one (rotation); a spent
//! token coming back means someone else holds the family, and the whole family ends.

use fin_problem::Fault;
use fin_secret::Secret;

use crate::cookie;
use crate::error::IdentityError;
use crate::service::{AccessToken, TokenIssuer};

/// Where refresh tokens are kept (Postgres in production), by digest only.
pub trait SessionStore {
    /// Starts a family for the user whose first token has this digest.
    fn start(&self, user_id: &str, token_hash: &str, ttl_seconds: i64) -> Result<(), Fault>;
    /// Spends the token and adds `next_hash` to its family, in one step. `None` when the
    /// token is unknown, expired, revoked or already spent — and a spent one revokes its
    /// family, since two parties now hold it.
    fn rotate(
        &self,
        token_hash: &str,
        next_hash: &str,
        ttl_seconds: i64,
    ) -> Result<Option<String>, Fault>;
    /// Revokes the family the token belongs to, whatever state it is in.
    fn end(&self, token_hash: &str) -> Result<(), Fault>;
}

/// A refresh token and how long its cookie lasts.
#[derive(Debug)]
pub struct Renewal {
    pub secret: Secret,
    pub ttl_seconds: i64,
}

impl Renewal {
    /// The `Set-Cookie` value that hands the token to the browser.
    pub fn cookie(&self) -> String {
        cookie::set(self.secret.as_str(), self.ttl_seconds)
    }
}

/// After a login: the first token of a new family.
pub fn start(
    sessions: &impl SessionStore,
    user_id: &str,
    ttl_seconds: i64,
) -> Result<Renewal, IdentityError> {
    let secret = fresh()?;
    sessions.start(user_id, &Secret::digest(secret.as_str()), ttl_seconds)?;
    Ok(Renewal {
        secret,
        ttl_seconds,
    })
}

/// `POST /auth/refresh`: a new access token and the family's next refresh token.
pub fn refresh(
    sessions: &impl SessionStore,
    tokens: &impl TokenIssuer,
    presented: Option<&str>,
    ttl_seconds: i64,
) -> Result<(AccessToken, Renewal), IdentityError> {
    let presented = presented.ok_or(IdentityError::SessionEnded)?;
    let secret = fresh()?;
    let user_id = sessions
        .rotate(
            &Secret::digest(presented),
            &Secret::digest(secret.as_str()),
            ttl_seconds,
        )?
        .ok_or(IdentityError::SessionEnded)?;
    let access = tokens.issue(&user_id).map_err(Fault::Internal)?;
    Ok((
        access,
        Renewal {
            secret,
            ttl_seconds,
        },
    ))
}

/// `DELETE /auth/refresh`: the family ends (logging out twice is not an error).
pub fn end(sessions: &impl SessionStore, presented: Option<&str>) -> Result<(), IdentityError> {
    match presented {
        Some(token) => Ok(sessions.end(&Secret::digest(token))?),
        None => Ok(()),
    }
}

fn fresh() -> Result<Secret, IdentityError> {
    Secret::generate().ok_or_else(|| Fault::Internal("no random source".into()).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::tests::FakeTokens;
    use std::cell::RefCell;

    /// A row as the table keeps it.
    #[derive(Clone)]
    struct Row {
        family: usize,
        user: String,
        hash: String,
        spent: bool,
        revoked: bool,
    }

    #[derive(Default)]
    struct MemSessions(RefCell<Vec<Row>>);

    impl MemSessions {
        fn revoke_family(rows: &mut [Row], family: usize) {
            rows.iter_mut()
                .filter(|r| r.family == family)
                .for_each(|r| r.revoked = true);
        }
    }

    impl SessionStore for MemSessions {
        fn start(&self, user_id: &str, hash: &str, _: i64) -> Result<(), Fault> {
            let mut rows = self.0.borrow_mut();
            let family = rows.len();
            rows.push(Row {
                family,
                user: user_id.into(),
                hash: hash.into(),
                spent: false,
                revoked: false,
            });
            Ok(())
        }
        fn rotate(&self, hash: &str, next: &str, _: i64) -> Result<Option<String>, Fault> {
            let mut rows = self.0.borrow_mut();
            let Some(i) = rows.iter().position(|r| r.hash == hash) else {
                return Ok(None);
            };
            let row = rows[i].clone();
            if row.spent {
                Self::revoke_family(&mut rows, row.family);
                return Ok(None);
            }
            if row.revoked {
                return Ok(None);
            }
            rows[i].spent = true;
            rows.push(Row {
                hash: next.into(),
                ..row.clone()
            });
            Ok(Some(row.user))
        }
        fn end(&self, hash: &str) -> Result<(), Fault> {
            let mut rows = self.0.borrow_mut();
            if let Some(family) = rows.iter().find(|r| r.hash == hash).map(|r| r.family) {
                Self::revoke_family(&mut rows, family);
            }
            Ok(())
        }
    }

    fn renew(sessions: &MemSessions, token: &Renewal) -> Result<Renewal, IdentityError> {
        refresh(sessions, &FakeTokens, Some(token.secret.as_str()), 60).map(|(_, next)| next)
    }

    #[test]
    fn every_refresh_spends_the_token_and_hands_out_the_next() {
        let sessions = MemSessions::default();
        let first = start(&sessions, "ada", 60).expect("start");
        let (access, second) =
            refresh(&sessions, &FakeTokens, Some(first.secret.as_str()), 60).expect("renew");
        assert_eq!(access.access_token, "token-for-ada");
        assert_ne!(first.secret, second.secret);
        let third = renew(&sessions, &second).expect("the new one works");
        assert!(renew(&sessions, &third).is_ok());
    }

    #[test]
    fn a_replayed_token_ends_the_whole_family() {
        let sessions = MemSessions::default();
        let first = start(&sessions, "ada", 60).expect("start");
        let second = renew(&sessions, &first).expect("renew");
        assert_eq!(
            renew(&sessions, &first).err(),
            Some(IdentityError::SessionEnded)
        );
        assert_eq!(
            renew(&sessions, &second).err(),
            Some(IdentityError::SessionEnded),
            "the thief's replay also ends the owner's session"
        );
    }

    #[test]
    fn ending_a_session_revokes_it_and_leaves_others_alone() {
        let sessions = MemSessions::default();
        let laptop = start(&sessions, "ada", 60).expect("start");
        let phone = start(&sessions, "ada", 60).expect("start");
        end(&sessions, Some(laptop.secret.as_str())).expect("end");
        assert!(renew(&sessions, &laptop).is_err());
        assert!(renew(&sessions, &phone).is_ok());
        assert_eq!(end(&sessions, None), Ok(()));
    }

    #[test]
    fn no_cookie_is_an_ended_session() {
        let sessions = MemSessions::default();
        assert_eq!(
            refresh(&sessions, &FakeTokens, None, 60).err(),
            Some(IdentityError::SessionEnded)
        );
    }

    #[test]
    fn the_cookie_is_hidden_from_script_and_other_sites() {
        let token = Renewal {
            secret: Secret::generate().expect("random"),
            ttl_seconds: 1209600,
        };
        let cookie = token.cookie();
        for attribute in [
            "Path=/auth/refresh",
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Max-Age=1209600",
        ] {
            assert!(cookie.contains(attribute), "{cookie}");
        }
        assert!(cookie::cleared().starts_with("fin_refresh=; "));
        assert!(cookie::cleared().contains("Max-Age=0"));
    }
}
