//! Acting for an owner from a component no user called: the mailer and the recurring
//! sweeper run on Spin's Redis trigger, so they reach the API over HTTP with an access
//! token the linked token rules issue for the owner. What they may read or write is then
//! exactly what the owner may — nothing of anyone else's. One token serves the calls of
//! a run for the same owner while it is young; it is revoked when it is replaced or the
//! run ends.

use std::cell::RefCell;
use std::rc::Rc;

use super::tokens;

/// An access token of one owner's, as an `Authorization` header value.
pub struct OwnerToken {
    pub bearer: String,
    token: String,
    /// Past this (seconds since the epoch, half its lifetime) a new one is issued, so a
    /// slow call never meets its expiry.
    fresh_until: i64,
}

impl OwnerToken {
    fn issue(owner: &str) -> Result<Self, String> {
        tokens::issue(owner, None)
            .map(|issued| Self {
                bearer: format!("Bearer {}", issued.access_token),
                token: issued.access_token,
                fresh_until: crate::now() + i64::from(issued.expires_in / 2),
            })
            .map_err(|e| format!("cannot act for the owner: {e:?}"))
    }
}

impl Drop for OwnerToken {
    /// Revoked as soon as it is replaced or the run ends; if that fails it still expires.
    fn drop(&mut self) {
        if let Ok(principal) = tokens::verify(&self.token) {
            let _ = tokens::revoke(&principal);
        }
    }
}

/// The token last issued, and for whom.
#[derive(Default)]
pub struct Acting {
    held: RefCell<Option<(String, Rc<OwnerToken>)>>,
}

impl Acting {
    /// The owner's token: the one held while it is theirs and fresh, else a new one (the
    /// one it replaces is revoked).
    pub fn token(&self, owner: &str) -> Result<Rc<OwnerToken>, String> {
        let mut held = self.held.borrow_mut();
        match held.as_ref() {
            Some((who, token)) if who == owner && crate::now() < token.fresh_until => {
                Ok(Rc::clone(token))
            }
            _ => {
                *held = None;
                let token = Rc::new(OwnerToken::issue(owner)?);
                *held = Some((owner.to_owned(), Rc::clone(&token)));
                Ok(token)
            }
        }
    }
}
