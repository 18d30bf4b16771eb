//! The quote use cases, over two ports so they run natively in tests: the freelancer's
//! (write, send, share, convert) and the client's (open a link, answer once).

use fin_commercial::lines::{discount_json, line_json};
use fin_commercial::money::Currency;
use fin_problem::Fault;
use serde_json::Value;
use time::Date;

use crate::domain::{parse_id, Answer, QuoteFields, QuoteInput, Status};
use crate::error::QuoteError;
use crate::listing::{Cursor, ListQuery, Page};
use crate::notice::{invitation, notice, Invitation, Notice};
use crate::quote::{Link, Parties, Quote};
pub use fin_idempotency::IdempotencyKey;

/// Where quotes and their links are kept (Postgres in production). The freelancer's
/// calls are scoped to an owner; the client's reach a quote by its link's digest alone.
pub trait QuoteStore {
    /// The owner's client's default currency: `None` when the owner has no such client
    /// (or it is archived), `Some(None)` when the client has no default.
    fn client_currency(&self, owner: &str, client: &str)
        -> Result<Option<Option<Currency>>, Fault>;
    /// Numbers the quote in its issue year's series and stores it as a draft, with `key`
    /// beside it; fails, numbering nothing, if the owner used `key` before (a request
    /// racing this one with the same key).
    fn insert(
        &self,
        owner: &str,
        fields: &QuoteFields,
        key: Option<&IdempotencyKey>,
    ) -> Result<Quote, Fault>;
    /// The id of the quote an idempotency key made, and the digest of its request.
    fn replay(&self, owner: &str, key: &str) -> Result<Option<(String, String)>, Fault>;
    fn get(&self, owner: &str, id: &str) -> Result<Option<Quote>, Fault>;
    /// Writes `fields` if the quote is still a draft at `current`'s version; `None` if
    /// not.
    fn save(
        &self,
        owner: &str,
        current: &Quote,
        fields: &QuoteFields,
    ) -> Result<Option<Quote>, Fault>;
    /// Marks the quote sent if it is still a draft at `current`'s version, and — when
    /// its client has an e-mail address then — records the address and owes them
    /// `invitation` with its link, in the same step. `None` if not a draft any more.
    fn send(
        &self,
        owner: &str,
        current: &Quote,
        invitation: &Invitation,
    ) -> Result<Option<Quote>, Fault>;
    /// The quote's seller and client as the directories publish them now.
    fn parties(&self, quote: &Quote) -> Result<Parties, Fault>;
    /// Hides a draft at `current`'s version (its number stays taken); whether it did.
    fn delete(&self, owner: &str, current: &Quote) -> Result<bool, Fault>;
    /// Up to `query.limit + 1` quotes, newest number first; `today` reads `expired`.
    fn list(&self, owner: &str, query: &ListQuery, today: Date) -> Result<Vec<Quote>, Fault>;
    fn add_link(&self, owner: &str, quote_id: &str, digest: &str) -> Result<Link, Fault>;
    fn revoke_link(&self, owner: &str, quote_id: &str, link_id: &str) -> Result<bool, Fault>;
    /// The quote a working link opens (not revoked).
    fn open(&self, digest: &str) -> Result<Option<Quote>, Fault>;
    /// Records `answer` — and `notice`, the e-mail it owes the freelancer — if the link
    /// works and its quote is sent and valid on `today`: one compare-and-set, so of two
    /// answers only one is recorded and one e-mail owed. `None` if not.
    fn answer(
        &self,
        digest: &str,
        answer: &Answer,
        address: Option<&str>,
        today: Date,
        notice: &Notice,
    ) -> Result<Option<Quote>, Fault>;
    /// Links the invoice an accepted quote became, if none is linked yet; the quote as
    /// it then stands.
    fn converted(&self, owner: &str, quote_id: &str, invoice_id: &str) -> Result<Quote, Fault>;
}

