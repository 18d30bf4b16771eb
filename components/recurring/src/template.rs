//! A stored recurring invoice: its fields, where its schedule stands, the periods made,
//! and how the API shows it.

use fin_commercial::lines::{discount_json, line_json};
use fin_recurrence::End;
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::{catch_up_name, frequency_name, TemplateFields};

/// Dates the API previews.
pub const UPCOMING: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub id: String,
    pub fields: TemplateFields,
    pub paused: bool,
    /// The first period not yet decided.
    pub next_period: u32,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The newest periods decided, newest first (up to a page's worth).
    pub runs: Vec<Run>,
}

/// A period once decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub period: u32,
    pub issue_date: String,
    /// `pending`, `created`, `draft`, `sent`, `skipped` or `failed`.
    pub state: String,
    pub invoice_id: Option<String>,
    /// Why billing refused it, for `failed`.
    pub error: Option<String>,
}

impl Template {
    /// Whether any period was ever decided: the newest are always among those read.
    pub fn has_runs(&self) -> bool {
        !self.runs.is_empty()
    }

    pub fn etag(&self) -> String {
        format!("\"{}\"", self.version)
    }

    /// `paused`, `ended` (no period left) or `active`.
    pub fn status(&self) -> &'static str {
        if self.paused {
            "paused"
        } else if self.fields.schedule().date(self.next_period).is_none() {
            "ended"
        } else {
            "active"
        }
    }

    pub fn view(&self) -> Value {
        let f = &self.fields;
        let schedule = f.schedule();
        let totals = f.totals().ok();
        let (end_date, count) = match f.end {
            End::Never => (None, None),
            End::On(date) => (Some(date.to_string()), None),
            End::After(n) => (None, Some(n)),
        };
        let upcoming: Vec<String> = schedule
            .preview(self.next_period, UPCOMING)
            .iter()
            .map(Date::to_string)
            .collect();
        serde_json::json!({
            "id": self.id,
            "version": self.version,
            "name": f.name,
            "client_id": f.client_id,
            "currency": f.currency.map(|c| c.code()),
            "lines": f.lines.iter().zip(totals.iter().flat_map(|t| t.line_nets.iter()))
                .map(|(line, net)| {
                    let mut json = line_json(line);
                    json["net"] = (*net).into();
                    json
                })
                .collect::<Vec<_>>(),
            "discount": discount_json(f.discount),
            "notes": f.notes,
            "subtotal": totals.as_ref().map(|t| t.subtotal),
            "tax": totals.as_ref().map(|t| t.tax),
            "total": totals.as_ref().map(|t| t.total),
            "payment_terms_days": f.payment_terms_days,
            "frequency": frequency_name(f.frequency),
            "start_date": f.start_date.to_string(),
            "end_date": end_date,
            "count": count,
            "time_zone": f.time_zone,
            "catch_up": catch_up_name(f.catch_up),
            "send": f.send,
            "status": self.status(),
            "next_date": upcoming.first(),
            "upcoming": upcoming,
            "invoices": self.runs,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

/// The first period from `from` on that has not fallen due at `now` (one past the last
/// when the schedule ends first): where a schedule resumes after a pause.
pub fn first_not_due(fields: &TemplateFields, from: u32, now: Timestamp) -> u32 {
    let schedule = fields.schedule();
    let mut n = from;
    // Bounded: twenty years of weeks past any date a freelancer gives.
    for _ in 0..2_000 {
        match schedule.due_at(n) {
            Some(at) if at <= now => n += 1,
            _ => break,
        }
    }
    n
}

/// The first period from `from` on whose day is not before `today` (in the template's
/// zone): where a new schedule starts, so a start date in the past invoices from today on
/// and a start date of today invoices today.
pub fn first_from_today(fields: &TemplateFields, now: Timestamp) -> u32 {
    let schedule = fields.schedule();
    let today = now.to_zoned(schedule.zone.clone()).date();
    let mut n = 0;
    for _ in 0..2_000 {
        match schedule.date(n) {
            Some(date) if date < today => n += 1,
            _ => break,
        }
    }
    n
}

/// When period `next` falls due, as the store keeps it (RFC 3339, UTC); `None` once the
/// schedule has ended.
pub fn due_at(fields: &TemplateFields, next: u32) -> Option<String> {
    fields.schedule().due_at(next).map(|at| at.to_string())
}
