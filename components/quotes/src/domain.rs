//! A quote as a freelancer writes it — client, lines, discount, notes, the day it is
//! issued and the day it is valid until — and the client's answer to it, each parsed
//! once. POST and PATCH share every rule: PATCH merges the changes into the stored
//! draft and the result is checked again.

use fin_commercial::dates::parse_date;
use fin_commercial::lines::{
    merge_content, totals_error, Content, DiscountInput, LineInput, LineItem,
};
use fin_commercial::money::Currency;
use fin_commercial::totals::{self, Discount, Totals, TotalsError};
use fin_problem::{FieldError, Text};
use serde::Deserialize;
use serde_with::rust::double_option;
use time::{Date, Duration};

/// When no valid-until date is given: a month from the issue date.
pub const DEFAULT_VALID_DAYS: i64 = 30;
/// A quote binds its author; a year is as long as one may.
pub const MAX_VALID_DAYS: i64 = 365;
/// The name a client types to accept: a person's name, not an essay.
pub const MAX_NAME: usize = 200;
/// A note with an acceptance, or a reason with a refusal.
pub const MAX_NOTE: usize = 2_000;

/// What a quote body may say. `None` is "absent"; for the fields that may be cleared,
/// `Some(None)` is an explicit `null`. Unknown fields are refused: the server owns the
/// number, the state, the answer and the invoice.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuoteInput {
    pub client_id: Option<String>,
    /// Absent on create: the client's default currency.
    pub currency: Option<String>,
    pub lines: Option<Vec<LineInput>>,
    #[serde(with = "double_option")]
    pub discount: Option<Option<DiscountInput>>,
    #[serde(with = "double_option")]
    pub notes: Option<Option<String>>,
    /// Absent on create: today.
    pub issue_date: Option<String>,
    /// Absent on create: 30 days after the issue date.
    pub valid_until: Option<String>,
}

/// A quote's fields, valid together. `currency` is `None` only before the client's
/// default currency has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteFields {
    pub client_id: String,
    pub currency: Option<Currency>,
    pub lines: Vec<LineItem>,
    pub discount: Discount,
    pub notes: Option<String>,
    pub issue_date: Date,
    pub valid_until: Date,
}

impl QuoteFields {
    /// A new quote: `client_id` and `lines` are required.
    pub fn create(input: QuoteInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (present, field) in [
            (input.client_id.is_some(), "client_id"),
            (input.lines.is_some(), "lines"),
        ] {
            if !present {
                errors.push(FieldError::new(field, "is required"));
            }
        }
        let valid_given = input.valid_until.is_some();
        let blank = QuoteFields {
            client_id: String::new(),
            currency: None,
            lines: Vec::new(),
            discount: Discount::None,
            notes: None,
            issue_date: today,
            valid_until: today,
        };
        let mut fields = blank.merge(input, &mut errors);
        if !valid_given {
            fields.valid_until = fields
                .issue_date
                .checked_add(Duration::days(DEFAULT_VALID_DAYS))
                .unwrap_or(fields.issue_date);
        }
        fields.check(&mut errors);
        finish(fields, errors)
    }

