//! A credit note, decided against its invoice as it stands. A sent invoice is never
//! edited: what it wrongly charged is taken back by a credit note of its own — the whole
//! invoice, chosen lines (all or part of their quantity), or a net amount at one of the
//! invoice's rates — and never more than is left to credit.

use fin_commercial::dates::{format_date, parse_date};
use fin_commercial::decimal::{format_scaled, parse_scaled, DecimalText};
use fin_commercial::lines::{totals_error, LineItem, MAX_AMOUNT, MAX_LINES, MAX_RATE_BP};
use fin_commercial::money::whole_minor_units;
use fin_commercial::numbering::CREDIT_NOTES;
use fin_commercial::totals::{self, Discount, Totals};
use fin_problem::{FieldError, Text};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::refund::Refund;

use crate::invoice::{Invoice, LineView, TaxView};

const MAX_REASON: usize = 500;

/// What a credit note's body may say; `{}` credits the whole invoice.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CreditInput {
    /// The invoice's lines to credit, by position from 1.
    pub lines: Option<Vec<CreditLineInput>>,
    /// A net amount in minor units, taxed at `tax_rate`.
    #[serde(deserialize_with = "whole_minor_units")]
    pub amount: Option<i64>,
    pub tax_rate: Option<DecimalText>,
    pub reason: Option<String>,
    pub issue_date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditLineInput {
    pub line: usize,
    /// Part of the line's quantity; all of it when absent.
    #[serde(default)]
    pub quantity: Option<DecimalText>,
}

/// A credit note about to be issued: its lines are the invoice's (or one for an amount),
/// its discount the invoice's percentage, so it adds up by the invoice's own rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCreditNote {
    pub issue_date: Date,
    pub lines: Vec<LineItem>,
    pub discount: Discount,
    pub totals: Totals,
    pub reason: Option<String>,
}

impl NewCreditNote {
    /// The credit note `input` asks of `invoice`, every refusal named by its field.
    pub fn decide(
        input: &CreditInput,
        invoice: &Invoice,
        today: Date,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let issue_date = match input.issue_date.as_deref().map(parse_date) {
            None => today,
            Some(Ok(date)) if date < invoice.fields.issue_date => {
                errors.push(FieldError::new(
                    "issue_date",
                    format!(
                        "must not be before the invoice's issue date ({})",
                        format_date(invoice.fields.issue_date)
                    ),
                ));
                today
            }
            Some(Ok(date)) => date,
            Some(Err(message)) => {
                errors.push(FieldError::new("issue_date", message));
                today
            }
        };
        let reason = input
            .reason
            .as_deref()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if let Some(Err(message)) = reason
            .as_deref()
            .map(|r| Text::Line.check_within(r, MAX_REASON))
        {
            errors.push(FieldError::new("reason", message));
        }
        if input.tax_rate.is_some() && input.amount.is_none() {
            errors.push(FieldError::new("tax_rate", "only goes with an amount"));
        }
        let (field, chosen) = match (input.lines.as_deref(), input.amount) {
            (Some(_), Some(_)) => {
                errors.push(FieldError::new(
                    "amount",
                    "give lines or an amount, not both",
                ));
                ("amount", None)
            }
            (None, None) => (
                "lines",
                Some((invoice.fields.lines.clone(), invoice.fields.discount)),
            ),
            (Some(lines), None) => ("lines", chosen_lines(lines, invoice, &mut errors)),
            (None, Some(amount)) => (
                "amount",
                amount_line(amount, input.tax_rate.as_ref(), invoice, &mut errors),
            ),
        };
        let Some((lines, discount)) = chosen.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        let priced: Vec<_> = lines.iter().map(LineItem::priced).collect();
        let totals = totals::compute(&priced, discount).map_err(|e| vec![totals_error(e)])?;
        let left = invoice.totals.total - invoice.amount_credited;
        if totals.total <= 0 {
            return Err(vec![FieldError::new(
                field,
                "credit nothing: the total would be 0",
            )]);
        }
        if totals.total > left {
            let money = |minor: i64| invoice.money_text(minor);
            return Err(vec![FieldError::new(
                field,
                format!(
                    "would credit {}, but only {} of the invoice is left to credit",
                    money(totals.total),
                    money(left)
                ),
            )]);
        }
        Ok(Self {
            issue_date,
            lines,
            discount,
            totals,
            reason,
        })
    }
}

