//! What an invoice adds up to. Clients never send totals; the server computes them here.
//!
//! The rules, in order, all in integer minor units:
//! 1. a line's net = quantity × unit price, rounded half away from zero to a minor unit
//!    (quantities carry up to three decimals, so they arrive in thousandths);
//! 2. subtotal = the sum of the line nets;
//! 3. discount = a fixed amount, or a percentage of the subtotal rounded like (1); it may
//!    not exceed the subtotal;
//! 4. the discount lowers the taxable base: it is shared across tax rates in proportion
//!    to their nets (largest-remainder, so the shares add up exactly), and each rate's tax
//!    = (its nets − its share) × rate, rounded once per rate, as VAT returns do;
//! 5. total = subtotal − discount + tax.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::money::div_round;

/// One invoice line, already validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Quantity in thousandths: 1.5 hours is 1500.
    pub quantity_milli: i64,
    /// Price per unit in minor units.
    pub unit_price: i64,
    /// Tax rate in basis points: 19 % is 1900.
    pub tax_rate_bp: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discount {
    None,
    /// A percentage of the subtotal, in basis points.
    Percent(u32),
    /// A fixed amount in minor units.
    Amount(i64),
}

impl Discount {
    /// How a store keeps a discount: its kind (`percent`, `amount`, or none) and its value
    /// (basis points or minor units).
    pub fn to_columns(self) -> (Option<&'static str>, Option<i64>) {
        match self {
            Discount::None => (None, None),
            Discount::Percent(bp) => (Some("percent"), Some(i64::from(bp))),
            Discount::Amount(amount) => (Some("amount"), Some(amount)),
        }
    }