    /// The stored draft with `input`'s changes applied, checked like a new one.
    pub fn update(&self, input: QuoteInput) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let fields = self.clone().merge(input, &mut errors);
        fields.check(&mut errors);
        finish(fields, errors)
    }

    /// Applies each field present in `input`, collecting every field's error.
    fn merge(mut self, input: QuoteInput, errors: &mut Vec<FieldError>) -> Self {
        let mut field = |name: &str, result: Result<(), String>| {
            if let Err(message) = result {
                errors.push(FieldError::new(name, message));
            }
        };
        if let Some(raw) = input.client_id {
            field(
                "client_id",
                parse_id(raw.trim())
                    .map(|id| self.client_id = id)
                    .ok_or_else(|| "must be a client id".into()),
            );
        }
        if let Some(raw) = input.currency {
            field(
                "currency",
                Currency::parse(&raw).map(|c| self.currency = Some(c)),
            );
        }
        if let Some(raw) = input.issue_date {
            field("issue_date", parse_date(&raw).map(|d| self.issue_date = d));
        }
        if let Some(raw) = input.valid_until {
            field(
                "valid_until",
                parse_date(&raw).map(|d| self.valid_until = d),
            );
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
        self
    }

    /// The rules between fields, once each field has parsed.
    fn check(&self, errors: &mut Vec<FieldError>) {
        if errors.iter().any(|e| e.field.starts_with("valid_until")) {
            return;
        }
        let days = (self.valid_until - self.issue_date).whole_days();
        if days < 0 {
            errors.push(FieldError::new(
                "valid_until",
                "must not be before the issue date",
            ));
        } else if days > MAX_VALID_DAYS {
            errors.push(FieldError::new(
                "valid_until",
                format!("must be within {MAX_VALID_DAYS} days of the issue date"),
            ));
        }
        if errors.iter().any(|e| e.field.starts_with("lines")) {
            return;
        }
        if let Err(e) = self.totals() {
            errors.push(totals_error(e));
        }
    }

    pub fn totals(&self) -> Result<Totals, TotalsError> {
        let lines: Vec<_> = self.lines.iter().map(LineItem::priced).collect();
        totals::compute(&lines, self.discount)
    }
}

fn finish(fields: QuoteFields, errors: Vec<FieldError>) -> Result<QuoteFields, Vec<FieldError>> {
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

/// An id as Postgres keeps it; anything else names nothing of the caller's.
pub fn parse_id(raw: &str) -> Option<String> {
    uuid::Uuid::parse_str(raw).ok().map(|id| id.to_string())
}

/// Where a quote stands. `Expired` is never stored: a sent quote reads as expired once
/// its valid-until date has passed (UTC), and can no longer be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Sent,
    Accepted,
    Declined,
    Expired,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Sent => "sent",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Expired => "expired",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Status::Draft,
            Status::Sent,
            Status::Accepted,
            Status::Declined,
            Status::Expired,
        ]
        .into_iter()
        .find(|s| s.name() == raw)
    }
}

/// The client's answer, as sent from the quote's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Accepted by the name typed, with an optional note.
    Accept { name: String, note: Option<String> },
    /// Declined, with an optional reason.
    Decline { reason: Option<String> },
}

/// An answer's body: `{"name": …, "note": …}` to accept, `{"reason": …}` to decline
/// (JSON, or the page's form).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerInput {
    pub name: Option<String>,
    pub note: Option<String>,
    pub reason: Option<String>,
}

impl AnswerInput {
    pub fn accept(self) -> Result<Answer, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.reason.is_some() {
            errors.push(FieldError::new("reason", "is for declining a quote"));
        }
        let name = match self.name.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push(FieldError::new(
                    "name",
                    "is required: type your name to accept",
                ));
                String::new()
            }
            Some(name) => match Text::Line.check_within(name, MAX_NAME) {
                Ok(()) => name.to_owned(),
                Err(message) => {
                    errors.push(FieldError::new("name", message));
                    String::new()
                }
            },
        };
        let note = free_text("note", self.note, &mut errors);
        match errors.is_empty() {
            true => Ok(Answer::Accept { name, note }),
            false => Err(errors),
        }
    }

    pub fn decline(self) -> Result<Answer, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (given, field) in [(self.name.is_some(), "name"), (self.note.is_some(), "note")] {
            if given {
                errors.push(FieldError::new(field, "is for accepting a quote"));
            }
        }
        let reason = free_text("reason", self.reason, &mut errors);
        match errors.is_empty() {
            true => Ok(Answer::Decline { reason }),
            false => Err(errors),
        }
    }
}

/// Optional free text: trimmed, blank is none.
fn free_text(field: &str, raw: Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let text = raw.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())?;
    match Text::Block.check_within(&text, MAX_NOTE) {
        Ok(()) => Some(text),
        Err(message) => {
            errors.push(FieldError::new(field, message));
            None
        }
    }
}

#[cfg(test)]
mod tests;
