//! Stripe's webhook signature: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, where
//! each `v1` is HMAC-SHA256 over `"<t>.<raw body>"` keyed with the endpoint's secret.
//!
//! Any listed `v1` may match (Stripe lists one per active secret while a secret is being
//! rolled); every comparison is constant-time; a `t` more than the tolerance away from
//! now, either way, is refused so a captured request cannot be replayed later.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Why a request is not from the provider, as the 400 says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Malformed,
    /// `t` is too old or too far in the future.
    Stale,
    /// No `v1` matches.
    Mismatch,
}

impl Refusal {
    pub fn detail(self) -> &'static str {
        match self {
            Refusal::Missing => "The Stripe-Signature header is missing.",
            Refusal::Malformed => {
                "The Stripe-Signature header is not `t=<unix time>,v1=<hex signature>`."
            }
            Refusal::Stale => "The Stripe-Signature timestamp is outside the tolerance.",
            Refusal::Mismatch => "No Stripe-Signature signature matches this body.",
        }
    }
}

/// A parsed header: the timestamp and every `v1` signature (other schemes ignored).
#[derive(Debug, PartialEq, Eq)]
struct Header {
    timestamp: i64,
    signatures: Vec<Vec<u8>>,
}

fn parse(header: &str) -> Result<Header, Refusal> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or(Refusal::Malformed)?;
        match key {
            "t" if timestamp.is_none() => {
                timestamp = Some(value.parse::<i64>().map_err(|_| Refusal::Malformed)?);
            }
            "t" => return Err(Refusal::Malformed),
            "v1" => signatures.push(hex::decode(value).map_err(|_| Refusal::Malformed)?),
            // v0 (test-mode legacy) and future schemes: not ours to check.
            _ => {}
        }
    }
    match timestamp {
        Some(timestamp) if !signatures.is_empty() => Ok(Header {
            timestamp,
            signatures,
        }),
        _ => Err(Refusal::Malformed),
    }
}

/// Checks `header` against `body`; `now` and `tolerance` in seconds.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), Refusal> {
    let header = parse(header.ok_or(Refusal::Missing)?)?;
    if (now - header.timestamp).abs() > tolerance {
        return Err(Refusal::Stale);
    }
    let mac = signed(secret, header.timestamp, body);
    if header
        .signatures
        .iter()
        .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
    {
        Ok(())
    } else {
        Err(Refusal::Mismatch)
    }
}

fn signed(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header Stripe would send for `body` at `timestamp` (tests and tools).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let signature = hex::encode(signed(secret, timestamp, body).finalize().into_bytes());
    format!("t={timestamp},v1={signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test_secret";
    const NOW: i64 = 1_770_000_000;
    const BODY: &[u8] = br#"{"id":"evt_1"}"#;

    #[test]
    fn the_signature_stripe_computes_is_accepted() {
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW, 300), Ok(()));
        // Computed independently (Python's hmac module) from the same key and message.
        assert_eq!(
            header,
            "t=1770000000,v1=4ebdac0f247757578d967de47bad8cc9005ff64b30bfd70d5223a87cba66ea1d"
        );
    }

    #[test]
    fn any_listed_v1_may_match_while_a_secret_is_rolled() {
        let good = sign(SECRET, NOW, BODY);
        let old = sign(b"whsec_old", NOW, BODY);
        let old_v1 = old.split_once(",v1=").map(|(_, s)| s).unwrap_or_default();
        let header = format!("{good},v1={old_v1},v0=abcdef");
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW, 300), Ok(()));
        let reversed = format!("t={NOW},v1={old_v1},{}", &good["t=1770000000,".len()..]);
        assert_eq!(verify(Some(&reversed), BODY, SECRET, NOW, 300), Ok(()));
    }

    #[test]
    fn another_body_or_secret_does_not_match() {
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(
            verify(Some(&header), br#"{"id":"evt_2"}"#, SECRET, NOW, 300),
            Err(Refusal::Mismatch)
        );
        assert_eq!(
            verify(Some(&header), BODY, b"whsec_other", NOW, 300),
            Err(Refusal::Mismatch)
        );
        let shifted =
            sign(SECRET, NOW - 1, BODY).replace(&format!("t={}", NOW - 1), &format!("t={NOW}"));
        assert_eq!(
            verify(Some(&shifted), BODY, SECRET, NOW, 300),
            Err(Refusal::Mismatch)
        );
    }

    #[test]
    fn timestamps_older_or_newer_than_the_tolerance_are_refused() {
        for t in [NOW - 301, NOW + 301] {
            assert_eq!(
                verify(Some(&sign(SECRET, t, BODY)), BODY, SECRET, NOW, 300),
                Err(Refusal::Stale)
            );
        }
        for t in [NOW - 300, NOW + 300] {
            assert_eq!(
                verify(Some(&sign(SECRET, t, BODY)), BODY, SECRET, NOW, 300),
                Ok(())
            );
        }
    }

    #[test]
    fn malformed_headers_are_refused_before_any_comparison() {
        assert_eq!(verify(None, BODY, SECRET, NOW, 300), Err(Refusal::Missing));
        for header in [
            "",
            "garbage",
            "t=abc,v1=00",
            "t=1770000000",
            "v1=00",
            "t=1770000000,v1=zz",
            "t=1,t=2,v1=00",
            "t=1770000000,v0=00",
        ] {
            assert_eq!(
                verify(Some(header), BODY, SECRET, NOW, 300),
                Err(Refusal::Malformed),
                "{header:?}"
            );
        }
    }
}
