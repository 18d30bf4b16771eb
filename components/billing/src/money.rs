//! Money is an integer count of a currency's minor units (cents, yen, fils): no floats.

use serde::Serialize;

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
