//! The recurring use cases a freelancer calls, over a store port so they run natively in
//! tests. The sweep's are in [`crate::issue`].

use fin_commercial::money::Currency;
use fin_problem::Fault;
use jiff::civil::Date;
use jiff::Timestamp;

use crate::domain::{parse_id, TemplateFields, TemplateInput};
use crate::error::RecurringError;
use crate::listing::{Cursor, ListQuery, Page};
use crate::template::{due_at, first_from_today, first_not_due, Template, UPCOMING};
pub use fin_idempotency::IdempotencyKey;

/// What a save writes besides the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub paused: bool,
    pub next_period: u32,
    pub next_due_at: Option<String>,
}

/// Where templates are kept (Postgres in production). Every call is scoped to an owner.
pub trait TemplateStore {
    /// The owner's client's default currency: `None` when the owner has no such client,
    /// `Some(None)` when the client has no default.
    fn client_currency(&self, owner: &str, client: &str)
        -> Result<Option<Option<Currency>>, Fault>;
    /// Stores a new template with `key` beside it; fails if the owner used `key` before
    /// (a request racing this one with the same key).
    fn insert(
        &self,
        owner: &str,
        fields: &TemplateFields,
        standing: &Standing,
        key: Option<&IdempotencyKey>,
    ) -> Result<Template, Fault>;
    /// The id of the template an idempotency key made, and the digest of its request.
    fn replay(&self, owner: &str, key: &str) -> Result<Option<(String, String)>, Fault>;
    fn get(&self, owner: &str, id: &str) -> Result<Option<Template>, Fault>;
    /// Writes `fields` and `standing` if the template is still at `current`'s version
    /// and period (a sweep may have moved the period since it was read); `None` if not.
    fn save(
        &self,
        owner: &str,
        current: &Template,
        fields: &TemplateFields,
        standing: &Standing,
    ) -> Result<Option<Template>, Fault>;
    fn delete(&self, owner: &str, id: &str) -> Result<bool, Fault>;
    /// Up to `query.limit + 1` templates, newest first, each with its creation time to
    /// the microsecond (the cursor's key: the API's timestamps are to the second).
    fn list(&self, owner: &str, query: &ListQuery) -> Result<Vec<(Template, String)>, Fault>;
}

/// Rounds of read-then-save before a change that keeps meeting a sweep gives up (503).
const SAVE_ROUNDS: usize = 5;

/// Makes a template — or, under an idempotency key used before for the same request,
/// answers the template that request made. `true` when it was made now.
pub fn create(
    store: &impl TemplateStore,
    owner: &str,
    input: TemplateInput,
    now: Timestamp,
    key: Option<&IdempotencyKey>,
) -> Result<(Template, bool), RecurringError> {
    if let Some(template) = replay(store, owner, key)? {
        return Ok((template, false));
    }
    let mut fields = TemplateFields::create(input).map_err(RecurringError::Invalid)?;
    let default_currency = client_currency(store, owner, &fields.client_id)?;
    if fields.currency.is_none() {
        fields.currency = Some(default_currency.ok_or_else(|| {
            RecurringError::field(
                "currency",
                "is required: the client has no default currency",
            )
        })?);
    }
    let next_period = first_from_today(&fields, now);
    let standing = Standing {
        paused: false,
        next_period,
        next_due_at: due_at(&fields, next_period),
    };
    match store.insert(owner, &fields, &standing, key) {
        Ok(template) => Ok((template, true)),
        // A request with the same key made it first: answer as it was answered.
        Err(fault) => replay(store, owner, key)?
            .map(|template| (template, false))
            .ok_or(RecurringError::Fault(fault)),
    }
}

/// The template `key` made before, if it did: the same request's, else refused by name.
fn replay(
    store: &impl TemplateStore,
    owner: &str,
    key: Option<&IdempotencyKey>,
) -> Result<Option<Template>, RecurringError> {
    fin_idempotency::replay(
        key,
        |key| Ok(store.replay(owner, key)?),
        |id| Ok(store.get(owner, id)?),
    )
}

/// The dates a schedule not saved yet would bring, from today on: what the template's
/// `upcoming` will be once it is saved now. Nothing is read or written; the client is
/// not looked up (only its id's form is checked).
pub fn preview(input: TemplateInput, now: Timestamp) -> Result<Vec<Date>, RecurringError> {
    let fields = TemplateFields::schedule_only(input).map_err(RecurringError::Invalid)?;
    Ok(fields
        .schedule()
        .preview(first_from_today(&fields, now), UPCOMING))
}

pub fn get(
    store: &impl TemplateStore,
    owner: &str,
    raw_id: &str,
) -> Result<Template, RecurringError> {
    let id = parse_id(raw_id).ok_or(RecurringError::NotFound)?;
    store.get(owner, &id)?.ok_or(RecurringError::NotFound)
}