/// Billing, as a quote's conversion asks it for a draft invoice.
pub trait Invoices {
    /// Makes the draft `body` describes, once per `key`: asked again with the same key,
    /// billing answers the invoice it made the first time. Its id.
    fn create(&self, key: &str, body: &Value) -> Result<String, Refusal>;
}

/// Why billing made no invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Billing refused the request (the client archived since): its words.
    Refused(String),
    /// Billing is not there now: try again.
    Unavailable(String),
}

/// Makes a draft — or, under an idempotency key used before for the same request, answers
/// the quote that request made. `true` when it was made now.
pub fn create(
    store: &impl QuoteStore,
    owner: &str,
    input: QuoteInput,
    today: Date,
    key: Option<&IdempotencyKey>,
) -> Result<(Quote, bool), QuoteError> {
    if let Some(quote) = replay(store, owner, key)? {
        return Ok((quote, false));
    }
    let mut fields = QuoteFields::create(input, today).map_err(QuoteError::Invalid)?;
    let default_currency = client_currency(store, owner, &fields.client_id)?;
    if fields.currency.is_none() {
        fields.currency = Some(default_currency.ok_or_else(|| {
            QuoteError::field(
                "currency",
                "is required: the client has no default currency",
            )
        })?);
    }
    match store.insert(owner, &fields, key) {
        Ok(quote) => Ok((quote, true)),
        // A request with the same key made it first: answer as it was answered.
        Err(fault) => replay(store, owner, key)?
            .map(|quote| (quote, false))
            .ok_or(QuoteError::Fault(fault)),
    }
}

/// The quote `key` made before, if it did: the same request's, else refused by name.
fn replay(
    store: &impl QuoteStore,
    owner: &str,
    key: Option<&IdempotencyKey>,
) -> Result<Option<Quote>, QuoteError> {
    fin_idempotency::replay(
        key,
        |key| Ok(store.replay(owner, key)?),
        |id| Ok(store.get(owner, id)?),
    )
}

pub fn get(store: &impl QuoteStore, owner: &str, raw_id: &str) -> Result<Quote, QuoteError> {
    let id = parse_id(raw_id).ok_or(QuoteError::NotFound)?;
    store.get(owner, &id)?.ok_or(QuoteError::NotFound)
}

/// Changes what a draft says; a sent quote is what the client saw and stays so.
pub fn update(
    store: &impl QuoteStore,
    owner: &str,
    raw_id: &str,
    if_match: Option<i64>,
    input: QuoteInput,
) -> Result<Quote, QuoteError> {
    let current = draft(store, owner, raw_id, if_match, "changed")?;
    let client_before = current.fields.client_id.clone();
    let fields = current.fields.update(input).map_err(QuoteError::Invalid)?;
    if fields.client_id != client_before {
        client_currency(store, owner, &fields.client_id)?;
    }
    store
        .save(owner, &current, &fields)?
        .ok_or_else(|| changed(store, owner, &current.id))
}

/// A link made for an e-mail: its token's digest, and its URL (which holds the token).
pub struct NewLink {
    pub digest: String,
    pub url: String,
}

/// Sends a draft: from here its lines and dates are fixed, and a link may show it. A
/// client with an e-mail address is e-mailed the quote with `link` (made only then);
/// the answer says whether it was sent now (`false`: it had been, nothing was done).
pub fn send(
    store: &impl QuoteStore,
    owner: &str,
    raw_id: &str,
    if_match: Option<i64>,
    today: Date,
    link: NewLink,
) -> Result<(Quote, bool), QuoteError> {
    let current = get(store, owner, raw_id)?;
    check_version(&current, if_match)?;
    if current.stored == Status::Sent {
        // Sent twice is sent once.
        return Ok((current, false));
    }
    ensure_draft(&current, "sent")?;
    if current.fields.valid_until < today {
        return Err(QuoteError::Conflict(format!(
            "Its valid-until date ({}) has passed: move it to today or later before \
             sending the quote.",
            current.fields.valid_until
        )));
    }
    client_currency(store, owner, &current.fields.client_id)?;
    let mail = invitation(&current, &store.parties(&current)?, &link.url, link.digest);
    let sent = store
        .send(owner, &current, &mail)?
        .ok_or_else(|| changed(store, owner, &current.id))?;
    Ok((sent, true))
}

