//! Browser sessions: a refresh token that outlives the short access tokens.
//!
//! The refresh token lives only in an `HttpOnly; Secure; SameSite=Strict` cookie scoped to
//! `/auth/refresh`: script never reads it, no other route is sent it, and no other site can
//! make the browser send it. Each use spends it and sets the next one (rotation); a spent
//! token coming back means someone else holds the family, and the whole family ends.
//!
//! A session is a refresh family, and every access token names its session (`sid`). The
//! store records each access token beside the refresh token it came with, so ending a
//! session — logging out, "end all other sessions", a password reset — hands back the
//! access tokens still unexpired, and the edge blocklists them: the session ends at
//! once, not when its last access token runs out.

use fin_problem::Fault;
use fin_secret::Secret;
use serde::Serialize;

use crate::account::Ended;
use crate::cookie;
use crate::error::IdentityError;
use crate::security::Seen;
use crate::service::{AccessToken, TokenIssuer, Verified};

/// A session about to start, for [`SessionStore::start`].
pub struct Start<'a> {
    pub user_id: &'a str,
    /// The credentials the password was checked against: a reset since then wins.
    pub version: i32,
    pub family: &'a str,
    pub token_hash: &'a str,
    pub ttl_seconds: i64,
    pub access: &'a AccessToken,
    pub seen: &'a Seen,
}

