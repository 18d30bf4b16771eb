//! A freelancer's Stripe connection: the secret key they paste in once, kept sealed
//! (`vault`), shown back only as its mode and last four characters, and opened only to
//! create a Checkout Session for one of their invoices.

use fin_problem::{Fault, FieldError};
use serde::{Deserialize, Serialize};

use crate::checkout::Connections;
use crate::stripe::SecretKey;
use fin_vault::Vault;

/// `PUT /payments/stripe-connection`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectInput {
    pub secret_key: String,
}

impl ConnectInput {
    pub fn key(&self) -> Result<SecretKey, Vec<FieldError>> {
        SecretKey::parse(&self.secret_key).map_err(|e| vec![FieldError::new("secret_key", e)])
    }
}

/// A connection as stored: the sealed key and what may be shown of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sealed: Vec<u8>,
    /// Which vault key sealed it ([`Vault::key_id`]).
    pub key_id: String,
    pub livemode: bool,
    pub key_last4: String,
    /// RFC 3339.
    pub connected_at: String,
}

/// What the API shows: never the key.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ConnectionView {
    pub connected: bool,
    /// `test` or `live`.
    pub mode: Option<&'static str>,
    pub key_last4: Option<String>,
    pub connected_at: Option<String>,
    /// Sealed under a key this server no longer has: connect again.
    pub needs_reconnect: bool,
}

impl ConnectionView {
    pub fn of(stored: Option<&Stored>, vault_key_id: Option<&str>) -> Self {
        match stored {
            None => Self {
                connected: false,
                mode: None,
                key_last4: None,
                connected_at: None,
                needs_reconnect: false,
            },
            Some(s) => Self {
                connected: true,
                mode: Some(if s.livemode { "live" } else { "test" }),
                key_last4: Some(s.key_last4.clone()),
                connected_at: Some(s.connected_at.clone()),
                needs_reconnect: vault_key_id != Some(s.key_id.as_str()),
            },
        }
    }
}

pub trait ConnectionStore {
    /// Stores (or replaces) the owner's connection; it as stored.
    fn save(
        &self,
        owner: &str,
        sealed: &[u8],
        key_id: &str,
        key: &SecretKey,
    ) -> Result<Stored, Fault>;
    fn find(&self, owner: &str) -> Result<Option<Stored>, Fault>;
    /// Whether there was one.
    fn delete(&self, owner: &str) -> Result<bool, Fault>;
}

/// The connections, opened with the vault — `None` when the server has none (no
/// `payments_encryption_key`: no key opens, so none is offered).
pub struct Sealed<'a, S> {
    pub store: &'a S,
    pub vault: Option<&'a Vault>,
}

impl<S: ConnectionStore> Sealed<'_, S> {
    /// The owner's connection, when this server's vault sealed it.
    fn usable(&self, owner: &str) -> Result<Option<(Stored, &Vault)>, Fault> {
        let Some(vault) = self.vault else {
            return Ok(None);
        };
        let Some(stored) = self.store.find(owner)? else {
            return Ok(None);
        };
        if stored.key_id != vault.key_id() {
            fin_log::warn!("payments", "{owner}'s Stripe key was sealed under another encryption key; they must connect again");
            return Ok(None);
        }
        Ok(Some((stored, vault)))
    }

    /// Whether the owner takes card payments: the share page's question.
    pub fn offered(&self, owner: &str) -> Result<bool, Fault> {
        Ok(self.usable(owner)?.is_some())
    }
}

impl<S: ConnectionStore> Connections for Sealed<'_, S> {
    fn secret_key(&self, owner: &str) -> Result<Option<SecretKey>, Fault> {
        let Some((stored, vault)) = self.usable(owner)? else {
            return Ok(None);
        };
        let opened = vault
            .open(&stored.sealed, owner)
            .map_err(|e| Fault::Internal(format!("a sealed Stripe key does not open: {e:?}")))?;
        SecretKey::parse(&opened)
            .map(Some)
            .map_err(|_| Fault::Internal("a stored Stripe key is not one".into()))
    }
}

pub fn connect(
    store: &impl ConnectionStore,
    vault: &Vault,
    owner: &str,
    key: &SecretKey,
) -> Result<ConnectionView, Fault> {
    let sealed = vault
        .seal(key.expose(), owner)
        .map_err(|e| Fault::Internal(format!("cannot seal: {e:?}")))?;
    let stored = store.save(owner, &sealed, vault.key_id(), key)?;
    Ok(ConnectionView::of(Some(&stored), Some(vault.key_id())))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use super::*;

    #[derive(Default)]
    struct Memory(RefCell<HashMap<String, Stored>>);
    impl ConnectionStore for Memory {
        fn save(
            &self,
            owner: &str,
            sealed: &[u8],
            key_id: &str,
            key: &SecretKey,
        ) -> Result<Stored, Fault> {
            let stored = Stored {
                sealed: sealed.to_vec(),
                key_id: key_id.into(),
                livemode: key.livemode(),
                key_last4: key.last4().into(),
                connected_at: "2026-12-01T10:00:00Z".into(),
            };
            self.0.borrow_mut().insert(owner.into(), stored.clone());
            Ok(stored)
        }
        fn find(&self, owner: &str) -> Result<Option<Stored>, Fault> {
            Ok(self.0.borrow().get(owner).cloned())
        }
        fn delete(&self, owner: &str) -> Result<bool, Fault> {
            Ok(self.0.borrow_mut().remove(owner).is_some())
        }
    }

    fn vault(b64: &str) -> Vault {
        Vault::from_base64(b64).expect("32 bytes")
    }

    #[test]
    fn a_connected_key_opens_for_checkout_and_shows_only_its_mode_and_last_four() {
        let store = Memory::default();
        let v = vault("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        let key = SecretKey::parse("sk_test_51HabcdefghijWXYZ").expect("key");
        let view = connect(&store, &v, "owner", &key).expect("connected");
        assert_eq!(
            (view.mode, view.key_last4.as_deref(), view.needs_reconnect),
            (Some("test"), Some("WXYZ"), false)
        );
        let shown = serde_json::to_string(&view).expect("json");
        assert!(!shown.contains("51Habcdef"), "{shown}");
        let sealed = Sealed {
            store: &store,
            vault: Some(&v),
        };
        assert_eq!(sealed.secret_key("owner").ok().flatten(), Some(key));
        assert_eq!(sealed.secret_key("someone else").ok().flatten(), None);
        assert_eq!(sealed.offered("owner").ok(), Some(true));
        let off = Sealed {
            store: &store,
            vault: None,
        };
        assert_eq!(
            off.secret_key("owner").ok().flatten(),
            None,
            "no vault, no key"
        );
        assert_eq!(off.offered("owner").ok(), Some(false));
    }

    #[test]
    fn after_the_encryption_key_changes_the_owner_is_asked_to_connect_again() {
        let store = Memory::default();
        let old = vault("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        let new = vault("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=");
        let key = SecretKey::parse("sk_test_51HabcdefghijWXYZ").expect("key");
        connect(&store, &old, "owner", &key).expect("connected");
        let sealed = Sealed {
            store: &store,
            vault: Some(&new),
        };
        assert_eq!(
            sealed.secret_key("owner").ok().flatten(),
            None,
            "no card payments until reconnected"
        );
        assert_eq!(sealed.offered("owner").ok(), Some(false));
        let stored = store.find("owner").ok().flatten();
        assert!(ConnectionView::of(stored.as_ref(), Some(new.key_id())).needs_reconnect);
    }
}
