//! The lines and the discount a commercial document is made of, as a freelancer writes
//! them, parsed once into what [`crate::totals`] adds up. An invoice reads them today;
//! a quote and a credit note will read the very same (one set of rules, one set of
//! messages), each naming them under its own `lines` and `discount` fields.

use fin_problem::{FieldError, Text};
use serde::{Deserialize, Serialize};

use crate::decimal::{format_scaled, parse_scaled, DecimalText};
use crate::money::whole_minor_units;
use crate::totals::{Discount, Line, TotalsError};

pub const MAX_LINES: usize = 200;
pub const MAX_DESCRIPTION: usize = 1_000;
/// One million units, in thousandths.
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000_000;
/// A trillion minor units: far above any freelancer's line, far below overflow.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;
/// 100 %, in basis points.
pub const MAX_RATE_BP: i64 = 10_000;
pub const MAX_NOTES: usize = 5_000;

#[derive(Debug, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct LineInput {
    pub description: Option<String>,
    /// Up to three decimals: `1.5` (hours), `"0.25"`.
    pub quantity: Option<DecimalText>,
    /// Minor units of the invoice currency.
    #[serde(deserialize_with = "whole_minor_units")]
    pub unit_price: Option<i64>,
    /// A percentage with up to two decimals: `19`, `"7.7"`. Absent means 0.
    pub tax_rate: Option<DecimalText>,
}

/// Exactly one of `percent` (up to two decimals) or `amount` (minor units).
#[derive(Debug, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DiscountInput {
    pub percent: Option<DecimalText>,
    #[serde(deserialize_with = "whole_minor_units")]
    pub amount: Option<i64>,
}

/// One line after every rule has passed; `Line` is the part totals need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price: i64,
    pub tax_rate_bp: u32,
}

impl LineItem {
    pub fn priced(&self) -> Line {
        Line {
            quantity_milli: self.quantity_milli,
            unit_price: self.unit_price,
            tax_rate_bp: self.tax_rate_bp,
        }
    }
}

/// The field a document's totals refusal is about.
pub fn totals_error(err: TotalsError) -> FieldError {
    match err {
        TotalsError::DiscountExceedsSubtotal => {
            FieldError::new("discount", "must not exceed the subtotal")
        }
        TotalsError::TooLarge => FieldError::new("lines", "add up to more than can be invoiced"),
    }
}

pub fn parse_lines(lines: Vec<LineInput>, errors: &mut Vec<FieldError>) -> Option<Vec<LineItem>> {
    if lines.is_empty() {
        errors.push(FieldError::new("lines", "must have at least one line"));
        return None;
    }
    if lines.len() > MAX_LINES {
        errors.push(FieldError::new(
            "lines",
            format!("must have at most {MAX_LINES} lines"),
        ));
        return None;
    }
    let before = errors.len();
    let parsed: Vec<LineItem> = lines
        .into_iter()
        .enumerate()
        .filter_map(|(i, line)| parse_line(i, line, errors))
        .collect();
    (errors.len() == before).then_some(parsed)
}

fn parse_line(i: usize, line: LineInput, errors: &mut Vec<FieldError>) -> Option<LineItem> {
    let before = errors.len();
    let mut bad = |field: &str, message: String| {
        errors.push(FieldError::new(format!("lines[{i}].{field}"), message));
    };
    let description = match line.description.as_deref().map(str::trim) {
        None | Some("") => {
            bad("description", "is required".into());
            String::new()
        }
        Some(d) => match Text::Block.check_within(d, MAX_DESCRIPTION) {
            Ok(()) => d.to_owned(),
            Err(message) => {
                bad("description", message);
                String::new()
            }
        },
    };
    let quantity_milli = match line.quantity {
        None => {
            bad("quantity", "is required".into());
            0
        }
        Some(DecimalText(raw)) => match parse_scaled(&raw, 3, MAX_QUANTITY_MILLI) {
            Ok(0) => {
                bad("quantity", "must be more than 0".into());
                0
            }
            Ok(q) => q,
            Err(message) => {
                bad("quantity", message);
                0
            }
        },
    };
    let unit_price = match line.unit_price {
        None => {
            bad("unit_price", "is required".into());
            0
        }
        Some(p) if !(0..=MAX_AMOUNT).contains(&p) => {
            bad(
                "unit_price",
                format!("must be from 0 to {MAX_AMOUNT} minor units"),
            );
            0
        }
        Some(p) => p,
    };
    let tax_rate_bp = match line.tax_rate {
        None => 0,
        Some(DecimalText(raw)) => match parse_scaled(&raw, 2, MAX_RATE_BP) {
            Ok(bp) => bp as u32,
            Err(message) => {
                bad("tax_rate", format!("{message} (a percentage)"));
                0
            }
        },
    };
    (errors.len() == before).then_some(LineItem {
        description,
        quantity_milli,
        unit_price,
        tax_rate_bp,
    })
}

pub fn parse_discount(input: DiscountInput) -> Result<Discount, FieldError> {
    match (input.percent, input.amount) {
        (Some(DecimalText(raw)), None) => parse_scaled(&raw, 2, MAX_RATE_BP)
            .map(|bp| Discount::Percent(bp as u32))
            .map_err(|m| FieldError::new("discount.percent", m)),
        (None, Some(amount)) if (0..=MAX_AMOUNT).contains(&amount) => Ok(Discount::Amount(amount)),
        (None, Some(_)) => Err(FieldError::new(
            "discount.amount",
            format!("must be from 0 to {MAX_AMOUNT} minor units"),
        )),
        _ => Err(FieldError::new(
            "discount",
            "must have exactly one of `percent` or `amount`",
        )),
    }
}