/// The invoice's lines at the positions chosen, each with the quantity credited. A
/// percentage discount applies to them as it did on the invoice; a fixed one cannot be
/// shared out by lines without guessing, so such an invoice is credited whole or by amount.
fn chosen_lines(
    chosen: &[CreditLineInput],
    invoice: &Invoice,
    errors: &mut Vec<FieldError>,
) -> Option<(Vec<LineItem>, Discount)> {
    let count = invoice.fields.lines.len();
    if chosen.is_empty() || chosen.len() > MAX_LINES {
        errors.push(FieldError::new(
            "lines",
            format!("must choose 1 to {count} of the invoice's lines"),
        ));
        return None;
    }
    let discount = match invoice.fields.discount {
        Discount::Amount(_) => {
            errors.push(FieldError::new(
                "lines",
                "the invoice's discount is a fixed amount: credit the whole invoice, or an amount",
            ));
            return None;
        }
        other => other,
    };
    let mut lines = Vec::with_capacity(chosen.len());
    let mut seen = Vec::with_capacity(chosen.len());
    for (i, choice) in chosen.iter().enumerate() {
        let Some(line) = choice
            .line
            .checked_sub(1)
            .and_then(|at| invoice.fields.lines.get(at))
        else {
            errors.push(FieldError::new(
                format!("lines[{i}].line"),
                format!("must be the position of one of the invoice's lines, 1 to {count}"),
            ));
            continue;
        };
        if seen.contains(&choice.line) {
            errors.push(FieldError::new(
                format!("lines[{i}].line"),
                "is chosen twice",
            ));
            continue;
        }
        seen.push(choice.line);
        let quantity = match &choice.quantity {
            None => line.quantity_milli,
            Some(DecimalText(raw)) => match parse_scaled(raw, 3, line.quantity_milli) {
                Ok(q) if q > 0 => q,
                Ok(_) => {
                    errors.push(FieldError::new(
                        format!("lines[{i}].quantity"),
                        "must be more than 0",
                    ));
                    continue;
                }
                Err(_) => {
                    errors.push(FieldError::new(
                        format!("lines[{i}].quantity"),
                        format!(
                            "must be a number more than 0 and at most the line's quantity ({})",
                            format_scaled(line.quantity_milli, 3)
                        ),
                    ));
                    continue;
                }
            },
        };
        lines.push(LineItem {
            quantity_milli: quantity,
            ..line.clone()
        });
    }
    Some((lines, discount))
}

/// One line of `amount` net at `tax_rate`, which must be one of the invoice's rates (the
/// only one, when it has one and none is given): a credit takes back tax that was charged.
fn amount_line(
    amount: i64,
    tax_rate: Option<&DecimalText>,
    invoice: &Invoice,
    errors: &mut Vec<FieldError>,
) -> Option<(Vec<LineItem>, Discount)> {
    if !(1..=MAX_AMOUNT).contains(&amount) {
        errors.push(FieldError::new("amount", "must be more than 0 minor units"));
    }
    let rates: Vec<u32> = invoice.totals.taxes.iter().map(|t| t.rate_bp).collect();
    let shown = || {
        rates
            .iter()
            .map(|bp| format_scaled(i64::from(*bp), 2))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rate = match tax_rate {
        None if rates.len() == 1 => rates.first().copied(),
        None => {
            errors.push(FieldError::new(
                "tax_rate",
                format!("is required: the invoice has the rates {}", shown()),
            ));
            None
        }
        Some(DecimalText(raw)) => match parse_scaled(raw, 2, MAX_RATE_BP) {
            Ok(bp) => match u32::try_from(bp).ok().filter(|bp| rates.contains(bp)) {
                Some(bp) => Some(bp),
                None => {
                    errors.push(FieldError::new(
                        "tax_rate",
                        format!("must be one of the invoice's rates: {}", shown()),
                    ));
                    None
                }
            },
            Err(message) => {
                errors.push(FieldError::new(
                    "tax_rate",
                    format!("must be a percentage: {message}"),
                ));
                None
            }
        },
    };
    let line = LineItem {
        description: format!("Credit on {}", invoice.number()),
        quantity_milli: 1_000,
        unit_price: amount,
        tax_rate_bp: rate?,
    };
    Some((vec![line], Discount::None))
}

/// A credit note as billing keeps it beside its invoice (read back as JSON from SQL).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreditNote {
    pub id: String,
    pub year: i32,
    pub sequence: i64,
    pub issue_date: String,
    pub lines: Vec<LineItem>,
    pub discount_kind: Option<String>,
    pub discount_value: Option<i64>,
    pub subtotal: i64,
    pub discount_amount: i64,
    pub tax: i64,
    pub total: i64,
    pub reason: Option<String>,
    pub issued_at: String,
    /// Money paid back against it, oldest first.
    #[serde(default)]
    pub refunds: Vec<Refund>,
}