/// Deletes a draft. Its number stays taken (hidden), so the series stays gapless.
pub fn delete(
    store: &impl QuoteStore,
    owner: &str,
    raw_id: &str,
    if_match: Option<i64>,
) -> Result<(), QuoteError> {
    let current = draft(store, owner, raw_id, if_match, "deleted")?;
    match store.delete(owner, &current)? {
        true => Ok(()),
        false => Err(changed(store, owner, &current.id)),
    }
}

pub fn list(
    store: &impl QuoteStore,
    owner: &str,
    query: &ListQuery,
    today: Date,
) -> Result<Page<Quote>, QuoteError> {
    let rows = store.list(owner, query, today)?;
    Ok(Page::from_rows(rows, query.limit, |quote| {
        Cursor {
            year: quote.number_year,
            seq: quote.number_seq,
        }
        .encode()
    }))
}

/// A new link to a sent quote (answered ones too: the client may look again). Drafts
/// have none: nothing is shown before it is sent.
pub fn share(
    store: &impl QuoteStore,
    owner: &str,
    raw_id: &str,
    digest: &str,
) -> Result<(String, Link), QuoteError> {
    let quote = get(store, owner, raw_id)?;
    if quote.stored == Status::Draft {
        return Err(QuoteError::Conflict(
            "A draft is not shown to anyone: send the quote first.".into(),
        ));
    }
    let link = store.add_link(owner, &quote.id, digest)?;
    Ok((quote.id, link))
}

pub fn revoke(
    store: &impl QuoteStore,
    owner: &str,
    raw_id: &str,
    raw_link: &str,
) -> Result<(), QuoteError> {
    let (Some(id), Some(link)) = (parse_id(raw_id), parse_id(raw_link)) else {
        return Err(QuoteError::NoLink);
    };
    match store.revoke_link(owner, &id, &link)? {
        true => Ok(()),
        false => Err(QuoteError::NoLink),
    }
}

/// What a link opens.
pub fn open(store: &impl QuoteStore, digest: &str) -> Result<Quote, QuoteError> {
    store.open(digest)?.ok_or(QuoteError::Closed)
}

/// The client's answer, recorded exactly once with the e-mail that tells the freelancer
/// (`app_url`: where their web app is): a second answer (from another tab, or the other
/// answer), one to an expired quote and one through a revoked link are refused, each
/// saying why — only to someone holding a link that works.
pub fn answer(
    store: &impl QuoteStore,
    digest: &str,
    answer: &Answer,
    address: Option<&str>,
    today: Date,
    app_url: &str,
) -> Result<Quote, QuoteError> {
    let notice = notice(&open(store, digest)?, answer, app_url);
    if let Some(recorded) = store.answer(digest, answer, address, today, &notice)? {
        return Ok(recorded);
    }
    let quote = open(store, digest)?;
    Err(QuoteError::Conflict(
        match (quote.status(today), &quote.answer) {
            (Status::Accepted, Some(a)) => {
                format!("This quote was already accepted on {}.", day(&a.at))
            }
            (Status::Declined, Some(a)) => {
                format!("This quote was already declined on {}.", day(&a.at))
            }
            (Status::Expired, _) => format!(
                "This quote expired on {}: ask for a new one.",
                quote.fields.valid_until
            ),
            _ => "This quote cannot be answered now.".into(),
        },
    ))
}