/// Where a document keeps what [`merge_content`] writes.
pub struct Content<'a> {
    pub lines: &'a mut Vec<LineItem>,
    pub discount: &'a mut Discount,
    pub notes: &'a mut Option<String>,
}

/// Applies a body's `lines`, `discount` and `notes` where present — an explicit `null`
/// clears the discount or the notes — collecting each field's error: every kind of
/// document (invoice, quote, recurring template) merges them by these same rules.
pub fn merge_content(
    lines: Option<Vec<LineInput>>,
    discount: Option<Option<DiscountInput>>,
    notes: Option<Option<String>>,
    into: Content<'_>,
    errors: &mut Vec<FieldError>,
) {
    if let Some(lines) = lines {
        if let Some(parsed) = parse_lines(lines, errors) {
            *into.lines = parsed;
        }
    }
    if let Some(discount) = discount {
        match discount.map(parse_discount).transpose() {
            Ok(parsed) => *into.discount = parsed.unwrap_or(Discount::None),
            Err(error) => errors.push(error),
        }
    }
    if let Some(notes) = notes {
        match parse_notes(notes) {
            Ok(parsed) => *into.notes = parsed,
            Err(error) => errors.push(error),
        }
    }
}

/// A document's notes as written (free text, trimmed): blank is none.
pub fn parse_notes(notes: Option<String>) -> Result<Option<String>, FieldError> {
    match notes.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) {
        Some(n) => Text::Block
            .check_within(&n, MAX_NOTES)
            .map(|()| Some(n))
            .map_err(|message| FieldError::new("notes", message)),
        None => Ok(None),
    }
}

/// A line as the API writes it in a document body (`quantity` and `tax_rate` as decimal
/// text): what a template keeps and sends back to `POST /invoices` each period, so a
/// line parsed once reads the same when parsed again.
pub fn line_json(line: &LineItem) -> serde_json::Value {
    serde_json::json!({
        "description": line.description,
        "quantity": format_scaled(line.quantity_milli, 3),
        "unit_price": line.unit_price,
        "tax_rate": format_scaled(i64::from(line.tax_rate_bp), 2),
    })
}

/// How a discount is shown: `{"percent": "10"}`, `{"amount": 500}` or `null`.
pub fn discount_json(discount: Discount) -> serde_json::Value {
    match discount {
        Discount::None => serde_json::Value::Null,
        Discount::Percent(bp) => {
            serde_json::json!({ "percent": format_scaled(i64::from(bp), 2) })
        }
        Discount::Amount(amount) => serde_json::json!({ "amount": amount }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_line_written_back_parses_to_the_same_line() {
        let parsed = lines(json!([
            {"description": "Retainer", "quantity": "1.5", "unit_price": 120050, "tax_rate": "7.7"}
        ]))
        .expect("valid");
        let again = lines(serde_json::Value::Array(
            parsed.iter().map(line_json).collect(),
        ))
        .expect("written back");
        assert_eq!(again, parsed);
        assert_eq!(line_json(&parsed[0])["quantity"], "1.5");
    }

    fn lines(value: serde_json::Value) -> Result<Vec<LineItem>, Vec<String>> {
        let input: Vec<LineInput> =
            serde_json::from_value(value).map_err(|e| vec![e.to_string()])?;
        let mut errors = Vec::new();
        parse_lines(input, &mut errors).ok_or_else(|| errors.into_iter().map(|e| e.field).collect())
    }

    #[test]
    fn a_line_is_read_in_thousandths_and_basis_points() {
        let parsed = lines(json!([
            {"description": " Design ", "quantity": 1.5, "unit_price": 8000, "tax_rate": "7.7"},
            {"description": "Hosting", "quantity": "2", "unit_price": 0}
        ]))
        .expect("valid");
        assert_eq!(parsed[0].description, "Design");
        assert_eq!(
            (parsed[0].quantity_milli, parsed[0].tax_rate_bp),
            (1500, 770)
        );
        assert_eq!((parsed[1].quantity_milli, parsed[1].tax_rate_bp), (2000, 0));
    }

    #[test]
    fn every_bad_line_field_is_named_with_its_index() {
        let errors = lines(json!([
            {"description": "ok", "quantity": 1, "unit_price": 1},
            {"quantity": 0, "unit_price": MAX_AMOUNT + 1, "tax_rate": "100.01"}
        ]))
        .expect_err("invalid");
        assert_eq!(
            errors,
            [
                "lines[1].description",
                "lines[1].quantity",
                "lines[1].unit_price",
                "lines[1].tax_rate"
            ]
        );
        assert_eq!(lines(json!([])).expect_err("empty"), ["lines"]);
        let too_many: Vec<_> = (0..=MAX_LINES)
            .map(|_| json!({"description": "x", "quantity": 1, "unit_price": 1}))
            .collect();
        assert_eq!(lines(json!(too_many)).expect_err("too many"), ["lines"]);
    }

    #[test]
    fn a_discount_is_a_percent_or_an_amount_never_both() {
        let discount = |v: serde_json::Value| {
            parse_discount(serde_json::from_value(v).expect("input")).map_err(|e| e.field)
        };
        assert_eq!(
            discount(json!({"percent": "12.5"})),
            Ok(Discount::Percent(1250))
        );
        assert_eq!(discount(json!({"amount": 500})), Ok(Discount::Amount(500)));
        assert_eq!(
            discount(json!({"percent": 5, "amount": 5})),
            Err("discount".into())
        );
        assert_eq!(discount(json!({})), Err("discount".into()));
        assert_eq!(
            discount(json!({"amount": -1})),
            Err("discount.amount".into())
        );
        assert_eq!(
            discount_json(Discount::Percent(1250)),
            json!({"percent": "12.5"})
        );
        assert_eq!(discount_json(Discount::None), serde_json::Value::Null);
    }
}
