//! Access tokens made outside the app, as a client or an attacker would make them: the
//! claims the app issues, signed with any algorithm and key, or assembled by hand where
//! jsonwebtoken will not (`alg: none`, a header that lies about its algorithm).

use std::sync::atomic::{AtomicU64, Ordering};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::{dates, JWT_AUDIENCE, JWT_ISSUER};

/// What the app would put in a token for `sub`: valid from now for ten minutes, with a
/// `jti` of its own (so revoking one such token revokes no other).
pub fn claims_for(sub: &str) -> Value {
    static ISSUED: AtomicU64 = AtomicU64::new(0);
    let now = dates::now();
    let jti = format!("e2e-{now}-{}", ISSUED.fetch_add(1, Ordering::Relaxed));
    json!({"sub": sub, "iat": now, "exp": now + 600, "jti": jti,
           "iss": JWT_ISSUER, "aud": JWT_AUDIENCE})
}

pub fn sign(claims: &Value, alg: Algorithm, secret: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret))
        .expect("sign")
}

/// `header` and `claims` as given, signed HMAC-SHA256 with `secret` whatever the header
/// says, or with no signature at all.
pub fn assembled(header: &Value, claims: &Value, secret: Option<&[u8]>) -> String {
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let signing_input = format!("{}.{}", b64(header), b64(claims));
    let signature = secret.map_or_else(String::new, |secret| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("hmac key");
        mac.update(signing_input.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    });
    format!("{signing_input}.{signature}")
}
