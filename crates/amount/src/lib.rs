//! Money as a document or an e-mail prints it: minor units shown with as many decimals
//! as the currency's minor unit has, thousands grouped. One way for every document, so
//! what a client reads matches the API's figures digit for digit.

/// How digits are grouped and the fraction set off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notation {
    pub group: char,
    pub decimal: char,
}

/// `1,234.56`.
pub const ENGLISH: Notation = Notation {
    group: ',',
    decimal: '.',
};
/// `1.234,56`.
pub const GERMAN: Notation = Notation {
    group: '.',
    decimal: ',',
};

/// `123456` minor units of EUR → `1,234.56`; of JPY → `123,456`; of BHD → `123.456`.
pub fn format(minor: i64, minor_digits: u8) -> String {
    format_in(minor, minor_digits, ENGLISH)
}

/// [`format`] in another notation: `123456` of EUR in German → `1.234,56`.
pub fn format_in(minor: i64, minor_digits: u8, notation: Notation) -> String {
    let digits = u32::from(minor_digits);
    let magnitude = minor.unsigned_abs();
    let scale = 10u64.saturating_pow(digits);
    let (whole, fraction) = (magnitude / scale, magnitude % scale);
    let mut grouped = String::new();
    let whole = whole.to_string();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(notation.group);
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    if digits == 0 {
        format!("{sign}{grouped}")
    } else {
        format!(
            "{sign}{grouped}{}{fraction:0width$}",
            notation.decimal,
            width = digits as usize
        )
    }
}

/// `minor` units as a plain decimal, the way XML amounts are written: `123456` of EUR →
/// `1234.56`, of JPY → `123456`, `-5` of EUR → `-0.05`.
pub fn decimal(minor: i64, minor_digits: u8) -> String {
    format(minor, minor_digits).replace(',', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_digits_decide_the_decimals() {
        assert_eq!(format(123_456, 2), "1,234.56");
        assert_eq!(format(123_456, 0), "123,456");
        assert_eq!(format(123_456, 3), "123.456");
        assert_eq!(format(5, 2), "0.05");
        assert_eq!(format(0, 2), "0.00");
        assert_eq!(format(-150, 2), "-1.50");
        assert_eq!(format(100_000_000_000_000, 2), "1,000,000,000,000.00");
        assert_eq!(format(i64::MIN, 2), "-92,233,720,368,547,758.08");
        assert_eq!(decimal(123_456, 2), "1234.56");
        assert_eq!(decimal(-5, 2), "-0.05");
        assert_eq!(decimal(1_500, 0), "1500");
    }

    #[test]
    fn german_swaps_the_separators() {
        assert_eq!(format_in(123_456, 2, GERMAN), "1.234,56");
        assert_eq!(format_in(123_456, 0, GERMAN), "123.456");
        assert_eq!(format_in(-5, 2, GERMAN), "-0,05");
    }
}
