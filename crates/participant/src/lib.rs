//! Where a business receives e-invoices on the Peppol network: its **participant
//! identifier**, `<scheme>:<identifier>` (`0088:5790000435968`, `9930:DE123456789`), the
//! scheme an ISO 6523 code from Peppol's "Electronic Address Identifier Scheme" list.
//!
//! Parsed once, where the freelancer types it (business profile, client), with the
//! format and check digits Peppol's rules verify on the document (PEPPOL-COMMON-R040…
//! R050): a typo is refused where it can be mended, not found by the buyer's access
//! point weeks later. The profile, the clients and the e-invoice writer share this crate
//! so the three never disagree on what an identifier is.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod check;
mod schemes;

pub use schemes::{check_registration, registration_scheme, vat_scheme, PEPPOL_SCHEMES};

/// A Peppol participant identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParticipantId {
    scheme: String,
    identifier: String,
}

impl ParticipantId {
    /// The ISO 6523 scheme code: `0088`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The identifier within its scheme: `5790000435968`.
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// The identifier Peppol routes a VAT id on, where Peppol has a scheme for VAT ids of
    /// its country (`DE123456789` → `9930:DE123456789`).
    pub fn for_vat_id(vat_id: &str) -> Option<Self> {
        let scheme = vat_scheme(vat_id.get(..2)?)?;
        format!("{scheme}:{vat_id}").parse().ok()
    }
}

/// Why a text is no participant identifier, for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

/// The longest identifier accepted: Peppol's participant identifier value limit.
const MAX_IDENTIFIER: usize = 50;

impl FromStr for ParticipantId {
    type Err = Invalid;

    fn from_str(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        let Some((scheme, identifier)) = text.split_once(':') else {
            return Err(Invalid(
                "must be a Peppol participant id: the scheme's four digits, a colon and the \
                 identifier, such as 0088:5790000435968 or 9930:DE123456789"
                    .into(),
            ));
        };
        let (scheme, identifier) = (scheme.trim(), identifier.trim());
        if !PEPPOL_SCHEMES.contains(&scheme) {
            return Err(Invalid(format!(
                "{scheme:?} is no scheme of Peppol's electronic address list (0088 for a GLN, \
                 0184 for a Danish CVR, 9930 for a German VAT id, …)"
            )));
        }
        if identifier.is_empty()
            || identifier.chars().count() > MAX_IDENTIFIER
            || !identifier.chars().all(|c| c.is_ascii_graphic())
        {
            return Err(Invalid(format!(
                "the identifier after {scheme}: must be 1 to {MAX_IDENTIFIER} letters, digits \
                 or signs, without spaces"
            )));
        }
        check::format(scheme, identifier).map_err(Invalid)?;
        Ok(Self {
            scheme: scheme.to_owned(),
            identifier: identifier.to_owned(),
        })
    }
}

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.scheme, self.identifier)
    }
}

impl Serialize for ParticipantId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ParticipantId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_participant_id_is_a_listed_scheme_and_an_identifier() {
        let id: ParticipantId = " 0088:5790000435968 ".parse().expect("a GLN");
        assert_eq!((id.scheme(), id.identifier()), ("0088", "5790000435968"));
        assert_eq!(id.to_string(), "0088:5790000435968");
        for bad in [
            "",
            "0088",
            "5790000435968",
            "1234:abc",
            "0088:",
            "9930:DE 123",
            "EM:a@b.c",
        ] {
            assert!(bad.parse::<ParticipantId>().is_err(), "{bad:?} accepted");
        }
        let long = format!("9930:DE{}", "1".repeat(49));
        assert!(long.parse::<ParticipantId>().is_err());
    }

    #[test]
    fn vat_ids_route_under_their_countrys_scheme() {
        let de = ParticipantId::for_vat_id("DE123456789").expect("Germany has one");
        assert_eq!(de.to_string(), "9930:DE123456789");
        assert_eq!(
            ParticipantId::for_vat_id("EL123456789").map(|p| p.to_string()),
            Some("9933:EL123456789".into())
        );
        assert_eq!(ParticipantId::for_vat_id("DK12345678"), None);
        assert_eq!(ParticipantId::for_vat_id("X"), None);
    }

    #[test]
    fn json_carries_it_as_text_and_refuses_what_does_not_parse() {
        let id: ParticipantId = serde_json::from_str("\"0184:DK12345674\"").expect("parses");
        assert_eq!(
            serde_json::to_string(&id).expect("json"),
            "\"0184:DK12345674\""
        );
        assert!(serde_json::from_str::<ParticipantId>("\"0088:124\"").is_err());
    }
}
