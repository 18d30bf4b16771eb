//! The second factor's values: a TOTP key (RFC 6238: HMAC-SHA1, six digits, 30-second
//! steps — what every authenticator app reads from an `otpauth://` URI), the one-time
//! recovery codes, and what a person types where a code is asked for.

use fin_secret::Secret;
use totp_rs::{Algorithm, TOTP};

/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "Fin-Freelancer";
const DIGITS: usize = 6;
const STEP_SECONDS: u64 = 30;
/// One step either side of now: a phone's clock a little off, a code typed as it turned.
const SKEW: u8 = 1;
/// 160 bits, the key size RFC 4226 recommends.
const KEY_BYTES: usize = 20;
/// Ten recovery codes of 16 base32 characters (80 bits): too many guesses for anyone
/// holding a copy of the table, so a plain SHA-256 of each is enough to keep.
pub const RECOVERY_CODES: usize = 10;
const RECOVERY_CHARS: usize = 16;

/// A TOTP key, known to the server and the person's authenticator only.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpKey(Vec<u8>);

/// What enrolment shows once: the key as text, as a URI and as a QR code of that URI.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
    /// An SVG image of the URI as a QR code.
    pub qr_svg: String,
}

impl TotpKey {
    /// A fresh key from the host's random source; `None` if it has none.
    pub fn generate() -> Option<TotpKey> {
        let mut bytes = vec![0u8; KEY_BYTES];
        getrandom::fill(&mut bytes).ok()?;
        Some(TotpKey(bytes))
    }

    /// The key as stored (sealed) and as shown: base32 without padding.
    pub fn to_base32(&self) -> String {
        base32::encode(base32::Alphabet::Rfc4648 { padding: false }, &self.0)
    }

    pub fn from_base32(encoded: &str) -> Option<TotpKey> {
        base32::decode(base32::Alphabet::Rfc4648 { padding: false }, encoded)
            .filter(|bytes| bytes.len() == KEY_BYTES)
            .map(TotpKey)
    }

    fn totp(&self, account: &str) -> Result<TOTP, String> {
        // The label is `issuer:account`; a colon in the account would split it wrongly.
        let account = account.replace(':', "");
        TOTP::new(
            Algorithm::SHA1,
            DIGITS,
            SKEW,
            STEP_SECONDS,
            self.0.clone(),
            Some(ISSUER.to_owned()),
            account,
        )
        .map_err(|e| format!("totp: {e}"))
    }

    /// What the person scans or types into their authenticator app.
    pub fn enrolment(&self, account: &str) -> Result<Enrolment, String> {
        let uri = self.totp(account)?.get_url();
        let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| format!("qr: {e}"))?;
        let svg = qr
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build();
        Ok(Enrolment {
            secret: self.to_base32(),
            otpauth_uri: uri,
            qr_svg: svg,
        })
    }

    /// The time step `code` is right for — now or one step either side — when that step
    /// is later than `last_step`, the last one spent: a code seen once opens nothing again.
    pub fn accepts(&self, code: &str, now: i64, last_step: i64) -> Option<i64> {
        let totp = self.totp("").ok()?;
        let current = now.max(0) / STEP_SECONDS as i64;
        (current - i64::from(SKEW)..=current + i64::from(SKEW))
            .filter(|step| *step > last_step && *step >= 0)
            .find(|step| {
                let expected = totp.generate((*step as u64) * STEP_SECONDS);
                constant_time_eq::constant_time_eq(expected.as_bytes(), code.as_bytes())
            })
    }

    /// The code for `at` (tests and the demo play the authenticator app).
    pub fn code_at(&self, at: i64) -> String {
        self.totp("")
            .map(|t| t.generate(at.max(0) as u64))
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for TotpKey {
    /// Never printed: whoever reads it could make codes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(…)")
    }
}

/// What was typed where a code is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Factor {
    /// Six digits from the authenticator app.
    Totp(String),
    /// One of the recovery codes, normalized (lower case, no dashes or spaces).
    Recovery(String),
}

impl Factor {
    /// Spaces and dashes are ignored, and case: people copy codes as they see them.
    pub fn parse(raw: &str) -> Option<Factor> {
        let typed: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if typed.len() == DIGITS && typed.bytes().all(|b| b.is_ascii_digit()) {
            Some(Factor::Totp(typed))
        } else if typed.len() == RECOVERY_CHARS
            && typed
                .bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
        {
            Some(Factor::Recovery(typed))
        } else {
            None
        }
    }
}

