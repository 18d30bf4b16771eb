//! What a sweep decides for one template at its `now`: which periods become invoices,
//! which the catch-up setting passes over, and the exact request each invoice is made
//! with. Pure: the store applies a decision with a compare-and-set on the period it
//! started from, so of two sweepers only one decides a period.

use fin_commercial::lines::{discount_json, line_json};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde_json::Value;

use crate::domain::TemplateFields;
use crate::template::due_at;

/// A sweep's decision for one template.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The first period not decided after it.
    pub next: u32,
    /// When that period falls due (RFC 3339); `None` once the schedule has ended.
    pub next_due_at: Option<String>,
    pub runs: Vec<NewRun>,
}

/// A period decided.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    pub period: u32,
    pub issue_date: Date,
    /// `POST /invoices`'s body; `None` for a period passed over.
    pub body: Option<Value>,
    /// Sent once made (decided now, so a later change of the setting cannot make an
    /// invoice half one and half the other).
    pub send: bool,
}

/// The periods from `next` on that have fallen due at `now`; `None` when none has.
pub fn decide(fields: &TemplateFields, next: u32, now: Timestamp) -> Option<Decision> {
    let schedule = fields.schedule();
    let sweep = schedule.sweep(next, now, fields.catch_up);
    if sweep.create.is_empty() && sweep.skip.is_empty() {
        return None;
    }
    let mut runs: Vec<NewRun> = Vec::new();
    for (period, make) in sweep
        .skip
        .iter()
        .map(|p| (*p, false))
        .chain(sweep.create.iter().map(|p| (*p, true)))
    {
        // Every period the sweep names has a date.
        let Some(issue_date) = schedule.date(period) else {
            continue;
        };
        runs.push(NewRun {
            period,
            issue_date,
            body: make.then(|| invoice_body(fields, issue_date)),
            send: make && fields.send,
        });
    }
    runs.sort_by_key(|run| run.period);
    Some(Decision {
        next: sweep.next,
        next_due_at: due_at(fields, sweep.next),
        runs,
    })
}

/// The invoice a period becomes: the template's client, lines and terms, dated the
/// period's day, due `payment_terms_days` after it.
pub fn invoice_body(fields: &TemplateFields, issue_date: Date) -> Value {
    let due_date = issue_date
        .checked_add(fields.payment_terms_days.days())
        .unwrap_or(issue_date);
    serde_json::json!({
        "client_id": fields.client_id,
        "currency": fields.currency.map(|c| c.code()),
        "issue_date": issue_date.to_string(),
        "due_date": due_date.to_string(),
        "lines": fields.lines.iter().map(line_json).collect::<Vec<_>>(),
        "discount": discount_json(fields.discount),
        "notes": fields.notes,
    })
}
