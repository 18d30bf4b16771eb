//! A secret the app must be able to use again — a freelancer's Stripe key, an
//! authenticator key — at rest: sealed with ChaCha20-Poly1305 under a key only the app's
//! configuration holds (`payments_encryption_key`, `identity_encryption_key`), so a copy
//! of the database alone opens nothing. The owner's id is bound in as associated data: a
//! sealed value moved to another owner's row does not open.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use sha2::{Digest, Sha256};

const NONCE_BYTES: usize = 12;

pub struct Vault {
    cipher: ChaCha20Poly1305,
    key_id: String,
}

/// Why a vault cannot be made or a sealed value cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultError {
    /// The configured key is not 32 bytes of base64 (an operator's mistake).
    BadKey,
    /// Sealed under another key, for another owner, or altered.
    Unreadable,
    /// No random nonce could be had.
    NoRandom,
}

impl Vault {
    /// The vault of a configured key: 32 random bytes in base64
    /// (`openssl rand -base64 32`).
    pub fn from_base64(encoded: &str) -> Result<Vault, VaultError> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .map_err(|_| VaultError::BadKey)?;
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::BadKey)?;
        // Which key sealed a row, without saying anything of the key.
        let key_id = hex::encode(&Sha256::digest([b"fin-vault:".as_slice(), &bytes].concat())[..6]);
        Ok(Vault {
            cipher: ChaCha20Poly1305::new(&Key::from(key)),
            key_id,
        })
    }

    /// The vault of the setting `name`: `None` when it is empty (the feature it serves is
    /// off) or not a key, which is logged for the operator — never its value.
    pub fn from_setting(name: &str, value: &str) -> Option<Vault> {
        if value.trim().is_empty() {
            return None;
        }
        let vault = Vault::from_base64(value);
        if vault.is_err() {
            fin_log::error!("configuration", "{name} is not 32 bytes of base64");
        }
        vault.ok()
    }

    /// Names the key without revealing it; stored beside what it sealed, so a rotated
    /// key shows as "sealed under another key" rather than as corruption.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// `nonce ‖ ciphertext ‖ tag`.
    pub fn seal(&self, secret: &str, owner: &str) -> Result<Vec<u8>, VaultError> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|_| VaultError::NoRandom)?;
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Unreadable)?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    pub fn open(&self, sealed: &[u8], owner: &str) -> Result<String, VaultError> {
        if sealed.len() <= NONCE_BYTES {
            return Err(VaultError::Unreadable);
        }
        let (nonce, body) = sealed.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| VaultError::Unreadable)?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Unreadable)?;
        String::from_utf8(plain).map_err(|_| VaultError::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    #[test]
    fn what_is_sealed_opens_for_its_owner_only_and_says_nothing_of_itself() {
        let vault = Vault::from_base64(KEY).expect("32 bytes");
        let secret = "sk_test_51Habcdefghijklmnop";
        let sealed = vault.seal(secret, "owner-a").expect("sealed");
        assert!(
            !sealed.windows(8).any(|w| w == &secret.as_bytes()[..8]),
            "no plaintext in it"
        );
        assert_eq!(vault.open(&sealed, "owner-a").as_deref(), Ok(secret));
        assert_eq!(vault.open(&sealed, "owner-b"), Err(VaultError::Unreadable));
        let again = vault.seal(secret, "owner-a").expect("sealed");
        assert_ne!(sealed, again, "a fresh nonce every time");
        let mut altered = sealed.clone();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(vault.open(&altered, "owner-a"), Err(VaultError::Unreadable));
        assert_eq!(
            vault.open(&sealed[..10], "owner-a"),
            Err(VaultError::Unreadable)
        );
    }

    #[test]
    fn another_key_opens_nothing_and_bad_keys_are_refused() {
        let vault = Vault::from_base64(KEY).expect("32 bytes");
        let other =
            Vault::from_base64("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=").expect("32 bytes");
        let sealed = vault.seal("sk_test_x", "o").expect("sealed");
        assert_eq!(other.open(&sealed, "o"), Err(VaultError::Unreadable));
        assert_ne!(vault.key_id(), other.key_id());
        for bad in ["", "not base64!", "c2hvcnQ="] {
            assert_eq!(
                Vault::from_base64(bad).err(),
                Some(VaultError::BadKey),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_empty_setting_turns_the_feature_off_and_a_bad_one_too() {
        assert!(Vault::from_setting("k", "  ").is_none());
        assert!(Vault::from_setting("k", "c2hvcnQ=").is_none());
        let vault = Vault::from_setting("k", &format!(" {KEY}\n")).expect("a key");
        assert_eq!(
            vault.key_id(),
            Vault::from_base64(KEY).expect("ok").key_id()
        );
    }
}
