//! `POST /invoices/totals`: what lines and a discount add up to, by the very arithmetic
//! an invoice is stored with, before anything is saved. The editors show it while the
//! freelancer types; a second implementation in the browser would sooner or later round
//! a cent differently from the invoice it becomes.

use fin_commercial::decimal::DecimalText;
use fin_commercial::lines::{parse_discount, parse_lines, totals_error, DiscountInput, LineInput};
use fin_commercial::money::whole_minor_units;
use fin_commercial::totals::{self, Discount, Line};
use fin_problem::FieldError;
use serde::{Deserialize, Serialize};

use crate::invoice::TaxView;

/// What the totals depend on; descriptions do not change a sum, so none is asked for.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TotalsInput {
    pub lines: Option<Vec<PricedLine>>,
    pub discount: Option<DiscountInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PricedLine {
    pub quantity: Option<DecimalText>,
    #[serde(deserialize_with = "whole_minor_units")]
    pub unit_price: Option<i64>,
    pub tax_rate: Option<DecimalText>,
}

/// The totals as an invoice shows them.
#[derive(Debug, Serialize)]
pub struct TotalsView {
    pub line_nets: Vec<i64>,
    pub subtotal: i64,
    pub discount_amount: i64,
    pub taxes: Vec<TaxView>,
    pub tax: i64,
    pub total: i64,
}

/// The totals of `input`, or every field that keeps it from adding up, named as on an
/// invoice (`lines[1].quantity`, `discount`).
pub fn compute(input: TotalsInput) -> Result<TotalsView, Vec<FieldError>> {
    let mut errors = Vec::new();
    let lines = input.lines.map(|lines| {
        lines
            .into_iter()
            .map(|l| LineInput {
                description: Some("line".into()),
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate,
            })
            .collect::<Vec<_>>()
    });
    let parsed = match lines {
        None => {
            errors.push(FieldError::new("lines", "is required"));
            None
        }
        Some(lines) => parse_lines(lines, &mut errors),
    };
    let discount = match input.discount.map(parse_discount).transpose() {
        Ok(discount) => discount.unwrap_or(Discount::None),
        Err(error) => {
            errors.push(error);
            Discount::None
        }
    };
    let (Some(lines), true) = (parsed, errors.is_empty()) else {
        return Err(errors);
    };
    let priced: Vec<Line> = lines.iter().map(|l| l.priced()).collect();
    let totals = totals::compute(&priced, discount).map_err(|e| vec![totals_error(e)])?;
    Ok(TotalsView {
        taxes: TaxView::all(&totals.taxes),
        line_nets: totals.line_nets,
        subtotal: totals.subtotal,
        discount_amount: totals.discount,
        tax: totals.tax,
        total: totals.total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn totals(body: serde_json::Value) -> Result<TotalsView, Vec<FieldError>> {
        compute(serde_json::from_value(body).expect("input"))
    }

    #[test]
    fn the_sums_are_an_invoices() {
        // The flow test's invoice: 10 × 80.00 + 25.50, −10 %, 19 %.
        let view = totals(json!({"lines": [
            {"quantity": "10", "unit_price": 8000, "tax_rate": "19"},
            {"quantity": "1", "unit_price": 2550, "tax_rate": "19"}
        ], "discount": {"percent": "10"}}))
        .expect("adds up");
        assert_eq!(
            (view.subtotal, view.discount_amount, view.tax, view.total),
            (82_550, 8_255, 14_116, 88_411)
        );
        assert_eq!(view.line_nets, [80_000, 2_550]);
        assert_eq!(view.taxes[0].rate, "19");
    }

    #[test]
    fn what_keeps_it_from_adding_up_is_named() {
        let errors = totals(json!({"lines": [{"quantity": "x", "unit_price": 1}],
                                   "discount": {"percent": "101"}}))
        .expect_err("bad");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["lines[0].quantity", "discount.percent"],
            "{errors:?}"
        );
        let errors = totals(json!({})).expect_err("no lines");
        assert_eq!(errors[0].field, "lines");
        let errors = totals(json!({"lines": [{"quantity": "1", "unit_price": 100}],
                                   "discount": {"amount": 101}}))
        .expect_err("more than the subtotal");
        assert_eq!(errors[0].field, "discount");
    }
}
