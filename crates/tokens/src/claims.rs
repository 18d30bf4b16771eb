//! Access-token rules, free of Spin: what a token says and when it is to be believed.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// HS256 needs a key at least as long as its output (RFC 7518 §3.2).
pub const MIN_SECRET_BYTES: usize = 32;

/// How tokens are signed and scoped; read from Spin variables at the edge.
pub struct TokenConfig {
    pub secret: Vec<u8>,
    pub issuer: String,
    pub audience: String,
    pub ttl_seconds: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub iss: String,
    pub aud: String,
    /// Not before: we never issue one, but a token that says it is not valid yet is not
    /// believed before then (RFC 7519 §4.1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// The session (refresh family) the token was issued for: ending the session ends
    /// its tokens, and the owner's session list marks the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// Why a token is not believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    Malformed,
    BadSignature,
    Expired,
    InvalidClaims,
    /// Our configuration is unusable (a short secret); not the caller's fault.
    Misconfigured(String),
}

impl TokenConfig {
    fn check(&self) -> Result<(), Rejection> {
        if self.secret.len() < MIN_SECRET_BYTES {
            return Err(Rejection::Misconfigured(format!(
                "jwt_secret must be at least {MIN_SECRET_BYTES} bytes"
            )));
        }
        Ok(())
    }

    /// Signs a token for `user_id`, valid from `now` for the configured lifetime.
    pub fn issue(
        &self,
        user_id: &str,
        session_id: Option<&str>,
        jti: &str,
        now: i64,
    ) -> Result<(String, Claims), Rejection> {
        self.check()?;
        let claims = Claims {
            sub: user_id.to_owned(),
            iat: now,
            exp: now + i64::from(self.ttl_seconds),
            jti: jti.to_owned(),
            nbf: None,
            sid: session_id.map(str::to_owned),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&self.secret),
        )
        .map_err(|e| Rejection::Misconfigured(format!("signing failed: {e}")))?;
        Ok((token, claims))
    }

    /// Believes a token only if it is HS256-signed with our key, names our issuer and
    /// audience, carries every claim, and has not expired at `now`.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, Rejection> {
        self.check()?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is checked below against the caller's clock, so tests can move time.
        validation.validate_exp = false;
        let data = decode::<Claims>(token, &DecodingKey::from_secret(&self.secret), &validation)
            .map_err(|e| rejection(e.kind()))?;
        if data.claims.exp <= now {
            return Err(Rejection::Expired);
        }
        let from_the_future = |t: i64| t > now + CLOCK_SKEW_SECONDS;
        if from_the_future(data.claims.iat)
            || data.claims.nbf.is_some_and(from_the_future)
            || data.claims.jti.is_empty()
        {
            return Err(Rejection::InvalidClaims);
        }
        Ok(data.claims)
    }
}

/// Refuses what needs no key to refuse: not a JWT (three base64url parts, a JSON
/// header), or signed with anything but HS256 (`none` included). A token check runs
/// this before it reads its configuration, because every configuration read is a host
/// call that costs more than the whole check (docs/performance.md).
pub fn precheck(token: &str) -> Result<(), Rejection> {
    if token.split('.').count() != 3 {
        return Err(Rejection::Malformed);
    }
    let header = jsonwebtoken::decode_header(token).map_err(|e| rejection(e.kind()))?;
    if header.alg != Algorithm::HS256 {
        return Err(Rejection::BadSignature);
    }
    Ok(())
}

/// Tolerance for a token minted by an instance whose clock runs slightly ahead.
const CLOCK_SKEW_SECONDS: i64 = 60;

