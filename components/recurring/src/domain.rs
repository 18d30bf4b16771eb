//! A recurring invoice as a freelancer writes it — what each period's invoice says and
//! when periods come — parsed once. POST and PATCH share every rule: PATCH merges the
//! changes into the stored template and the result is checked again.

use fin_commercial::lines::{
    merge_content, totals_error, Content, DiscountInput, LineInput, LineItem,
};
use fin_commercial::money::Currency;
use fin_commercial::totals::{self, Discount, Line, Totals, TotalsError};
use fin_problem::{FieldError, Text};
use fin_recurrence::{CatchUp, End, Frequency, Schedule};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_with::rust::double_option;

const MAX_NAME: usize = 200;
/// When no terms are given: net 30, like an invoice.
const DEFAULT_TERMS_DAYS: i64 = 30;
const MAX_TERMS_DAYS: i64 = 365;
/// A count beyond this is a schedule without end.
const MAX_COUNT: i64 = 1_000;

/// What a template body may say. `None` is "absent"; for the fields that may be cleared,
/// `Some(None)` is an explicit `null`. Unknown fields are refused: the server owns the
/// state, the next period and the invoices made.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateInput {
    pub name: Option<String>,
    pub client_id: Option<String>,
    /// Absent on create: the client's default currency.
    pub currency: Option<String>,
    pub lines: Option<Vec<LineInput>>,
    #[serde(with = "double_option")]
    pub discount: Option<Option<DiscountInput>>,
    #[serde(with = "double_option")]
    pub notes: Option<Option<String>>,
    pub payment_terms_days: Option<i64>,
    pub frequency: Option<String>,
    pub start_date: Option<String>,
    #[serde(with = "double_option")]
    pub end_date: Option<Option<String>>,
    #[serde(with = "double_option")]
    pub count: Option<Option<i64>>,
    pub time_zone: Option<String>,
    pub catch_up: Option<String>,
    pub send: Option<bool>,
}

impl TemplateInput {
    /// Whether the input changes when periods fall due (not only what they say).
    pub fn touches_schedule(&self) -> bool {
        self.frequency.is_some() || self.start_date.is_some() || self.time_zone.is_some()
    }
}

/// A template's fields, valid together. `currency` is `None` only before the client's
/// default currency has been applied.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateFields {
    pub name: String,
    pub client_id: String,
    pub currency: Option<Currency>,
    pub lines: Vec<LineItem>,
    pub discount: Discount,
    pub notes: Option<String>,
    pub payment_terms_days: i64,
    pub frequency: Frequency,
    pub start_date: Date,
    pub end: End,
    /// An IANA name, checked against the zone database compiled in.
    pub time_zone: String,
    pub catch_up: CatchUp,
    /// Send each invoice at once (billing then e-mails it), or leave it a draft.
    pub send: bool,
}

