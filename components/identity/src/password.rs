//! Password hashing with argon2id at OWASP's recommended cost (m = 19 MiB, t = 2, p = 1).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::domain::Password;

const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

/// A well-formed PHC string with the parameters above whose hash matches no known
/// password. Verifying an unknown email's login against it costs what a real verification
/// costs, so response time does not reveal which emails have accounts.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZS1zYWx0LWZvci1kdW1teQ$Gd0qGCZ0xNK8YRzsNwP0Ay03dN5P4xvLsQoSKOcGtCU";

fn hasher() -> Argon2<'static> {
    // The parameters are constants within argon2's bounds; `Params::DEFAULT` is the
    // unreachable fallback.
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string to store.
pub fn hash(password: &Password) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("argon2: {e}"))
}

/// Whether `password` matches `stored`; `None` means "no such user" and still does the work.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let Ok(parsed) = PasswordHash::new(stored.unwrap_or(DUMMY_HASH)) else {
        return false;
    };
    let matches = hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(raw: &str) -> Password {
        Password::parse(raw).expect("valid password")
    }

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_salted() {
        let a = hash(&password("correct horse battery")).expect("hash");
        let b = hash(&password("correct horse battery")).expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
    }

    #[test]
    fn verifies_the_right_password_only() {
        let stored = hash(&password("correct horse battery")).expect("hash");
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("correct horse batterY", Some(&stored)));
    }

    #[test]
    fn unknown_users_never_verify_but_cost_the_same() {
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            PasswordHash::new(DUMMY_HASH).is_ok(),
            "the dummy must parse or no work is done"
        );
        assert!(!verify("anything at all", None));
    }
}
