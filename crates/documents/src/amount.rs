//! Money as a document prints it (`fin-amount`, shared with e-mails), and with its code.

pub use fin_amount::{decimal, format};

use crate::model::Currency;

/// [`format`] followed by the currency's code: `1,234.56 EUR`.
pub fn with_code(minor: i64, currency: &Currency) -> String {
    format!("{} {}", format(minor, currency.minor_digits), currency.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_follows_the_figure() {
        let jpy = Currency {
            code: "JPY".into(),
            minor_digits: 0,
        };
        assert_eq!(with_code(1_500, &jpy), "1,500 JPY");
    }
}