/// A fresh set of recovery codes: shown once, kept only as digests.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCodes(Vec<String>);

impl RecoveryCodes {
    pub fn generate() -> Option<RecoveryCodes> {
        let mut codes = Vec::with_capacity(RECOVERY_CODES);
        for _ in 0..RECOVERY_CODES {
            let mut bytes = [0u8; RECOVERY_CHARS * 5 / 8];
            getrandom::fill(&mut bytes).ok()?;
            codes.push(
                base32::encode(base32::Alphabet::Rfc4648 { padding: false }, &bytes)
                    .to_ascii_lowercase(),
            );
        }
        Some(RecoveryCodes(codes))
    }

    /// As shown to the person: four groups of four (`abcd-efgh-ijkl-mnop`).
    pub fn shown(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|code| {
                code.as_bytes()
                    .chunks(4)
                    .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                    .collect::<Vec<_>>()
                    .join("-")
            })
            .collect()
    }

    /// What is stored.
    pub fn digests(&self) -> Vec<String> {
        self.0.iter().map(|code| recovery_digest(code)).collect()
    }
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecoveryCodes({} codes)", self.0.len())
    }
}

/// The digest of a normalized recovery code ([`Factor::Recovery`]).
pub fn recovery_digest(normalized: &str) -> String {
    Secret::digest(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 key ("12345678901234567890").
    fn rfc_key() -> TotpKey {
        TotpKey(b"12345678901234567890".to_vec())
    }

    #[test]
    fn codes_match_rfc_6238_and_each_step_opens_once() {
        let key = rfc_key();
        // RFC 6238 B: T = 59 → 94287082 (eight digits); six digits are its last six.
        assert_eq!(key.code_at(59), "287082");
        assert_eq!(key.code_at(1_111_111_109), "081804");
        let step = 59 / 30;
        assert_eq!(key.accepts("287082", 59, 0), Some(step));
        assert_eq!(key.accepts("287082", 59, step), None, "spent already");
        assert_eq!(key.accepts("287082", 59 + 30, 0), Some(step), "a step late");
        assert_eq!(key.accepts("287082", 59 + 60, 0), None, "two steps late");
        assert_eq!(key.accepts("287083", 59, 0), None);
        assert_eq!(key.accepts("", 59, 0), None);
    }

    #[test]
    fn enrolment_gives_a_uri_an_app_reads_and_a_qr_code() {
        let key = TotpKey::generate().expect("random");
        let shown = key.enrolment("ada:x@example.com").expect("enrolment");
        assert_eq!(TotpKey::from_base32(&shown.secret), Some(key.clone()));
        assert!(
            shown
                .otpauth_uri
                .starts_with("otpauth://totp/Fin-Freelancer:adax%40example.com?"),
            "{}",
            shown.otpauth_uri
        );
        assert!(shown
            .otpauth_uri
            .contains(&format!("secret={}", shown.secret)));
        assert!(shown.otpauth_uri.contains("issuer=Fin-Freelancer"));
        assert!(shown.qr_svg.contains("<svg"));
        assert_eq!(format!("{key:?}"), "TotpKey(…)");
        assert_ne!(TotpKey::generate(), Some(key));
    }

    #[test]
    fn typed_codes_are_read_as_people_type_them() {
        assert_eq!(
            Factor::parse(" 123 456 "),
            Some(Factor::Totp("123456".into()))
        );
        assert_eq!(
            Factor::parse("ABCD-efgh-2345-6777"),
            Some(Factor::Recovery("abcdefgh23456777".into()))
        );
        for bad in [
            "",
            "12345",
            "1234567",
            "12345a",
            "abcd-efgh-2345-6789",
            "abcd-efgh-2345",
            "\u{0}23456",
        ] {
            assert_eq!(Factor::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_kept_only_as_digests() {
        let codes = RecoveryCodes::generate().expect("random");
        let shown = codes.shown();
        assert_eq!(shown.len(), RECOVERY_CODES);
        let mut unique = shown.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for (code, digest) in shown.iter().zip(codes.digests()) {
            assert_eq!(code.len(), 19, "{code}");
            let Some(Factor::Recovery(normalized)) = Factor::parse(code) else {
                panic!("a shown code reads back: {code}");
            };
            assert_eq!(recovery_digest(&normalized), digest);
            assert!(!digest.contains(&normalized));
        }
        assert_eq!(format!("{codes:?}"), "RecoveryCodes(10 codes)");
    }
}