fn rejection(kind: &ErrorKind) -> Rejection {
    match kind {
        ErrorKind::InvalidSignature
        | ErrorKind::InvalidAlgorithm
        | ErrorKind::InvalidAlgorithmName
        | ErrorKind::InvalidKeyFormat => Rejection::BadSignature,
        ErrorKind::ExpiredSignature => Rejection::Expired,
        ErrorKind::InvalidIssuer
        | ErrorKind::InvalidAudience
        | ErrorKind::InvalidSubject
        | ErrorKind::MissingRequiredClaim(_)
        | ErrorKind::ImmatureSignature => Rejection::InvalidClaims,
        _ => Rejection::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn config() -> TokenConfig {
        TokenConfig {
            secret: b"0123456789abcdef0123456789abcdef".to_vec(),
            issuer: "fin".into(),
            audience: "fin-api".into(),
            ttl_seconds: 900,
        }
    }

    fn sign(claims: &serde_json::Value, alg: Algorithm, secret: &[u8]) -> String {
        encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).expect("sign")
    }

    fn claims_json(exp: i64) -> serde_json::Value {
        serde_json::json!({"sub":"u1","iat":NOW,"exp":exp,"jti":"j1","iss":"fin","aud":"fin-api"})
    }

    #[test]
    fn issued_tokens_verify_until_they_expire() {
        let cfg = config();
        let (token, claims) = cfg.issue("u1", None, "j1", NOW).expect("issue");
        assert_eq!(claims.exp, NOW + 900);
        assert_eq!(cfg.verify(&token, NOW + 899).expect("valid").sub, "u1");
        assert_eq!(cfg.verify(&token, NOW + 900), Err(Rejection::Expired));
    }

    #[test]
    fn a_token_not_valid_yet_is_not_believed() {
        let cfg = config();
        let mut later = claims_json(NOW + 600);
        later["nbf"] = (NOW + 300).into();
        let token = sign(&later, Algorithm::HS256, &cfg.secret);
        assert_eq!(cfg.verify(&token, NOW), Err(Rejection::InvalidClaims));
        assert_eq!(
            cfg.verify(&token, NOW + 300).expect("valid by then").sub,
            "u1"
        );
        let mut issued_later = claims_json(NOW + 600);
        issued_later["iat"] = (NOW + 300).into();
        let token = sign(&issued_later, Algorithm::HS256, &cfg.secret);
        assert_eq!(cfg.verify(&token, NOW), Err(Rejection::InvalidClaims));
    }

    #[test]
    fn another_key_is_a_bad_signature() {
        let token = sign(
            &claims_json(NOW + 60),
            Algorithm::HS256,
            b"another-secret-another-secret-xx",
        );
        assert_eq!(config().verify(&token, NOW), Err(Rejection::BadSignature));
    }

    #[test]
    fn other_algorithms_are_refused() {
        let token = sign(&claims_json(NOW + 60), Algorithm::HS512, &config().secret);
        assert_eq!(config().verify(&token, NOW), Err(Rejection::BadSignature));
    }

    #[test]
    fn alg_none_is_refused() {
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let header = b64(br#"{"alg":"none","typ":"JWT"}"#);
        let body = b64(claims_json(NOW + 60).to_string().as_bytes());
        let token = format!("{header}.{body}.");
        assert!(matches!(
            config().verify(&token, NOW),
            Err(Rejection::Malformed | Rejection::BadSignature)
        ));
    }

    #[test]
    fn wrong_audience_or_issuer_is_invalid_claims() {
        let cfg = config();
        let mut wrong_aud = claims_json(NOW + 60);
        wrong_aud["aud"] = "someone-else".into();
        let mut wrong_iss = claims_json(NOW + 60);
        wrong_iss["iss"] = "evil".into();
        for claims in [wrong_aud, wrong_iss] {
            let token = sign(&claims, Algorithm::HS256, &cfg.secret);
            assert_eq!(cfg.verify(&token, NOW), Err(Rejection::InvalidClaims));
        }
    }

    #[test]
    fn missing_claims_are_refused() {
        let cfg = config();
        let mut no_jti = claims_json(NOW + 60);
        no_jti.as_object_mut().expect("object").remove("jti");
        let token = sign(&no_jti, Algorithm::HS256, &cfg.secret);
        assert!(cfg.verify(&token, NOW).is_err());
    }

    #[test]
    fn garbage_is_malformed() {
        assert_eq!(config().verify("not.a.jwt", NOW), Err(Rejection::Malformed));
        assert_eq!(config().verify("", NOW), Err(Rejection::Malformed));
    }

    #[test]
    fn short_secrets_are_a_configuration_error() {
        let cfg = TokenConfig {
            secret: b"short".to_vec(),
            ..config()
        };
        assert!(matches!(
            cfg.issue("u1", None, "j1", NOW),
            Err(Rejection::Misconfigured(_))
        ));
    }

    #[test]
    fn a_session_token_names_its_session_and_others_name_none() {
        let cfg = config();
        let (token, _) = cfg.issue("u1", Some("family-1"), "j1", NOW).expect("issue");
        assert_eq!(
            cfg.verify(&token, NOW).expect("valid").sid.as_deref(),
            Some("family-1")
        );
        let (token, _) = cfg.issue("u1", None, "j2", NOW).expect("issue");
        assert_eq!(cfg.verify(&token, NOW).expect("valid").sid, None);
    }

    #[test]
    fn junk_and_foreign_algorithms_are_refused_before_any_key_is_needed() {
        let cfg = config();
        let (token, _) = cfg.issue("user", Some("s1"), "jti", NOW).expect("issue");
        assert_eq!(precheck(&token), Ok(()));
        assert_eq!(precheck("x.y.z"), Err(Rejection::Malformed));
        assert_eq!(precheck("not a token"), Err(Rejection::Malformed));
        assert_eq!(
            precheck(&format!("{token}.extra")),
            Err(Rejection::Malformed)
        );
        let none = format!(
            "{}.{}.",
            base64_url(br#"{"alg":"none","typ":"JWT"}"#),
            token.split('.').nth(1).unwrap_or_default()
        );
        assert!(precheck(&none).is_err(), "alg none is refused");
        let hs512 = format!(
            "{}.{}",
            base64_url(br#"{"alg":"HS512","typ":"JWT"}"#),
            token
                .split_once('.')
                .map(|(_, rest)| rest)
                .unwrap_or_default()
        );
        assert_eq!(precheck(&hs512), Err(Rejection::BadSignature));
    }

    fn base64_url(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }
}