impl CreditNote {
    pub fn amount_refunded(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount).sum()
    }

    pub fn number(&self) -> String {
        CREDIT_NOTES.number(self.year, self.sequence.try_into().unwrap_or(u32::MAX))
    }

    fn discount(&self) -> Result<Discount, String> {
        Discount::from_columns(self.discount_kind.as_deref(), self.discount_value)
    }

    /// The API's view: lines like an invoice's, each with its net.
    pub fn view(&self) -> CreditNoteView<'_> {
        let priced: Vec<_> = self.lines.iter().map(LineItem::priced).collect();
        // Stored notes were computed by these rules; should one not add up (or its
        // discount not read back), its lines still show, without nets or a breakdown,
        // rather than hiding the note.
        let derived = self
            .discount()
            .ok()
            .and_then(|discount| totals::compute(&priced, discount).ok());
        let nets = derived
            .as_ref()
            .map(|t| t.line_nets.clone())
            .unwrap_or_default();
        CreditNoteView {
            id: &self.id,
            number: self.number(),
            issue_date: &self.issue_date,
            reason: self.reason.as_deref(),
            lines: self
                .lines
                .iter()
                .enumerate()
                .map(|(i, line)| LineView {
                    description: &line.description,
                    quantity: format_scaled(line.quantity_milli, 3),
                    unit_price: line.unit_price,
                    tax_rate: format_scaled(i64::from(line.tax_rate_bp), 2),
                    net: nets.get(i).copied().unwrap_or_default(),
                })
                .collect(),
            subtotal: self.subtotal,
            discount_amount: self.discount_amount,
            taxes: derived.map(|t| TaxView::all(&t.taxes)).unwrap_or_default(),
            tax: self.tax,
            total: self.total,
            issued_at: &self.issued_at,
            amount_refunded: self.amount_refunded(),
            refunds: &self.refunds,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct CreditNoteView<'a> {
    pub id: &'a str,
    pub number: String,
    pub issue_date: &'a str,
    pub reason: Option<&'a str>,
    pub lines: Vec<LineView<'a>>,
    pub subtotal: i64,
    pub discount_amount: i64,
    pub taxes: Vec<TaxView>,
    pub tax: i64,
    pub total: i64,
    pub issued_at: &'a str,
    pub amount_refunded: i64,
    pub refunds: &'a [Refund],
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;
    use crate::domain::{InvoiceFields, InvoiceInput};
    use crate::status::Status;

    const TODAY: Date = date!(2026 - 03 - 10);

    /// A sent invoice: 2 × 100.00 at 19 % and 1 × 50.00 at 7 %, with `discount`.
    fn invoice(discount: serde_json::Value) -> Invoice {
        let input: InvoiceInput = serde_json::from_value(json!({
            "client_id": "6f1c2b1e-8a7d-4c7e-9f55-0d2b6d0e4a11", "issue_date": "2026-03-01",
            "currency": "EUR", "discount": discount,
            "lines": [
                {"description": "Design", "quantity": 2, "unit_price": 10000, "tax_rate": "19"},
                {"description": "Hosting", "quantity": 1, "unit_price": 5000, "tax_rate": "7"}
            ]
        }))
        .expect("input");
        let fields = InvoiceFields::create(input, TODAY).expect("valid");
        let totals = fields.totals().expect("totals");
        Invoice {
            status: Status::Sent,
            version: 2,
            ..Invoice::new_draft("i".into(), 2026, 7, fields, totals)
        }
    }

    fn decide(body: serde_json::Value, invoice: &Invoice) -> Result<NewCreditNote, Vec<String>> {
        let input: CreditInput = serde_json::from_value(body).expect("input");
        NewCreditNote::decide(&input, invoice, TODAY)
            .map_err(|errors| errors.into_iter().map(|e| e.field).collect())
    }

    #[test]
    fn an_empty_body_credits_the_whole_invoice_to_the_cent() {
        let invoice = invoice(json!({"percent": "10"}));
        let note = decide(json!({}), &invoice).expect("whole");
        assert_eq!(note.totals, invoice.totals);
        assert_eq!(note.issue_date, TODAY);
        assert_eq!(note.discount, Discount::Percent(1000));
    }

    #[test]
    fn chosen_lines_credit_part_of_their_quantity_with_the_invoices_percentage() {
        let invoice = invoice(json!({"percent": "10"}));
        let note = decide(
            json!({"lines": [{"line": 1, "quantity": "0.5"}], "reason": " Half a day cut "}),
            &invoice,
        )
        .expect("part");
        assert_eq!(note.lines.len(), 1);
        assert_eq!(note.lines[0].quantity_milli, 500);
        // 0.5 × 100.00 = 50.00, less 10 % = 45.00, plus 19 % = 8.55.
        assert_eq!((note.totals.subtotal, note.totals.discount), (5000, 500));
        assert_eq!((note.totals.tax, note.totals.total), (855, 5355));
        assert_eq!(note.reason.as_deref(), Some("Half a day cut"));
    }

    #[test]
    fn an_amount_is_credited_at_one_of_the_invoices_rates() {
        let invoice = invoice(json!(null));
        let note = decide(json!({"amount": 1000, "tax_rate": "7"}), &invoice).expect("amount");
        assert_eq!(note.totals.total, 1070);
        assert_eq!(note.lines[0].description, "Credit on INV-2026-0007");
        assert_eq!(
            decide(json!({"amount": 1000}), &invoice),
            Err(vec!["tax_rate".to_owned()]),
            "two rates: which one must be said"
        );
        assert_eq!(
            decide(json!({"amount": 1000, "tax_rate": "16"}), &invoice),
            Err(vec!["tax_rate".to_owned()]),
            "a rate the invoice never charged"
        );
    }

    #[test]
    fn never_more_than_is_left_to_credit() {
        let mut invoice = invoice(json!(null));
        // Total: 200.00 + 38.00 + 50.00 + 3.50 = 291.50.
        assert_eq!(invoice.totals.total, 29150);
        invoice.amount_credited = 29150 - 1070;
        decide(json!({"amount": 1000, "tax_rate": "7"}), &invoice).expect("exactly what is left");
        assert_eq!(
            decide(json!({"amount": 1001, "tax_rate": "7"}), &invoice),
            Err(vec!["amount".to_owned()])
        );
        assert_eq!(decide(json!({}), &invoice), Err(vec!["lines".to_owned()]));
    }

    #[test]
    fn every_bad_field_is_named() {
        let plain = invoice(json!(null));
        let cases = [
            (json!({"lines": []}), "lines"),
            (json!({"lines": [{"line": 0}]}), "lines[0].line"),
            (json!({"lines": [{"line": 3}]}), "lines[0].line"),
            (
                json!({"lines": [{"line": 1}, {"line": 1}]}),
                "lines[1].line",
            ),
            (
                json!({"lines": [{"line": 1, "quantity": "2.5"}]}),
                "lines[0].quantity",
            ),
            (
                json!({"lines": [{"line": 1, "quantity": 0}]}),
                "lines[0].quantity",
            ),
            (json!({"lines": [{"line": 1}], "amount": 5}), "amount"),
            (json!({"amount": 0, "tax_rate": "7"}), "amount"),
            (json!({"tax_rate": "7"}), "tax_rate"),
            (json!({"issue_date": "2026-02-28"}), "issue_date"),
            (json!({"issue_date": "soon"}), "issue_date"),
            (json!({"reason": "a\u{7}b"}), "reason"),
            (json!({"reason": "r".repeat(501)}), "reason"),
        ];
        for (body, field) in cases {
            let refused = decide(body.clone(), &plain).expect_err("refused");
            assert!(
                refused.iter().any(|f| f == field),
                "{body}: expected `{field}`, got {refused:?}"
            );
        }
        let fixed = invoice(json!({"amount": 1000}));
        assert_eq!(
            decide(json!({"lines": [{"line": 1}]}), &fixed),
            Err(vec!["lines".to_owned()]),
            "a fixed discount is not shared out by lines"
        );
        decide(json!({}), &fixed).expect("credited whole");
    }
}