    /// The discount [`Discount::to_columns`] kept. A kind it never writes, or a kind
    /// without its value, is an error: a stored document is never read as undiscounted
    /// by mistake.
    pub fn from_columns(kind: Option<&str>, value: Option<i64>) -> Result<Self, String> {
        match (kind, value) {
            (None, _) => Ok(Discount::None),
            (Some("percent"), Some(bp)) => u32::try_from(bp)
                .map(Discount::Percent)
                .map_err(|_| format!("discount percent {bp} out of range")),
            (Some("amount"), Some(amount)) => Ok(Discount::Amount(amount)),
            (Some(other), value) => Err(format!("unknown discount {other} {value:?}")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Each line's net, in the order given.
    pub line_nets: Vec<i64>,
    pub subtotal: i64,
    pub discount: i64,
    /// One entry per tax rate the lines use, lowest rate first; their taxes add up to
    /// `tax`, their bases to `subtotal − discount`. What a document's VAT breakdown shows.
    pub taxes: Vec<TaxSubtotal>,
    pub tax: i64,
    pub total: i64,
}

/// One tax rate's part of an invoice: the base it applies to (the lines' nets at that
/// rate, less their share of the discount) and the tax, rounded once (rule 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaxSubtotal {
    /// Basis points: 19 % is 1900.
    pub rate_bp: u32,
    pub taxable: i64,
    pub tax: i64,
}

/// One tax rate's part as every document's API shows it: the rate a decimal string like
/// a line's (`"19"`, `"7.7"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxView {
    pub rate: String,
    pub taxable: i64,
    pub tax: i64,
}

impl TaxView {
    /// Every rate's part of `taxes`, as the API shows them.
    pub fn all(taxes: &[TaxSubtotal]) -> Vec<TaxView> {
        taxes
            .iter()
            .map(|rate| TaxView {
                rate: crate::decimal::format_scaled(i64::from(rate.rate_bp), 2),
                taxable: rate.taxable,
                tax: rate.tax,
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TotalsError {
    /// The discount is larger than the subtotal.
    DiscountExceedsSubtotal,
    /// A figure does not fit the range money is stored in.
    TooLarge,
}

const THOUSANDTHS: i128 = 1_000;
const BASIS_POINTS: i128 = 10_000;

pub fn compute(lines: &[Line], discount: Discount) -> Result<Totals, TotalsError> {
    let line_nets: Vec<i128> = lines
        .iter()
        .map(|l| {
            div_round(
                i128::from(l.quantity_milli) * i128::from(l.unit_price),
                THOUSANDTHS,
            )
        })
        .collect();
    let subtotal: i128 = line_nets.iter().sum();
    let discount = match discount {
        Discount::None => 0,
        Discount::Percent(bp) => div_round(subtotal * i128::from(bp), BASIS_POINTS),
        Discount::Amount(amount) => i128::from(amount),
    };
    if discount > subtotal {
        return Err(TotalsError::DiscountExceedsSubtotal);
    }

    let mut by_rate: BTreeMap<u32, i128> = BTreeMap::new();
    for (line, net) in lines.iter().zip(&line_nets) {
        *by_rate.entry(line.tax_rate_bp).or_default() += net;
    }
    let rates: Vec<(u32, i128)> = by_rate.into_iter().collect();
    let shares = allocate(
        discount,
        &rates.iter().map(|(_, net)| *net).collect::<Vec<_>>(),
    );
    let fit = |v: i128| i64::try_from(v).map_err(|_| TotalsError::TooLarge);
    let mut tax: i128 = 0;
    let mut taxes = Vec::with_capacity(rates.len());
    for ((rate, net), share) in rates.iter().zip(&shares) {
        let taxable = net - share;
        let rate_tax = div_round(taxable * i128::from(*rate), BASIS_POINTS);
        tax += rate_tax;
        taxes.push(TaxSubtotal {
            rate_bp: *rate,
            taxable: fit(taxable)?,
            tax: fit(rate_tax)?,
        });
    }

    Ok(Totals {
        line_nets: line_nets.into_iter().map(fit).collect::<Result<_, _>>()?,
        subtotal: fit(subtotal)?,
        discount: fit(discount)?,
        taxes,
        tax: fit(tax)?,
        total: fit(subtotal - discount + tax)?,
    })
}

/// Splits `amount` across `weights` in proportion, exactly: floors first, then one unit
/// each to the largest remainders (earlier weights win ties).
fn allocate(amount: i128, weights: &[i128]) -> Vec<i128> {
    let total: i128 = weights.iter().sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<i128> = weights.iter().map(|w| amount * w / total).collect();
    let mut left = amount - shares.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(amount * weights[i] % total));
    for i in order {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

// Amounts in tests are written units_minor: `100_01` is 100.01.
#[cfg(test)]
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;

    fn line(quantity_milli: i64, unit_price: i64, tax_rate_bp: u32) -> Line {
        Line {
            quantity_milli,
            unit_price,
            tax_rate_bp,
        }
    }

    #[test]
    fn a_plain_invoice() {
        let t = compute(&[line(2_000, 10_00, 1900)], Discount::None).expect("totals");
        assert_eq!(
            (t.subtotal, t.discount, t.tax, t.total),
            (20_00, 0, 3_80, 23_80)
        );
    }

    #[test]
    fn fractional_quantities_round_half_away_from_zero() {
        // 1.5 h × 33.33 = 49.995 → 50.00
        let t = compute(&[line(1_500, 33_33, 0)], Discount::None).expect("totals");
        assert_eq!(t.line_nets, [50_00]);
        // 0.333 × 1.00 = 0.333 → 0.33
        let t = compute(&[line(333, 1_00, 0)], Discount::None).expect("totals");
        assert_eq!(t.subtotal, 33);
    }

    #[test]
    fn tax_is_rounded_once_per_rate_not_per_line() {
        // Three lines of 0.05 at 10 %: per line 0.005 would round to 0.01 each (0.03);
        // per rate 0.15 × 10 % = 0.015 → 0.02.
        let lines = [line(1_000, 5, 1000); 3];
        let t = compute(&lines, Discount::None).expect("totals");
        assert_eq!((t.subtotal, t.tax, t.total), (15, 2, 17));
    }

    #[test]
    fn percentage_discounts_round_like_lines() {
        let t = compute(&[line(1_000, 100_01, 0)], Discount::Percent(1000)).expect("totals");
        assert_eq!(t.discount, 10_00, "10 % of 100.01 is 10.001 → 10.00");
        assert_eq!(t.total, 90_01);
    }

    #[test]
    fn discounts_lower_each_rates_base_in_proportion_and_add_up_exactly() {
        // 100.00 at 19 % and 50.00 at 7 %, 10.00 off: shares 6.67 and 3.33.
        let lines = [line(1_000, 100_00, 1900), line(1_000, 50_00, 700)];
        let t = compute(&lines, Discount::Amount(10_00)).expect("totals");
        // 19 %: (100.00 − 6.67) × 0.19 = 17.7327 → 17.73; 7 %: (50.00 − 3.33) × 0.07 = 3.2669 → 3.27
        assert_eq!(t.tax, 17_73 + 3_27);
        assert_eq!(t.total, 150_00 - 10_00 + 21_00);
        assert_eq!(
            t.taxes,
            [
                TaxSubtotal {
                    rate_bp: 700,
                    taxable: 46_67,
                    tax: 3_27
                },
                TaxSubtotal {
                    rate_bp: 1900,
                    taxable: 93_33,
                    tax: 17_73
                },
            ]
        );
        let bases: i64 = t.taxes.iter().map(|r| r.taxable).sum();
        assert_eq!(bases, t.subtotal - t.discount);
    }

    #[test]
    fn allocation_is_exact() {
        assert_eq!(allocate(10, &[1, 1, 1]), [4, 3, 3]);
        assert_eq!(allocate(0, &[5, 7]), [0, 0]);
        assert_eq!(allocate(7, &[0, 0]), [0, 0]);
        assert_eq!(allocate(1000, &[10000, 5000]).iter().sum::<i128>(), 1000);
    }

    #[test]
    fn a_discount_above_the_subtotal_is_refused() {
        assert_eq!(
            compute(&[line(1_000, 5_00, 0)], Discount::Amount(5_01)),
            Err(TotalsError::DiscountExceedsSubtotal)
        );
        assert!(compute(&[line(1_000, 5_00, 0)], Discount::Amount(5_00)).is_ok());
        assert!(
            compute(&[line(1_000, 5_00, 0)], Discount::Percent(10_000)).is_ok(),
            "100 %"
        );
    }

    #[test]
    fn sums_that_do_not_fit_are_refused_not_wrapped() {
        let huge = line(1_000_000_000, i64::MAX / 1_000, 10_000);
        assert_eq!(
            compute(&[huge, huge], Discount::None),
            Err(TotalsError::TooLarge)
        );
    }

    #[test]
    fn no_lines_add_up_to_zero() {
        let t = compute(&[], Discount::None).expect("totals");
        assert_eq!((t.subtotal, t.tax, t.total), (0, 0, 0));
        assert!(t.taxes.is_empty());
    }
}
