//! An invoice as a freelancer writes it, parsed once. POST and PATCH share every rule:
//! PATCH merges the changes into the stored draft and the result is checked again.

use fin_problem::{FieldError, Text};
use serde::Deserialize;
use serde_with::rust::double_option;
use time::{Date, Duration};

use fin_commercial::dates::parse_date;
use fin_commercial::lines::{
    merge_content, totals_error, Content, DiscountInput, LineInput, LineItem,
};
use fin_commercial::money::{whole_minor_units, Currency};
use fin_commercial::totals::{self, Discount, Line, Totals, TotalsError};

/// When no due date is given: net 30.
const DEFAULT_TERM_DAYS: i64 = 30;

/// What an invoice body may say. `None` is "absent"; for `discount` and `notes`,
/// `Some(None)` is an explicit `null` that clears them on PATCH. Unknown fields —
/// `number`, `status`, totals, timestamps included — are refused: the server owns them.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InvoiceInput {
    pub client_id: Option<String>,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub currency: Option<String>,
    pub lines: Option<Vec<LineInput>>,
    #[serde(with = "double_option")]
    pub discount: Option<Option<DiscountInput>>,
    #[serde(with = "double_option")]
    pub notes: Option<Option<String>>,
}

/// An invoice's editable fields, valid together. `currency` is `None` only before the
/// client's default currency has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFields {
    pub client_id: String,
    pub issue_date: Date,
    pub due_date: Date,
    pub currency: Option<Currency>,
    pub lines: Vec<LineItem>,
    pub discount: Discount,
    pub notes: Option<String>,
}

impl InvoiceFields {
    /// A new invoice: `client_id` and at least one line are required; the issue date
    /// defaults to `today` and the due date to 30 days after it.
    pub fn create(input: InvoiceInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if input.client_id.is_none() {
            errors.push(FieldError::new("client_id", "is required"));
        }
        if input.lines.is_none() {
            errors.push(FieldError::new("lines", "is required"));
        }
        let blank = InvoiceFields {
            client_id: String::new(),
            issue_date: today,
            due_date: today,
            currency: None,
            lines: Vec::new(),
            discount: Discount::None,
            notes: None,
        };
        let due_given = input.due_date.is_some();
        match blank.merge(input, &mut errors) {
            Some(mut fields) if errors.is_empty() => {
                if !due_given {
                    fields.due_date = fields.issue_date + Duration::days(DEFAULT_TERM_DAYS);
                }
                fields.check(&mut errors);
                if errors.is_empty() {
                    Ok(fields)
                } else {
                    Err(errors)
                }
            }
            _ => Err(errors),
        }
    }

    /// The stored draft with `input`'s changes applied, checked like a new invoice.
    pub fn update(&self, input: InvoiceInput) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        match self.clone().merge(input, &mut errors) {
            Some(fields) if errors.is_empty() => {
                fields.check(&mut errors);
                if errors.is_empty() {
                    Ok(fields)
                } else {
                    Err(errors)
                }
            }
            _ => Err(errors),
        }
    }

    /// Applies each field present in `input`, collecting every field's error.
    fn merge(mut self, input: InvoiceInput, errors: &mut Vec<FieldError>) -> Option<Self> {
        if let Some(raw) = input.client_id {
            match uuid::Uuid::parse_str(raw.trim()) {
                Ok(id) => self.client_id = id.to_string(),
                Err(_) => errors.push(FieldError::new("client_id", "must be a client id")),
            }
        }
        if let Some(raw) = input.issue_date {
            match parse_date(&raw) {
                Ok(date) => self.issue_date = date,
                Err(message) => errors.push(FieldError::new("issue_date", message)),
            }
        }
        if let Some(raw) = input.due_date {
            match parse_date(&raw) {
                Ok(date) => self.due_date = date,
                Err(message) => errors.push(FieldError::new("due_date", message)),
            }
        }
        if let Some(raw) = input.currency {
            match Currency::parse(&raw) {
                Ok(currency) => self.currency = Some(currency),
                Err(message) => errors.push(FieldError::new("currency", message)),
            }
        }
        merge_content(
            input.lines,
            input.discount,
            input.notes,
            Content {
                lines: &mut self.lines,
                discount: &mut self.discount,
                notes: &mut self.notes,
            },
            errors,
        );
        Some(self)
    }

    /// The rules that tie fields together.
    fn check(&self, errors: &mut Vec<FieldError>) {
        if self.due_date < self.issue_date {
            errors.push(FieldError::new(
                "due_date",
                "must not be before the issue date",
            ));
        }
        if let Err(err) = self.totals() {
            errors.push(totals_error(err));
        }
    }

    pub fn totals(&self) -> Result<Totals, TotalsError> {
        let lines: Vec<Line> = self.lines.iter().map(LineItem::priced).collect();
        totals::compute(&lines, self.discount)
    }
}

/// A payment as recorded by the freelancer.
#[derive(Debug, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentInput {
    #[serde(deserialize_with = "whole_minor_units")]
    pub amount: Option<i64>,
    /// Defaults to today.
    pub paid_on: Option<String>,
    pub method: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// The money received, in minor units.
    pub amount: i64,
    /// The part of `amount` above the balance (only a provider's payment has any).
    pub overpaid: i64,
    pub paid_on: Date,
    pub method: Option<String>,
    pub reference: Option<String>,
    pub source: PaymentSource,
}

/// Who recorded a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentSource {
    /// The freelancer, by hand.
    Manual,
    /// Stripe's webhook; `payment_ref` is Stripe's id for the money (`pi_…`).
    Stripe { payment_ref: String },
}

