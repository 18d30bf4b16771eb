//! Decimal amounts compared exactly, as the rules' XPath does with `xs:decimal`: no
//! binary floats, so `0.1 + 0.2` is `0.3` and a rule fails only on a real difference.

/// A decimal in millionths: enough for every amount, quantity and rate an invoice has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Exact(pub i128);

const SCALE: i128 = 1_000_000;

impl Exact {
    pub const ZERO: Exact = Exact(0);

    /// `-12.50` → 12.5; `None` for anything that is no decimal, or has more than six
    /// decimals (none of what this application writes has).
    pub fn parse(text: &str) -> Option<Exact> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || fraction.len() > 6
            || whole.len() > 24
        {
            return None;
        }
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let fraction: i128 = format!("{fraction:0<6}").parse().ok()?;
        let value = whole * SCALE + fraction;
        Some(Exact(if negative { -value } else { value }))
    }

    /// XPath's `round(x * 100) div 100`: to two decimals, halves towards positive infinity.
    pub fn round2(self) -> Exact {
        let unit = SCALE / 100;
        Exact((self.0 + unit / 2).div_euclid(unit) * unit)
    }

    /// `self × rate / 100`, where `rate` is a percentage.
    pub fn percent(self, rate: Exact) -> Exact {
        Exact(self.0 * rate.0 / SCALE / 100)
    }

    pub fn times(self, other: Exact) -> Exact {
        Exact(self.0 * other.0 / SCALE)
    }

    pub fn abs_diff(self, other: Exact) -> Exact {
        Exact((self.0 - other.0).abs())
    }
}

impl std::ops::Add for Exact {
    type Output = Exact;
    fn add(self, other: Exact) -> Exact {
        Exact(self.0 + other.0)
    }
}

impl std::ops::Sub for Exact {
    type Output = Exact;
    fn sub(self, other: Exact) -> Exact {
        Exact(self.0 - other.0)
    }
}

impl std::iter::Sum for Exact {
    fn sum<I: Iterator<Item = Exact>>(iter: I) -> Exact {
        iter.fold(Exact::ZERO, |a, b| a + b)
    }
}

/// How many decimals an amount is written with (`12.50` → 2).
pub fn decimals(text: &str) -> usize {
    text.trim().split_once('.').map_or(0, |(_, f)| f.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(text: &str) -> Exact {
        Exact::parse(text).expect(text)
    }

    #[test]
    fn decimals_parse_exactly_or_not_at_all() {
        assert_eq!(x("12.5"), Exact(12_500_000));
        assert_eq!(x("-0.05"), Exact(-50_000));
        assert_eq!(x("7"), Exact(7_000_000));
        assert_eq!(x("0.1") + x("0.2"), x("0.3"));
        for bad in ["", "-", ".", "1e3", "1,5", "0.0000001", "12a", "1.2.3"] {
            assert_eq!(Exact::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rounding_and_percentages_follow_the_rules_xpath() {
        assert_eq!(x("2.345").round2(), x("2.35"));
        assert_eq!(x("2.344").round2(), x("2.34"));
        assert_eq!(x("-2.345").round2(), x("-2.34"), "halves go up");
        assert_eq!(x("950").percent(x("19")), x("180.5"));
        assert_eq!(x("1234").percent(x("19")).round2(), x("234.46"));
        assert_eq!(x("12.5").times(x("80")), x("1000"));
        assert_eq!(decimals("8.000"), 3);
        assert_eq!(decimals("8"), 0);
    }
}
