//! Money is an integer count of a currency's minor units (cents, yen, fils): no floats.

use serde::{Deserialize, Deserializer, Serialize};

/// An ISO 4217 currency, with the number of minor-unit digits it uses (EUR 2, JPY 0, BHD 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Currency(#[serde(serialize_with = "code")] iso_currency::Currency);

fn code<S: serde::Serializer>(c: &iso_currency::Currency, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.code())
}

impl Currency {
    /// Accepts a code in any case; refuses codes without a defined minor unit (e.g. XAU),
    /// which cannot be invoiced in minor units.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let currency = iso_currency::Currency::from_code(&raw.trim().to_ascii_uppercase())
            .ok_or_else(|| "must be an ISO 4217 currency code, such as EUR".to_owned())?;
        currency.exponent().map(|_| Self(currency)).ok_or_else(|| {
            format!(
                "{} has no minor unit and cannot be invoiced",
                currency.code()
            )
        })
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point: 2 means amounts are in hundredths.
    pub fn minor_digits(self) -> u16 {
        self.0.exponent().unwrap_or(0)
    }
}

/// An amount of minor units as a body may write it: a JSON integer, or a number with no
/// fraction (`8000.0`) — JSON Schema, and so the OpenAPI spec, calls both integers, and
/// some JSON encoders write whole floats that way. `80.5` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WholeNumber(pub i64);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = WholeNumber;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number of minor units")
            }
            fn visit_i64<E>(self, v: i64) -> Result<WholeNumber, E> {
                Ok(WholeNumber(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<WholeNumber, E> {
                i64::try_from(v)
                    .map(WholeNumber)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<WholeNumber, E> {
                // 2^53: beyond it a float no longer holds every whole number exactly.
                const EXACT: f64 = 9_007_199_254_740_992.0;
                if v.fract() == 0.0 && v.abs() <= EXACT {
                    Ok(WholeNumber(v as i64))
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// For `#[serde(deserialize_with)]` on an optional amount: absent or `null` is `None`.
pub fn whole_minor_units<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<WholeNumber>::deserialize(d)?.map(|w| w.0))
}

/// `numerator / denominator`, rounded half away from zero ("commercial rounding"), the
/// rule every total on an invoice uses. `denominator` must be positive.
pub fn div_round(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_know_their_minor_units() {
        assert_eq!(Currency::parse("eur").expect("EUR").minor_digits(), 2);
        assert_eq!(Currency::parse("JPY").expect("JPY").minor_digits(), 0);
        assert_eq!(Currency::parse("BHD").expect("BHD").minor_digits(), 3);
        assert_eq!(Currency::parse(" usd ").expect("USD").code(), "USD");
    }

    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "whole_minor_units")]
        amount: Option<i64>,
    }

    fn amount(json: &str) -> Result<Option<i64>, String> {
        serde_json::from_str::<Body>(json)
            .map(|b| b.amount)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn amounts_are_whole_numbers_however_json_writes_them() {
        assert_eq!(amount(r#"{"amount": 8000}"#), Ok(Some(8000)));
        assert_eq!(amount(r#"{"amount": 8000.0}"#), Ok(Some(8000)));
        assert_eq!(amount(r#"{"amount": 8e3}"#), Ok(Some(8000)));
        assert_eq!(amount(r#"{"amount": -5}"#), Ok(Some(-5)));
        assert_eq!(amount(r#"{"amount": null}"#), Ok(None));
        assert_eq!(amount("{}"), Ok(None));
        for refused in ["80.5", "1e300", "\"80\"", "18446744073709551615", "true"] {
            let error = amount(&format!(r#"{{"amount": {refused}}}"#)).expect_err(refused);
            assert!(
                error.contains("whole number of minor units"),
                "{refused}: {error}"
            );
        }
    }

    #[test]
    fn unknown_or_unit_less_currencies_are_refused() {
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("XAU").is_err(), "gold has no minor unit");
    }

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(4, 10), 0);
        assert_eq!(div_round(15, 10), 2);
        assert_eq!(div_round(25, 10), 3, "not banker's rounding");
        assert_eq!(div_round(-5, 10), -1);
        assert_eq!(div_round(-4, 10), 0);
        assert_eq!(div_round(20, 10), 2);
    }

    #[test]
    fn currencies_serialise_as_their_code() {
        let json = serde_json::to_string(&Currency::parse("chf").expect("CHF")).expect("json");
        assert_eq!(json, "\"CHF\"");
    }
}