impl PaymentSource {
    pub fn name(&self) -> &'static str {
        match self {
            PaymentSource::Manual => "manual",
            PaymentSource::Stripe { .. } => "stripe",
        }
    }

    pub fn payment_ref(&self) -> Option<&str> {
        match self {
            PaymentSource::Manual => None,
            PaymentSource::Stripe { payment_ref } => Some(payment_ref),
        }
    }
}

impl NewPayment {
    /// Checks the payment's own fields; whether it fits the invoice is the status rules'.
    pub fn parse(input: PaymentInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let amount = match input.amount {
            None => {
                errors.push(FieldError::new("amount", "is required"));
                0
            }
            Some(a) if a <= 0 => {
                errors.push(FieldError::new("amount", "must be more than 0 minor units"));
                0
            }
            Some(a) => a,
        };
        let paid_on = match input.paid_on.as_deref().map(parse_date) {
            None => today,
            Some(Ok(date)) => date,
            Some(Err(message)) => {
                errors.push(FieldError::new("paid_on", message));
                today
            }
        };
        let mut short = |field: &str, value: Option<String>, max: usize| {
            let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            if let Some(Err(message)) = value.as_deref().map(|v| Text::Line.check_within(v, max)) {
                errors.push(FieldError::new(field, message));
            }
            value
        };
        let method = short("method", input.method, 50);
        let reference = short("reference", input.reference, 200);
        if errors.is_empty() {
            Ok(Self {
                amount,
                overpaid: 0,
                paid_on,
                method,
                reference,
                source: PaymentSource::Manual,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 03 - 01);
    const CLIENT: &str = "6f1c2b1e-8a7d-4c7e-9f55-0d2b6d0e4a11";

    fn input(value: serde_json::Value) -> InvoiceInput {
        serde_json::from_value(value).expect("input")
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_minimal_invoice_gets_dates_by_default() {
        let invoice = InvoiceFields::create(
            input(json!({"client_id": CLIENT, "lines": [
                {"description": "Design", "quantity": 1.5, "unit_price": 8000, "tax_rate": "19"}
            ]})),
            TODAY,
        )
        .expect("valid");
        assert_eq!(invoice.issue_date, TODAY);
        assert_eq!(invoice.due_date, date!(2026 - 03 - 31));
        assert_eq!(invoice.lines[0].quantity_milli, 1500);
        assert_eq!(invoice.lines[0].tax_rate_bp, 1900);
        assert_eq!(invoice.currency, None, "filled in from the client later");
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = InvoiceFields::create(
            input(json!({
                "client_id": "nope", "issue_date": "2026-02-30", "currency": "EURO",
                "lines": [
                    {"description": " ", "quantity": 0, "unit_price": -1, "tax_rate": 101},
                    {"description": "ok", "quantity": "1.0001", "unit_price": 1}
                ],
                "discount": {"percent": 5, "amount": 5}
            })),
            TODAY,
        )
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            [
                "client_id",
                "issue_date",
                "currency",
                "lines[0].description",
                "lines[0].quantity",
                "lines[0].unit_price",
                "lines[0].tax_rate",
                "lines[1].quantity",
                "discount"
            ]
        );
    }

    #[test]
    fn required_fields_and_cross_field_rules() {
        let errors = InvoiceFields::create(input(json!({})), TODAY).expect_err("invalid");
        assert_eq!(fields(&errors), ["client_id", "lines"]);
        let errors = InvoiceFields::create(
            input(json!({"client_id": CLIENT, "lines": [], "due_date": "2026-01-01"})),
            TODAY,
        )
        .expect_err("invalid");
        assert_eq!(fields(&errors), ["lines"]);
        let errors = InvoiceFields::create(
            input(
                json!({"client_id": CLIENT, "due_date": "2026-02-01", "lines": [
                {"description": "x", "quantity": 1, "unit_price": 100}
            ], "discount": {"amount": 101}}),
            ),
            TODAY,
        )
        .expect_err("invalid");
        assert_eq!(fields(&errors), ["due_date", "discount"]);
    }

    #[test]
    fn patch_merges_and_null_clears() {
        let draft = InvoiceFields::create(
            input(
                json!({"client_id": CLIENT, "notes": "thanks", "discount": {"percent": "5"},
                "lines": [{"description": "x", "quantity": 1, "unit_price": 100}]}),
            ),
            TODAY,
        )
        .expect("valid");
        let updated = draft
            .update(input(
                json!({"notes": null, "discount": null, "due_date": "2026-04-15"}),
            ))
            .expect("valid");
        assert_eq!(updated.notes, None);
        assert_eq!(updated.discount, Discount::None);
        assert_eq!(updated.due_date, date!(2026 - 04 - 15));
        assert_eq!(updated.lines, draft.lines);
        let errors = draft
            .update(input(json!({"issue_date": "2026-05-01"})))
            .expect_err("due before issue");
        assert_eq!(fields(&errors), ["due_date"]);
    }

    #[test]
    fn payments_are_positive_with_short_notes() {
        let ok: PaymentInput = serde_json::from_value(json!({"amount": 500})).expect("input");
        let payment = NewPayment::parse(ok, TODAY).expect("valid");
        assert_eq!((payment.amount, payment.paid_on), (500, TODAY));
        let bad: PaymentInput = serde_json::from_value(
            json!({"amount": 0, "paid_on": "yesterday", "method": "x".repeat(51)}),
        )
        .expect("input");
        let errors = NewPayment::parse(bad, TODAY).expect_err("invalid");
        assert_eq!(fields(&errors), ["amount", "paid_on", "method"]);
    }
}