/// Changes what the template says. Its schedule (frequency, start, zone) may change only
/// while no period has been decided: a period's number means a date, and invoices made
/// for the old dates cannot be unmade.
pub fn update(
    store: &impl TemplateStore,
    owner: &str,
    raw_id: &str,
    if_match: Option<i64>,
    input: TemplateInput,
    now: Timestamp,
) -> Result<Template, RecurringError> {
    let touches_schedule = input.touches_schedule();
    let mut current = get(store, owner, raw_id)?;
    check_version(&current, if_match)?;
    let client_before = current.fields.client_id.clone();
    let fields = current
        .fields
        .update(input)
        .map_err(RecurringError::Invalid)?;
    if fields.client_id != client_before {
        client_currency(store, owner, &fields.client_id)?;
    }
    for _ in 0..SAVE_ROUNDS {
        // Checked again after every lost save: a sweep may just have made the first.
        if touches_schedule && current.has_runs() {
            return Err(RecurringError::Conflict(
                "Its invoices have begun: the frequency, start date and time zone can no \
                 longer change. Pause it and create a new recurring invoice instead."
                    .into(),
            ));
        }
        let next_period = match touches_schedule {
            true => first_from_today(&fields, now),
            false => current.next_period,
        };
        let standing = Standing {
            paused: current.paused,
            next_period,
            next_due_at: due_at(&fields, next_period),
        };
        match store.save(owner, &current, &fields, &standing)? {
            Some(saved) => return Ok(saved),
            None => current = reread(store, owner, &current, if_match)?,
        }
    }
    Err(busy())
}

/// Stops making invoices until resumed; periods that fall due meanwhile are not made.
pub fn pause(
    store: &impl TemplateStore,
    owner: &str,
    raw_id: &str,
    if_match: Option<i64>,
) -> Result<Template, RecurringError> {
    set_paused(store, owner, raw_id, if_match, None)
}

/// Makes invoices again from the first period not yet due: those that fell due while it
/// was paused are not made (a pause is the freelancer saying so).
pub fn resume(
    store: &impl TemplateStore,
    owner: &str,
    raw_id: &str,
    if_match: Option<i64>,
    now: Timestamp,
) -> Result<Template, RecurringError> {
    set_paused(store, owner, raw_id, if_match, Some(now))
}

/// Pauses (`resume_at` none) or resumes; either twice is the same as once.
fn set_paused(
    store: &impl TemplateStore,
    owner: &str,
    raw_id: &str,
    if_match: Option<i64>,
    resume_at: Option<Timestamp>,
) -> Result<Template, RecurringError> {
    let mut current = get(store, owner, raw_id)?;
    check_version(&current, if_match)?;
    for _ in 0..SAVE_ROUNDS {
        let paused = resume_at.is_none();
        if current.paused == paused {
            return Ok(current);
        }
        let next_period = match resume_at {
            Some(now) => first_not_due(&current.fields, current.next_period, now),
            None => current.next_period,
        };
        let standing = Standing {
            paused,
            next_period,
            next_due_at: due_at(&current.fields, next_period),
        };
        match store.save(owner, &current, &current.fields, &standing)? {
            Some(saved) => return Ok(saved),
            None => current = reread(store, owner, &current, if_match)?,
        }
    }
    Err(busy())
}

/// Deletes the template: no period is made after; the invoices made stay billing's.
pub fn delete(
    store: &impl TemplateStore,
    owner: &str,
    raw_id: &str,
    if_match: Option<i64>,
) -> Result<(), RecurringError> {
    let current = get(store, owner, raw_id)?;
    check_version(&current, if_match)?;
    match store.delete(owner, &current.id)? {
        true => Ok(()),
        false => Err(RecurringError::NotFound),
    }
}

pub fn list(
    store: &impl TemplateStore,
    owner: &str,
    query: &ListQuery,
) -> Result<Page<Template>, RecurringError> {
    let rows = store.list(owner, query)?;
    let page = Page::from_rows(rows, query.limit, |(template, key)| {
        Cursor {
            key: key.clone(),
            id: template.id.clone(),
        }
        .encode()
    });
    Ok(page.map(|(template, _)| template))
}

fn client_currency(
    store: &impl TemplateStore,
    owner: &str,
    client: &str,
) -> Result<Option<Currency>, RecurringError> {
    store
        .client_currency(owner, client)?
        .ok_or_else(|| RecurringError::field("client_id", "is not one of your clients"))
}

fn check_version(current: &Template, if_match: Option<i64>) -> Result<(), RecurringError> {
    match if_match {
        Some(version) if version != current.version => Err(RecurringError::Stale {
            current: current.version,
        }),
        _ => Ok(()),
    }
}

/// The template again after a save lost to another write: a sweep moving its period is
/// retried; a change by the freelancer is a 412 when `If-Match` pinned the version read.
fn reread(
    store: &impl TemplateStore,
    owner: &str,
    current: &Template,
    if_match: Option<i64>,
) -> Result<Template, RecurringError> {
    let again = store
        .get(owner, &current.id)?
        .ok_or(RecurringError::NotFound)?;
    check_version(&again, if_match)?;
    Ok(again)
}

fn busy() -> RecurringError {
    RecurringError::Fault(Fault::Unavailable(
        "the recurring invoice kept changing under the write".into(),
    ))
}

#[cfg(test)]
mod tests;
