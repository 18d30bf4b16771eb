//! Decimal figures typed by people (quantities, rates) read exactly, never through `f64`
//! arithmetic: `1.5` hours is 1500 thousandths, `19.25` % is 1925 basis points.

use serde::{Deserialize, Deserializer};

/// A decimal as the client wrote it: a JSON string (`"1.5"`) or number (`1.5`).
///
/// serde_json reads a JSON number with a fraction as an `f64`; printed back with Rust's
/// shortest round-trip formatting it gives the digits the client sent for any number of
/// up to 15 significant digits, which covers every figure these fields accept. The text
/// is then parsed as a decimal, so no arithmetic ever happens in binary floating point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalText(pub String);

impl<'de> Deserialize<'de> for DecimalText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DecimalText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a decimal number, as a JSON number or string")
            }
            fn visit_str<E>(self, v: &str) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_owned()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Parses a non-negative decimal with at most `scale` fraction digits into an integer
/// count of `10^-scale` units, refusing anything above `max` units.
pub fn parse_scaled(raw: &str, scale: u32, max: i64) -> Result<i64, String> {
    let raw = raw.trim();
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || raw.ends_with('.') {
        return Err("must be a decimal number such as 1.5".to_owned());
    }
    if fraction.len() > scale as usize {
        return Err(format!("must have at most {scale} decimal places"));
    }
    let too_large = || format!("must be at most {}", format_scaled(max, scale));
    let whole: i64 = whole.parse().map_err(|_| too_large())?;
    let fraction: i64 = format!("{fraction:0<width$}", width = scale as usize)
        .parse()
        .unwrap_or(0);
    let value = whole
        .checked_mul(10_i64.pow(scale))
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(too_large)?;
    if value > max {
        return Err(too_large());
    }
    Ok(value)
}

/// Writes `value` units of `10^-scale` as a decimal without trailing zeros: 1500 at
/// scale 3 is `1.5`.
pub fn format_scaled(value: i64, scale: u32) -> String {
    let unit = 10_i64.pow(scale);
    let (whole, fraction) = (value / unit, (value % unit).abs());
    if fraction == 0 {
        return whole.to_string();
    }
    let fraction = format!("{fraction:0>width$}", width = scale as usize);
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_decimals_exactly() {
        assert_eq!(parse_scaled("1.5", 3, i64::MAX), Ok(1500));
        assert_eq!(parse_scaled("0.001", 3, i64::MAX), Ok(1));
        assert_eq!(parse_scaled("12", 3, i64::MAX), Ok(12000));
        assert_eq!(parse_scaled(" 19.25 ", 2, i64::MAX), Ok(1925));
    }

    #[test]
    fn refuses_what_is_not_a_plain_positive_decimal() {
        for bad in ["", ".5", "5.", "-1", "1e3", "1,5", "abc", "1.2.3", "+1"] {
            assert!(parse_scaled(bad, 3, i64::MAX).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_scaled("0.0001", 3, i64::MAX),
            Err("must have at most 3 decimal places".to_owned())
        );
        assert_eq!(
            parse_scaled("100.01", 2, 10_000),
            Err("must be at most 100".to_owned())
        );
        assert!(parse_scaled("99999999999999999999", 3, i64::MAX).is_err());
    }

    #[test]
    fn json_numbers_keep_the_digits_sent() {
        let read = |json: &str| {
            serde_json::from_str::<DecimalText>(json)
                .map(|d| d.0)
                .expect("decimal")
        };
        assert_eq!(read("0.1"), "0.1");
        assert_eq!(read("1.005"), "1.005");
        assert_eq!(read("2"), "2");
        assert_eq!(read("\"7.125\""), "7.125");
        assert_eq!(parse_scaled(&read("0.3"), 3, i64::MAX), Ok(300));
        assert!(serde_json::from_str::<DecimalText>("true").is_err());
    }

    #[test]
    fn formats_without_trailing_zeros() {
        assert_eq!(format_scaled(1500, 3), "1.5");
        assert_eq!(format_scaled(1, 3), "0.001");
        assert_eq!(format_scaled(2000, 3), "2");
        assert_eq!(format_scaled(1925, 2), "19.25");
    }
}
