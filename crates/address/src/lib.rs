//! A postal address as every context reads it — a client's, the freelancer's on their
//! business profile — so the two cannot drift apart on what a line or a country may be;
//! and, for the same reason, a telephone number ([`phone`]) and the language a letter
//! to an address is written in ([`Language`]).

mod language;
mod phone;

pub use language::Language;
pub use phone::{phone, MAX_PHONE};

use fin_problem::{FieldError, Text};
use serde::{Deserialize, Serialize};

/// The most characters one line of an address may have.
pub const MAX_LINE: usize = 200;

/// A postal address; `country` is ISO 3166-1 alpha-2. As a body field, unknown members
/// are refused; as stored, blank lines are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default)]
    pub line1: Option<String>,
    #[serde(default)]
    pub line2: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    pub country: String,
}

impl Address {
    /// The address with its lines trimmed (blank ones dropped) and its country upper-cased,
    /// or every field error, named under `field` (`address.country`).
    pub fn parse(self, field: &str) -> Result<Address, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut line = |name: &str, value: Option<String>| {
            let value = value
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())?;
            match Text::Block.check_within(&value, MAX_LINE) {
                Ok(()) => Some(value),
                Err(message) => {
                    errors.push(FieldError::new(format!("{field}.{name}"), message));
                    None
                }
            }
        };
        let parsed = Address {
            line1: line("line1", self.line1),
            line2: line("line2", self.line2),
            city: line("city", self.city),
            region: line("region", self.region),
            postal_code: line("postal_code", self.postal_code),
            country: self.country.trim().to_ascii_uppercase(),
        };
        if isocountry::CountryCode::for_alpha2(&parsed.country).is_err() {
            errors.push(FieldError::new(
                format!("{field}.country"),
                "must be an ISO 3166-1 alpha-2 country code, such as DE",
            ));
        }
        if errors.is_empty() {
            Ok(parsed)
        } else {
            Err(errors)
        }
    }

    /// The lines a document prints, in order: street lines, then postal code and city,
    /// then region.
    pub fn lines(&self) -> Vec<String> {
        let place = [self.postal_code.as_deref(), self.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.line1.clone(),
            self.line2.clone(),
            Some(place).filter(|p| !p.is_empty()),
            self.region.clone(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(value: serde_json::Value) -> Address {
        serde_json::from_value(value).expect("address")
    }

    #[test]
    fn lines_are_trimmed_and_the_country_upper_cased() {
        let parsed = address(serde_json::json!({
            "line1": " Hauptstr. 1 ", "line2": "  ", "city": "Berlin",
            "postal_code": "10115", "country": " de "
        }))
        .parse("address")
        .expect("valid");
        assert_eq!(parsed.line1.as_deref(), Some("Hauptstr. 1"));
        assert_eq!(parsed.line2, None);
        assert_eq!(parsed.country, "DE");
        assert_eq!(parsed.lines(), ["Hauptstr. 1", "10115 Berlin"]);
    }

    #[test]
    fn every_bad_field_is_named_under_the_given_field() {
        let errors = address(serde_json::json!({
            "line1": "x".repeat(201), "city": "a\u{7}b", "country": "XX"
        }))
        .parse("seller.address")
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "seller.address.line1",
                "seller.address.city",
                "seller.address.country"
            ]
        );
    }

    #[test]
    fn unknown_members_are_refused() {
        let result: Result<Address, _> =
            serde_json::from_value(serde_json::json!({"country": "DE", "street": "x"}));
        assert!(result.is_err());
    }
}