/// Makes the accepted quote a draft invoice, once: a second conversion answers the
/// same invoice (`false`: none was made now). Billing is asked with the key
/// `quote:<id>` and a body fixed by the quote, so two conversions racing, or one retried
/// after a lost answer, make one invoice.
pub fn convert(
    store: &impl QuoteStore,
    invoices: &impl Invoices,
    owner: &str,
    raw_id: &str,
    today: Date,
) -> Result<(Quote, bool), QuoteError> {
    let quote = get(store, owner, raw_id)?;
    if quote.invoice_id.is_some() {
        return Ok((quote, false));
    }
    if quote.status(today) != Status::Accepted {
        return Err(QuoteError::Conflict(format!(
            "Only an accepted quote becomes an invoice; this one is {}.",
            quote.status(today).name()
        )));
    }
    let key = format!("quote:{}", quote.id);
    let invoice_id =
        invoices
            .create(&key, &invoice_body(&quote))
            .map_err(|refusal| match refusal {
                Refusal::Refused(why) => {
                    QuoteError::Conflict(format!("Billing made no invoice of it: {why}"))
                }
                Refusal::Unavailable(why) => QuoteError::Fault(Fault::Unavailable(why)),
            })?;
    let linked = store.converted(owner, &quote.id, &invoice_id)?;
    Ok((linked, true))
}

/// `POST /invoices`'s body for an accepted quote: its client, currency, lines, discount
/// and notes; billing dates the draft today.
pub fn invoice_body(quote: &Quote) -> Value {
    let f = &quote.fields;
    let reference = format!("As quoted in {}.", quote.number());
    let notes = match &f.notes {
        Some(notes) => format!("{notes}\n\n{reference}"),
        None => reference,
    };
    serde_json::json!({
        "client_id": f.client_id,
        "currency": f.currency.map(|c| c.code()),
        "lines": f.lines.iter().map(line_json).collect::<Vec<_>>(),
        "discount": discount_json(f.discount),
        "notes": notes,
    })
}

fn day(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

/// The quote, if it is a draft at the version `If-Match` pins; `doing` says what a
/// sent quote cannot be.
fn draft(
    store: &impl QuoteStore,
    owner: &str,
    raw_id: &str,
    if_match: Option<i64>,
    doing: &str,
) -> Result<Quote, QuoteError> {
    let current = get(store, owner, raw_id)?;
    check_version(&current, if_match)?;
    ensure_draft(&current, doing)?;
    Ok(current)
}

fn ensure_draft(quote: &Quote, doing: &str) -> Result<(), QuoteError> {
    match quote.stored {
        Status::Draft => Ok(()),
        other => Err(QuoteError::Conflict(format!(
            "Only a draft can be {doing}; this quote is {}.",
            other.name()
        ))),
    }
}

fn client_currency(
    store: &impl QuoteStore,
    owner: &str,
    client: &str,
) -> Result<Option<Currency>, QuoteError> {
    store
        .client_currency(owner, client)?
        .ok_or_else(|| QuoteError::field("client_id", "is not one of your clients"))
}

fn check_version(current: &Quote, if_match: Option<i64>) -> Result<(), QuoteError> {
    match if_match {
        Some(version) if version != current.version => Err(QuoteError::Stale {
            current: current.version,
        }),
        _ => Ok(()),
    }
}

/// A write lost to another since the quote was read: the answer the caller would have
/// had, had it read after.
fn changed(store: &impl QuoteStore, owner: &str, id: &str) -> QuoteError {
    match store.get(owner, id) {
        Ok(Some(now)) if now.stored != Status::Draft => QuoteError::Conflict(format!(
            "Only a draft can change; this quote is {}.",
            now.stored.name()
        )),
        Ok(Some(now)) => QuoteError::Stale {
            current: now.version,
        },
        Ok(None) => QuoteError::NotFound,
        Err(fault) => QuoteError::Fault(fault),
    }
}

#[cfg(test)]
mod tests;
