//! Money paid back to a client against a credit note. A credit on an invoice the client
//! had already paid leaves money owed back (`amount_paid` above what the invoice still
//! charges); a refund records that it was paid back. It moves no balance — what the
//! client owes was settled by the credit — only what is owed back, and it never pays
//! back more than is owed, nor more than its credit note took back.

use fin_commercial::money::whole_minor_units;
use fin_problem::FieldError;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::{NewPayment, PaymentInput};
use crate::invoice::Invoice;

/// A refund as the freelancer records it.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct RefundInput {
    #[serde(deserialize_with = "whole_minor_units")]
    pub amount: Option<i64>,
    /// Defaults to today.
    pub refunded_on: Option<String>,
    pub method: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefund {
    pub credit_note_id: String,
    pub amount: i64,
    pub refunded_on: Date,
    pub method: Option<String>,
    pub reference: Option<String>,
}

/// A refund as billing keeps it beside its credit note (read back as JSON from SQL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub id: String,
    pub amount: i64,
    pub refunded_on: String,
    pub method: Option<String>,
    pub reference: Option<String>,
    pub recorded_at: String,
}

/// Why no refund was decided: the note is not the invoice's, or the body is wrong.
#[derive(Debug, PartialEq, Eq)]
pub enum RefundRefused {
    NoCreditNote,
    Invalid(Vec<FieldError>),
}

impl NewRefund {
    /// Decided against the invoice as it stands, so two refunds at once can never
    /// together pay back more than is owed: the second is decided again on the version
    /// the first left. The body's own fields follow a payment's rules.
    pub fn decide(
        input: &RefundInput,
        note_id: &str,
        invoice: &Invoice,
        today: Date,
    ) -> Result<Self, RefundRefused> {
        let note = invoice
            .credit_notes
            .iter()
            .find(|n| n.id == note_id)
            .ok_or(RefundRefused::NoCreditNote)?;
        // A payment's rules for the amount, method and reference; its date is named
        // after what it dates here.
        let parsed = NewPayment::parse(
            PaymentInput {
                amount: input.amount,
                paid_on: input.refunded_on.clone(),
                method: input.method.clone(),
                reference: input.reference.clone(),
            },
            today,
        )
        .map_err(|errors| {
            RefundRefused::Invalid(
                errors
                    .into_iter()
                    .map(|mut e| {
                        if e.field == "paid_on" {
                            e.field = "refunded_on".into();
                        }
                        e
                    })
                    .collect(),
            )
        })?;
        let amount =
            |message: String| RefundRefused::Invalid(vec![FieldError::new("amount", message)]);
        let owed = invoice.owed_back();
        if owed == 0 {
            return Err(amount(
                "nothing is owed back to the client: a refund follows a credit on money \
                 already paid"
                    .into(),
            ));
        }
        let left = note.total - note.amount_refunded();
        let limit = owed.min(left);
        if parsed.amount > limit {
            let money = |minor: i64| invoice.money_text(minor);
            return Err(amount(if left < owed {
                format!(
                    "must not exceed what credit note {} has left to refund ({})",
                    note.number(),
                    money(left)
                )
            } else {
                format!(
                    "must not exceed what is owed back to the client ({})",
                    money(owed)
                )
            }));
        }
        Ok(NewRefund {
            credit_note_id: note.id.clone(),
            amount: parsed.amount,
            refunded_on: parsed.paid_on,
            method: parsed.method,
            reference: parsed.reference,
        })
    }
}