/// Where refresh tokens are kept (Postgres in production), by digest only.
pub trait SessionStore {
    /// Starts the family with its first token and logs the login, unless the
    /// credentials moved past `start.version` meanwhile (`false`).
    fn start(&self, start: &Start<'_>) -> Result<bool, Fault>;
    /// Spends the token and adds `next_hash` to its family, in one step: the user and the
    /// family. `None` when the token is unknown, expired, revoked or already spent — and
    /// a spent one revokes its family, since two parties now hold it.
    fn rotate(
        &self,
        token_hash: &str,
        next_hash: &str,
        ttl_seconds: i64,
    ) -> Result<Option<(String, String)>, Fault>;
    /// Notes the access token handed out with `token_hash`, unless its family ended
    /// meanwhile (`false`: the token must not leave).
    fn record(&self, token_hash: &str, access: &AccessToken) -> Result<bool, Fault>;
    /// Revokes the family the token belongs to, whatever state it is in: its access
    /// tokens still unexpired.
    fn end(&self, token_hash: &str) -> Result<Vec<Ended>, Fault>;
    /// Ends the user's live sessions — only `only` when given, all but `keep` when given
    /// — and logs it: how many ended, and their access tokens still unexpired.
    fn end_sessions(
        &self,
        user_id: &str,
        only: Option<&str>,
        keep: Option<&str>,
        seen: &Seen,
    ) -> Result<(u64, Vec<Ended>), Fault>;
    /// The user's live sessions, most recently used first.
    fn list(&self, user_id: &str) -> Result<Vec<SessionView>, Fault>;
}

/// A session as its owner sees it (`GET /auth/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionView {
    pub id: String,
    pub started_at: String,
    pub last_used_at: String,
    pub user_agent: Option<String>,
    pub address: Option<String>,
    /// The session the request's token belongs to.
    pub current: bool,
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

/// After a login: a new family, its access token and its first refresh token.
pub fn start(
    sessions: &impl SessionStore,
    tokens: &impl TokenIssuer,
    account: &Verified,
    seen: &Seen,
    ttl_seconds: i64,
) -> Result<(AccessToken, Renewal), IdentityError> {
    let secret = fresh()?;
    let family = uuid::Uuid::new_v4().to_string();
    let access = tokens
        .issue(&account.user_id, Some(&family))
        .map_err(Fault::Internal)?;
    let started = sessions.start(&Start {
        user_id: &account.user_id,
        version: account.version,
        family: &family,
        token_hash: &Secret::digest(secret.as_str()),
        ttl_seconds,
        access: &access,
        seen,
    })?;
    if !started {
        // The password changed between its check and now: the old one opens nothing.
        return Err(IdentityError::InvalidCredentials);
    }
    Ok((
        access,
        Renewal {
            secret,
            ttl_seconds,
        },
    ))
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
    let next_hash = Secret::digest(secret.as_str());
    let (user_id, family) = sessions
        .rotate(&Secret::digest(presented), &next_hash, ttl_seconds)?
        .ok_or(IdentityError::SessionEnded)?;
    let access = tokens
        .issue(&user_id, Some(&family))
        .map_err(Fault::Internal)?;
    if !sessions.record(&next_hash, &access)? {
        return Err(IdentityError::SessionEnded);
    }
    Ok((
        access,
        Renewal {
            secret,
            ttl_seconds,
        },
    ))
}

/// `DELETE /auth/refresh`: the family ends (logging out twice is not an error).
pub fn end(
    sessions: &impl SessionStore,
    presented: Option<&str>,
) -> Result<Vec<Ended>, IdentityError> {
    match presented {
        Some(token) => Ok(sessions.end(&Secret::digest(token))?),
        None => Ok(Vec::new()),
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
        family: String,
        user: String,
        hash: String,
        spent: bool,
        revoked: bool,
        access: Option<String>,
    }

    #[derive(Default)]
    struct MemSessions {
        rows: RefCell<Vec<Row>>,
        /// The credentials version the store holds.
        version: i32,
    }

    impl MemSessions {
        fn revoke_family(rows: &mut [Row], family: &str) {
            rows.iter_mut()
                .filter(|r| r.family == family)
                .for_each(|r| r.revoked = true);
        }
        fn tokens_of(rows: &[Row], family: &str) -> Vec<Ended> {
            rows.iter()
                .filter(|r| r.family == family)
                .filter_map(|r| {
                    r.access.clone().map(|token_id| Ended {
                        user_id: r.user.clone(),
                        token_id,
                        expires_at: 1_000_900,
                    })
                })
                .collect()
        }
    }

    impl SessionStore for MemSessions {
        fn start(&self, s: &Start<'_>) -> Result<bool, Fault> {
            if s.version != self.version {
                return Ok(false);
            }
            self.rows.borrow_mut().push(Row {
                family: s.family.into(),
                user: s.user_id.into(),
                hash: s.token_hash.into(),
                spent: false,
                revoked: false,
                access: Some(s.access.token_id.clone()),
            });
            Ok(true)
        }
        fn rotate(
            &self,
            hash: &str,
            next: &str,
            _: i64,
        ) -> Result<Option<(String, String)>, Fault> {
            let mut rows = self.rows.borrow_mut();
            let Some(i) = rows.iter().position(|r| r.hash == hash) else {
                return Ok(None);
            };
            let row = rows[i].clone();
            if row.spent {
                Self::revoke_family(&mut rows, &row.family);
                return Ok(None);
            }
            if row.revoked {
                return Ok(None);
            }
            rows[i].spent = true;
            rows.push(Row {
                hash: next.into(),
                access: None,
                ..row.clone()
            });
            Ok(Some((row.user, row.family)))
        }
        fn record(&self, hash: &str, access: &AccessToken) -> Result<bool, Fault> {
            let mut rows = self.rows.borrow_mut();
            match rows.iter_mut().find(|r| r.hash == hash && !r.revoked) {
                Some(row) => {
                    row.access = Some(access.token_id.clone());
                    Ok(true)
                }
                None => Ok(false),
            }
        }
        fn end(&self, hash: &str) -> Result<Vec<Ended>, Fault> {
            let mut rows = self.rows.borrow_mut();
            let Some(family) = rows
                .iter()
                .find(|r| r.hash == hash)
                .map(|r| r.family.clone())
            else {
                return Ok(Vec::new());
            };
            Self::revoke_family(&mut rows, &family);
            Ok(Self::tokens_of(&rows, &family))
        }
        fn end_sessions(
            &self,
            user: &str,
            only: Option<&str>,
            keep: Option<&str>,
            _: &Seen,
        ) -> Result<(u64, Vec<Ended>), Fault> {
            let mut rows = self.rows.borrow_mut();
            let mut families: Vec<String> = rows
                .iter()
                .filter(|r| r.user == user && !r.revoked)
                .filter(|r| only.is_none_or(|f| f == r.family))
                .filter(|r| keep != Some(r.family.as_str()))
                .map(|r| r.family.clone())
                .collect();
            families.dedup();
            let mut ended = Vec::new();
            for family in &families {
                Self::revoke_family(&mut rows, family);
                ended.extend(Self::tokens_of(&rows, family));
            }
            Ok((families.len() as u64, ended))
        }
        fn list(&self, _: &str) -> Result<Vec<SessionView>, Fault> {
            Ok(Vec::new())
        }
    }

    fn ada() -> Verified {
        Verified {
            user_id: "ada".into(),
            version: 0,
            two_factor: false,
        }
    }

    fn login(sessions: &MemSessions) -> (AccessToken, Renewal) {
        start(sessions, &FakeTokens, &ada(), &Seen::default(), 60).expect("start")
    }

    fn renew(sessions: &MemSessions, token: &Renewal) -> Result<Renewal, IdentityError> {
        refresh(sessions, &FakeTokens, Some(token.secret.as_str()), 60).map(|(_, next)| next)
    }

    #[test]
    fn every_refresh_spends_the_token_and_hands_out_the_next() {
        let sessions = MemSessions::default();
        let (_, first) = login(&sessions);
        let (access, second) =
            refresh(&sessions, &FakeTokens, Some(first.secret.as_str()), 60).expect("renew");
        assert_eq!(access.access_token, "token-for-ada");
        assert_ne!(first.secret, second.secret);
        let third = renew(&sessions, &second).expect("the new one works");
        assert!(renew(&sessions, &third).is_ok());
    }

    #[test]
    fn every_access_token_names_its_session() {
        let sessions = MemSessions::default();
        let (first, renewal) = login(&sessions);
        let (second, _) =
            refresh(&sessions, &FakeTokens, Some(renewal.secret.as_str()), 60).expect("renew");
        assert!(first.token_id.starts_with("jti-") && first.token_id != "jti-none");
        assert_eq!(
            first.token_id, second.token_id,
            "the same session, the same sid"
        );
    }

    #[test]
    fn a_login_after_the_password_changed_starts_nothing() {
        let sessions = MemSessions {
            version: 2,
            ..MemSessions::default()
        };
        let stale = Verified {
            user_id: "ada".into(),
            version: 1,
            two_factor: false,
        };
        assert_eq!(
            start(&sessions, &FakeTokens, &stale, &Seen::default(), 60).err(),
            Some(IdentityError::InvalidCredentials)
        );
        assert!(sessions.rows.borrow().is_empty());
    }

    #[test]
    fn a_replayed_token_ends_the_whole_family() {
        let sessions = MemSessions::default();
        let (_, first) = login(&sessions);
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
    fn ending_a_session_hands_back_its_access_tokens_and_leaves_others_alone() {
        let sessions = MemSessions::default();
        let (laptop_token, laptop) = login(&sessions);
        let (_, phone) = login(&sessions);
        let ended = end(&sessions, Some(laptop.secret.as_str())).expect("end");
        assert_eq!(ended.len(), 1);
        assert_eq!(ended[0].token_id, laptop_token.token_id);
        assert!(renew(&sessions, &laptop).is_err());
        assert!(renew(&sessions, &phone).is_ok());
        assert_eq!(end(&sessions, None), Ok(Vec::new()));
    }

    #[test]
    fn a_refresh_racing_the_end_of_its_session_hands_out_nothing() {
        struct EndsMidway(MemSessions);
        impl SessionStore for EndsMidway {
            fn start(&self, s: &Start<'_>) -> Result<bool, Fault> {
                self.0.start(s)
            }
            fn rotate(&self, h: &str, n: &str, t: i64) -> Result<Option<(String, String)>, Fault> {
                let rotated = self.0.rotate(h, n, t)?;
                self.0.end(n)?;
                Ok(rotated)
            }
            fn record(&self, h: &str, a: &AccessToken) -> Result<bool, Fault> {
                self.0.record(h, a)
            }
            fn end(&self, h: &str) -> Result<Vec<Ended>, Fault> {
                self.0.end(h)
            }
            fn end_sessions(
                &self,
                u: &str,
                o: Option<&str>,
                k: Option<&str>,
                s: &Seen,
            ) -> Result<(u64, Vec<Ended>), Fault> {
                self.0.end_sessions(u, o, k, s)
            }
            fn list(&self, u: &str) -> Result<Vec<SessionView>, Fault> {
                self.0.list(u)
            }
        }
        let sessions = EndsMidway(MemSessions::default());
        let (_, first) =
            start(&sessions, &FakeTokens, &ada(), &Seen::default(), 60).expect("start");
        assert_eq!(
            refresh(&sessions, &FakeTokens, Some(first.secret.as_str()), 60).err(),
            Some(IdentityError::SessionEnded)
        );
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