impl TemplateFields {
    /// A new template: `client_id`, `lines`, `frequency` and `start_date` are required.
    pub fn create(input: TemplateInput) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (present, field) in [
            (input.client_id.is_some(), "client_id"),
            (input.lines.is_some(), "lines"),
            (input.frequency.is_some(), "frequency"),
            (input.start_date.is_some(), "start_date"),
        ] {
            if !present {
                errors.push(FieldError::new(field, "is required"));
            }
        }
        let mut fields = Self::blank().merge(input, &mut errors);
        if fields.name.is_empty() {
            // Named after what it bills until the freelancer names it.
            fields.name = fields
                .lines
                .first()
                .map(|line| line.description.chars().take(MAX_NAME).collect())
                .unwrap_or_default();
        }
        fields.check(&mut errors);
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(errors)
        }
    }

    /// A schedule, as the editor has it before the template is saved: only `frequency`
    /// and `start_date` are required, so the dates show while the rest (client, lines) is
    /// still being typed; whatever else is given is checked as a template's would be.
    pub fn schedule_only(input: TemplateInput) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (present, field) in [
            (input.frequency.is_some(), "frequency"),
            (input.start_date.is_some(), "start_date"),
        ] {
            if !present {
                errors.push(FieldError::new(field, "is required"));
            }
        }
        let fields = Self::blank().merge(input, &mut errors);
        fields.check(&mut errors);
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(errors)
        }
    }

    /// What a template is before any field is given.
    fn blank() -> Self {
        TemplateFields {
            name: String::new(),
            client_id: String::new(),
            currency: None,
            lines: Vec::new(),
            discount: Discount::None,
            notes: None,
            payment_terms_days: DEFAULT_TERMS_DAYS,
            frequency: Frequency::Monthly,
            start_date: Date::constant(2000, 1, 1),
            end: End::Never,
            time_zone: "UTC".into(),
            catch_up: CatchUp::Latest,
            send: false,
        }
    }

    /// The stored template with `input`'s changes applied, checked like a new one.
    pub fn update(&self, input: TemplateInput) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let fields = self.clone().merge(input, &mut errors);
        fields.check(&mut errors);
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(errors)
        }
    }

    /// Applies each field present in `input`, collecting every field's error.
    fn merge(mut self, input: TemplateInput, errors: &mut Vec<FieldError>) -> Self {
        let mut field = |name: &str, result: Result<(), String>| {
            if let Err(message) = result {
                errors.push(FieldError::new(name, message));
            }
        };
        if let Some(raw) = input.name {
            let name = raw.trim().to_owned();
            field(
                "name",
                if name.is_empty() {
                    Err("must not be blank".into())
                } else {
                    Text::Block.check_within(&name, MAX_NAME).map(|()| {
                        self.name = name;
                    })
                },
            );
        }
        if let Some(raw) = input.client_id {
            field(
                "client_id",
                uuid::Uuid::parse_str(raw.trim())
                    .map(|id| self.client_id = id.to_string())
                    .map_err(|_| "must be a client id".into()),
            );
        }
        if let Some(raw) = input.currency {
            field(
                "currency",
                Currency::parse(&raw).map(|c| self.currency = Some(c)),
            );
        }
        if let Some(raw) = input.payment_terms_days {
            field(
                "payment_terms_days",
                if (0..=MAX_TERMS_DAYS).contains(&raw) {
                    self.payment_terms_days = raw;
                    Ok(())
                } else {
                    Err(format!("must be from 0 to {MAX_TERMS_DAYS} days"))
                },
            );
        }
        if let Some(raw) = input.frequency {
            field(
                "frequency",
                parse_frequency(&raw).map(|f| self.frequency = f),
            );
        }
        if let Some(raw) = input.start_date {
            field(
                "start_date",
                parse_date(&raw).and_then(|d| {
                    within_years(d)?;
                    self.start_date = d;
                    Ok(())
                }),
            );
        }
        if let Some(raw) = input.time_zone {
            let name = raw.trim();
            field(
                "time_zone",
                TimeZone::get(name)
                    .map(|_| self.time_zone = name.to_owned())
                    .map_err(|_| "must be an IANA time zone such as Europe/Berlin".into()),
            );
        }
        if let Some(raw) = input.catch_up {
            field("catch_up", parse_catch_up(&raw).map(|c| self.catch_up = c));
        }
        if let Some(send) = input.send {
            self.send = send;
        }
        match (input.end_date, input.count) {
            (Some(Some(_)), Some(Some(_))) => {
                field("count", Err("give an end date or a count, not both".into()))
            }
            (Some(Some(raw)), _) => {
                field("end_date", parse_date(&raw).map(|d| self.end = End::On(d)))
            }
            (_, Some(Some(count))) => field(
                "count",
                match u32::try_from(count) {
                    Ok(n) if (1..=MAX_COUNT).contains(&count) => {
                        self.end = End::After(n);
                        Ok(())
                    }
                    _ => Err(format!("must be from 1 to {MAX_COUNT}")),
                },
            ),
            // An explicit null clears the end it names.
            (Some(None), _) if matches!(self.end, End::On(_)) => self.end = End::Never,
            (_, Some(None)) if matches!(self.end, End::After(_)) => self.end = End::Never,
            _ => {}
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

    /// The rules that tie fields together.
    fn check(&self, errors: &mut Vec<FieldError>) {
        if let End::On(last) = self.end {
            if last < self.start_date {
                errors.push(FieldError::new(
                    "end_date",
                    "must not be before the start date",
                ));
            }
        }
        if !self.lines.is_empty() {
            if let Err(err) = self.totals() {
                errors.push(totals_error(err));
            }
        }
    }

    pub fn totals(&self) -> Result<Totals, TotalsError> {
        let lines: Vec<Line> = self.lines.iter().map(LineItem::priced).collect();
        totals::compute(&lines, self.discount)
    }

    /// When this template's periods fall due.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            frequency: self.frequency,
            first: self.start_date,
            end: self.end,
            // Checked when written; a zone the database no longer knows falls back to UTC
            // rather than stopping the schedule.
            zone: TimeZone::get(&self.time_zone).unwrap_or(TimeZone::UTC),
        }
    }
}

pub fn parse_frequency(raw: &str) -> Result<Frequency, String> {
    match raw {
        "weekly" => Ok(Frequency::Weekly),
        "monthly" => Ok(Frequency::Monthly),
        "quarterly" => Ok(Frequency::Quarterly),
        "yearly" => Ok(Frequency::Yearly),
        _ => Err("must be `weekly`, `monthly`, `quarterly` or `yearly`".into()),
    }
}

pub fn frequency_name(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Weekly => "weekly",
        Frequency::Monthly => "monthly",
        Frequency::Quarterly => "quarterly",
        Frequency::Yearly => "yearly",
    }
}

pub fn parse_catch_up(raw: &str) -> Result<CatchUp, String> {
    match raw {
        "latest" => Ok(CatchUp::Latest),
        "every" => Ok(CatchUp::Every),
        _ => Err("must be `latest` or `every`".into()),
    }
}

pub fn catch_up_name(catch_up: CatchUp) -> &'static str {
    match catch_up {
        CatchUp::Latest => "latest",
        CatchUp::Every => "every",
    }
}

/// An ISO 8601 calendar date, `2026-03-31`, with the message every document gives.
pub fn parse_date(raw: &str) -> Result<Date, String> {
    let raw = raw.trim();
    match raw.len() == 10 {
        true => raw.parse::<Date>().ok(),
        false => None,
    }
    .ok_or_else(|| "must be a date such as 2026-03-31".to_owned())
}

/// The years a schedule may start in: a first date centuries away is a typo, and would
/// have a sweep walk thousands of periods to reach today.
const YEARS: std::ops::RangeInclusive<i16> = 2000..=2199;

fn within_years(date: Date) -> Result<(), String> {
    match YEARS.contains(&date.year()) {
        true => Ok(()),
        false => Err(format!(
            "must be a date from {} to {}",
            YEARS.start(),
            YEARS.end()
        )),
    }
}

/// A template id as a path names it: anything else names no template.
pub fn parse_id(raw: &str) -> Option<String> {
    uuid::Uuid::parse_str(raw).ok().map(|id| id.to_string())
}

#[cfg(test)]
mod tests;
