//! The sweep: every message the sweeper gets decides the periods that have fallen due
//! and makes the invoices owed, over two ports so it runs natively in tests.
//!
//! Exactly once, in two steps. **Deciding** a period inserts its row in the same
//! statement that moves the template's next period, on the condition that the period has
//! not moved since it was read: of two sweepers only one decides it, and a row's key is
//! (template, period). **Making** an owed row's invoice claims the row with a lease and
//! asks billing with `Idempotency-Key: recurring:<template>:<period>` and the request
//! decided with the period: a sweeper that dies between billing's answer and the row's
//! update is followed by one that asks again and is answered the same invoice.

use fin_problem::Fault;
use jiff::Timestamp;
use serde_json::Value;

use crate::sweep::{decide, Decision};
use crate::template::Template;

/// A period whose invoice is owed (not made, or made and its send owed).
#[derive(Debug, Clone, PartialEq)]
pub struct Owed {
    pub template_id: String,
    pub period: u32,
    pub owner: String,
    /// `POST /invoices`'s body, as decided.
    pub body: Value,
    pub send: bool,
    /// Made already: only its send is owed.
    pub invoice_id: Option<String>,
}

impl Owed {
    /// The same for every attempt, so billing makes one invoice however many ask.
    pub fn key(&self) -> String {
        format!("recurring:{}:{}", self.template_id, self.period)
    }
}

/// Where periods are decided and owed rows kept.
pub trait Periods {
    /// Templates whose next period has fallen due at `now`, up to `limit`, the longest
    /// due first.
    fn due(&self, now: Timestamp, limit: u32) -> Result<Vec<Template>, Fault>;
    /// Writes `decision` if `template`'s next period has not moved and it is still
    /// unpaused at its version; whether it did.
    fn decide(&self, template: &Template, decision: &Decision) -> Result<bool, Fault>;
    /// Owed rows whose lease has run out, each now leased for `lease_seconds`.
    fn claim(&self, limit: u32, lease_seconds: u32) -> Result<Vec<Owed>, Fault>;
    /// The invoice was made, and `done` says how far.
    fn made(&self, owed: &Owed, invoice_id: &str, done: Made) -> Result<(), Fault>;
    /// Billing refused it for good: the freelancer sees why on the template.
    fn failed(&self, owed: &Owed, reason: &str) -> Result<(), Fault>;
    /// It could not be done now: the lease's end is the next attempt.
    fn later(&self, owed: &Owed, reason: &str) -> Result<(), Fault>;
}

/// Where an owed row stands after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    /// Made, its send still owed.
    Created,
    /// Made as a draft, as the template says.
    Draft,
    Sent,
}

impl Made {
    pub fn state(self) -> &'static str {
        match self {
            Made::Created => "created",
            Made::Draft => "draft",
            Made::Sent => "sent",
        }
    }
}

/// Why billing did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Billing, the database or the token rules are not there now: try again.
    Unavailable(String),
    /// Billing said no (the client was deleted, say): asking again changes nothing.
    Refused(String),
}

/// Billing's API, as the template's owner.
pub trait Invoices {
    /// The invoice `body` makes (or made, for the same key): its id.
    fn create(&self, owner: &str, key: &str, body: &Value) -> Result<String, Refusal>;
    /// Sends the invoice (billing then e-mails it); one sent already counts as sent.
    fn send(&self, owner: &str, invoice_id: &str) -> Result<(), Refusal>;
}

/// Templates one message decides at most; the next message decides the rest.
const DUE_PER_MESSAGE: u32 = 200;

/// Decides every period due at `now`: how many templates moved.
pub fn decide_due(periods: &impl Periods, now: Timestamp) -> Result<usize, Fault> {
    let mut decided = 0;
    for template in periods.due(now, DUE_PER_MESSAGE)? {
        let Some(decision) = decide(&template.fields, template.next_period, now) else {
            continue;
        };
        // Lost to another sweeper (or a pause): it decided, or nothing is to be.
        if periods.decide(&template, &decision)? {
            decided += 1;
        }
    }
    Ok(decided)
}

/// What one owed row came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Made(Made, String),
    Failed(String),
    Later(String),
}

/// Makes (and sends) up to `limit` owed invoices.
pub fn make_owed(
    periods: &impl Periods,
    invoices: &impl Invoices,
    limit: u32,
    lease_seconds: u32,
) -> Result<Vec<(Owed, Outcome)>, Fault> {
    let mut outcomes = Vec::new();
    for owed in periods.claim(limit, lease_seconds)? {
        let outcome = make_one(invoices, &owed, |id, made| periods.made(&owed, id, made))?;
        match &outcome {
            Outcome::Made(..) => {}
            Outcome::Failed(reason) => periods.failed(&owed, reason)?,
            Outcome::Later(reason) => periods.later(&owed, reason)?,
        }
        outcomes.push((owed, outcome));
    }
    Ok(outcomes)
}

/// One row: made (its id recorded at once, so a failed send never makes a second), then
/// sent when the template said so.
fn make_one(
    invoices: &impl Invoices,
    owed: &Owed,
    record: impl Fn(&str, Made) -> Result<(), Fault>,
) -> Result<Outcome, Fault> {
    let id = match &owed.invoice_id {
        Some(id) => id.clone(),
        None => match invoices.create(&owed.owner, &owed.key(), &owed.body) {
            Ok(id) => {
                record(
                    &id,
                    if owed.send {
                        Made::Created
                    } else {
                        Made::Draft
                    },
                )?;
                id
            }
            Err(refusal) => return Ok(refused(refusal)),
        },
    };
    if !owed.send {
        return Ok(Outcome::Made(Made::Draft, id));
    }
    match invoices.send(&owed.owner, &id) {
        Ok(()) => {
            record(&id, Made::Sent)?;
            Ok(Outcome::Made(Made::Sent, id))
        }
        Err(refusal) => Ok(refused(refusal)),
    }
}

fn refused(refusal: Refusal) -> Outcome {
    match refusal {
        Refusal::Unavailable(reason) => Outcome::Later(reason),
        Refusal::Refused(reason) => Outcome::Failed(reason),
    }
}

#[cfg(test)]
mod tests;
