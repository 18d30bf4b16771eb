//! A secret that whoever holds it may use — a share link's token, a refresh token — and
//! that the database must never be able to give away: only its digest is stored, and a
//! secret from a request is digested the same way to find its row.

use base64::Engine;
use sha2::{Digest, Sha256};

/// 32 random bytes (256 bits), as 43 characters of base64url: unguessable, and safe in a
/// URL path or a cookie value without escaping.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A fresh secret from the host's random source; `None` if it has none.
    pub fn generate() -> Option<Secret> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).ok()?;
        Some(Secret(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `presented` has the shape of a secret as issued (43 characters of
    /// unpadded base64url): anything else is refused before a lookup.
    pub fn well_formed(presented: &str) -> bool {
        presented.len() == 43
            && presented
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }

    /// What is stored: the SHA-256 of the secret, hex.
    pub fn digest(secret: &str) -> String {
        Sha256::digest(secret.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl std::fmt::Debug for Secret {
    /// Never printed: whoever reads a log must not be able to use it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_only_their_digest_is_kept() {
        let a = Secret::generate().expect("random");
        let b = Secret::generate().expect("random");
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 43);
        assert!(a
            .as_str()
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert!(Secret::well_formed(a.as_str()));
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}%00", "a".repeat(40)),
            &format!("{}/", "a".repeat(42)),
        ] {
            assert!(!Secret::well_formed(bad), "{bad}");
        }
        let digest = Secret::digest(a.as_str());
        assert_eq!(digest.len(), 64);
        assert!(!digest.contains(a.as_str()));
        assert_eq!(digest, Secret::digest(a.as_str()));
        assert_eq!(format!("{a:?}"), "Secret(…)");
    }
}
