//! The billing use cases, over ports so they run natively in tests: the store keeps
//! invoices, the directory answers for the clients context.

use fin_problem::Fault;
use time::Date;

use crate::change::Change;
use crate::credit::{CreditInput, NewCreditNote};
use crate::domain::{InvoiceFields, InvoiceInput, NewPayment, PaymentInput};
use crate::error::BillingError;
use crate::events::EventType;
use crate::invoice::Invoice;
use crate::listing::{Cursor, ListQuery, Page};
use crate::parties::Buyer;
use crate::refund::{NewRefund, RefundInput, RefundRefused};
use crate::status::{Action, PaymentError, Status};
use fin_commercial::lines::totals_error;
use fin_commercial::money::Currency;
use fin_commercial::totals::Totals;

/// How often a change is retried when another request changed the invoice in between.
const ATTEMPTS: usize = 3;

pub use fin_idempotency::IdempotencyKey;

/// Where invoices are kept (Postgres in production). Every call is scoped to an owner,
/// but for the two that settle a provider's payment, which arrives without one.
///
/// Every write also writes its events (`invoice.created` for `create`, `events` for
/// `apply`) to the outbox, in the same statement: both happen or neither.
pub trait InvoiceStore {
    /// Stores a new draft under the owner's next number for the issue date's year; the
    /// number and the row (and the idempotency key, and `invoice.created`) are written
    /// together or not at all.
    fn create(
        &self,
        owner: &str,
        fields: &InvoiceFields,
        totals: &Totals,
        key: Option<&IdempotencyKey>,
    ) -> Result<Invoice, Fault>;
    fn get(&self, owner: &str, id: &str) -> Result<Option<Invoice>, Fault>;
    /// Up to `query.limit + 1` invoices, newest number first.
    fn list(&self, owner: &str, query: &ListQuery, today: Date) -> Result<Vec<Invoice>, Fault>;
    /// Applies the change, with its `events`, if the invoice is still at `version`;
    /// `None` when it is not.
    fn apply(
        &self,
        owner: &str,
        id: &str,
        version: i64,
        change: &Change,
        events: &[EventType],
        key: Option<&IdempotencyKey>,
    ) -> Result<Option<Invoice>, Fault>;
    /// The id of the invoice an idempotency key produced, and the request's digest.
    fn replay(&self, owner: &str, key: &str) -> Result<Option<(String, String)>, Fault>;
    /// Applies `change` to `current` if it is still at the version read, with the
    /// events the change writes to an invoice in `current`'s status.
    fn change(
        &self,
        owner: &str,
        current: &Invoice,
        change: &Change,
        key: Option<&IdempotencyKey>,
    ) -> Result<Option<Invoice>, Fault> {
        let events = change.events(current.status);
        self.apply(owner, &current.id, current.version, change, &events, key)
    }
    /// Whose invoice `id` is, deleted ones included; any owner.
    fn locate(&self, id: &str) -> Result<Option<Located>, Fault>;
    /// The payment already recorded for a provider's payment reference, if any.
    fn settled(&self, payment_ref: &str) -> Result<Option<Settled>, Fault>;
}

/// An invoice found without knowing its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub owner: String,
    pub deleted: bool,
}

/// A provider's payment billing has already recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub owner: String,
    pub payment_id: String,
    pub invoice_status: Status,
    pub amount: i64,
    pub overpaid: i64,
}

/// What the clients context says about a client of the caller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientLookup {
    Found {
        archived: bool,
        default_currency: Option<String>,
        buyer: Box<Buyer>,
    },
    Missing,
}

/// Asks the clients context; an error is `ClientsUnavailable` (over HTTP), or a fault —
/// the database's outage included, when billing reads the directory view itself.
pub trait ClientDirectory {
    fn lookup(&self, client_id: &str) -> Result<ClientLookup, BillingError>;
}

/// The outcome of a POST that may be a replay.
#[derive(Debug)]
pub struct Created {
    pub invoice: Invoice,
    pub replayed: bool,
}

impl Created {
    fn new(invoice: Invoice) -> Self {
        Self {
            invoice,
            replayed: false,
        }
    }

    fn replayed(invoice: Invoice) -> Self {
        Self {
            invoice,
            replayed: true,
        }
    }
}

pub struct Billing<'a, S, D> {
    pub store: &'a S,
    pub clients: &'a D,
    pub owner: &'a str,
    pub today: Date,
}

fn internal(fault: Fault) -> BillingError {
    fault.into()
}

impl<S: InvoiceStore, D: ClientDirectory> Billing<'_, S, D> {
    pub fn create(
        &self,
        input: InvoiceInput,
        key: Option<&IdempotencyKey>,
    ) -> Result<Created, BillingError> {
        if let Some(invoice) = self.replay(key)? {
            return Ok(Created::replayed(invoice));
        }
        let mut fields = InvoiceFields::create(input, self.today).map_err(BillingError::Invalid)?;
        let default_currency = self.check_client(&fields.client_id)?;
        if fields.currency.is_none() {
            fields.currency = Some(default_currency.ok_or_else(|| {
                BillingError::field(
                    "currency",
                    "is required: the client has no default currency",
                )
            })?);
        }
        let totals = fields
            .totals()
            .map_err(|e| BillingError::Invalid(vec![totals_error(e)]))?;
        match self.store.create(self.owner, &fields, &totals, key) {
            Ok(invoice) => Ok(Created::new(invoice)),
            // A concurrent request with the same key won the race: answer as it did.
            Err(reason) => match self.replay(key)? {
                Some(invoice) => Ok(Created::replayed(invoice)),
                None => Err(internal(reason)),
            },
        }
    }

    pub fn get(&self, raw_id: &str) -> Result<Invoice, BillingError> {
        let id = parse_id(raw_id)?;
        self.store
            .get(self.owner, &id)
            .map_err(internal)?
            .ok_or(BillingError::NotFound)
    }

    pub fn list(&self, query: &ListQuery) -> Result<Page<Invoice>, BillingError> {
        let rows = self
            .store
            .list(self.owner, query, self.today)
            .map_err(internal)?;
        Ok(Page::from_rows(rows, query.limit, |last| {
            Cursor {
                year: last.year,
                sequence: last.sequence,
                issued: Some(last.fields.issue_date),
            }
            .encode()
        }))
    }

    /// Edits a draft; moving it to another client asks the clients context again.
    pub fn update(
        &self,
        raw_id: &str,
        if_match: Option<i64>,
        input: InvoiceInput,
    ) -> Result<Invoice, BillingError> {
        let current = self.get(raw_id)?;
        check_version(&current, if_match)?;
        current
            .status
            .check(Action::Edit)
            .map_err(BillingError::Illegal)?;
        let fields = current
            .fields
            .update(input)
            .map_err(BillingError::Invalid)?;
        if fields.client_id != current.fields.client_id {
            self.check_client(&fields.client_id)?;
        }
        let totals = fields
            .totals()
            .map_err(|e| BillingError::Invalid(vec![totals_error(e)]))?;
        let change = Change::Fields(fields, totals);
        match self
            .store
            .change(self.owner, &current, &change, None)
            .map_err(internal)?
        {
            Some(invoice) => Ok(invoice),
            // Someone else changed it after we read it: the edit was based on stale data.
            None => Err(self.lost_race(&current.id, if_match)),
        }
    }

    pub fn send(&self, raw_id: &str, if_match: Option<i64>) -> Result<Invoice, BillingError> {
        self.transition(raw_id, if_match, |invoice| {
            invoice.status.send().map_err(BillingError::Illegal)?;
            match self.clients.lookup(&invoice.fields.client_id)? {
                ClientLookup::Found { buyer, .. } => Ok(Change::Send(*buyer)),
                ClientLookup::Missing => Err(Fault::Internal(format!(
                    "client {} of invoice {} is gone",
                    invoice.fields.client_id, invoice.id
                ))
                .into()),
            }
        })
    }

    pub fn void(&self, raw_id: &str, if_match: Option<i64>) -> Result<Invoice, BillingError> {
        self.transition(raw_id, if_match, |invoice| {
            invoice
                .status
                .void()
                .map(Change::Status)
                .map_err(BillingError::Illegal)
        })
    }

    /// Deletes a draft. Its number stays taken (the row is kept, hidden), so the numbers
    /// a user has seen stay gapless and every one can be accounted for.
    pub fn delete(&self, raw_id: &str, if_match: Option<i64>) -> Result<(), BillingError> {
        self.transition(raw_id, if_match, |invoice| {
            invoice
                .status
                .check(Action::Delete)
                .map(|()| Change::Delete)
                .map_err(BillingError::Illegal)
        })
        .map(|_| ())
    }

    pub fn record_payment(
        &self,
        raw_id: &str,
        if_match: Option<i64>,
        input: PaymentInput,
        key: Option<&IdempotencyKey>,
    ) -> Result<Created, BillingError> {
        if let Some(invoice) = self.replay(key)? {
            return Ok(Created::replayed(invoice));
        }
        let payment = NewPayment::parse(input, self.today).map_err(BillingError::Invalid)?;
        self.add(raw_id, if_match, key, |current| {
            let status = current
                .status
                .pay(current.payable(), current.amount_paid, payment.amount)
                .map_err(|err| match err {
                    PaymentError::Illegal(illegal) => BillingError::Illegal(illegal),
                    PaymentError::NotPositive => {
                        BillingError::field("amount", "must be more than 0 minor units")
                    }
                    PaymentError::ExceedsBalance(balance) => BillingError::field(
                        "amount",
                        format!("must not exceed the balance due ({balance} minor units)"),
                    ),
                })?;
            Ok(Change::Payment(payment.clone(), status))
        })
    }

    /// Issues a credit note against a sent (or paid) invoice, decided against the
    /// invoice as it stands, so two credits at once can never together take back more
    /// than the total: the second is decided again on the version the first left.
    pub fn credit(
        &self,
        raw_id: &str,
        if_match: Option<i64>,
        input: CreditInput,
        key: Option<&IdempotencyKey>,
    ) -> Result<Created, BillingError> {
        if let Some(invoice) = self.replay(key)? {
            return Ok(Created::replayed(invoice));
        }
        self.add(raw_id, if_match, key, |current| {
            current
                .status
                .check(Action::Credit)
                .map_err(BillingError::Illegal)?;
            let note = NewCreditNote::decide(&input, current, self.today)
                .map_err(BillingError::Invalid)?;
            let status = current
                .status
                .credit(current.payable(), current.amount_paid, note.totals.total)
                .map_err(BillingError::Illegal)?;
            Ok(Change::Credit(Box::new(note), status))
        })
    }

    /// Records money paid back to the client against one of the invoice's credit notes,
    /// decided against the invoice as it stands like a credit: never more than is owed
    /// back, nor more than the note has left to refund.
    pub fn refund(
        &self,
        raw_id: &str,
        raw_note: &str,
        if_match: Option<i64>,
        input: RefundInput,
        key: Option<&IdempotencyKey>,
    ) -> Result<Created, BillingError> {
        if let Some(invoice) = self.replay(key)? {
            return Ok(Created::replayed(invoice));
        }
        self.add(raw_id, if_match, key, |current| {
            match NewRefund::decide(&input, raw_note, current, self.today) {
                Ok(refund) => Ok(Change::Refund(refund)),
                Err(RefundRefused::NoCreditNote) => Err(BillingError::NoCreditNote),
                Err(RefundRefused::Invalid(errors)) => Err(BillingError::Invalid(errors)),
            }
        })
    }

    /// Adds something to an invoice (a payment, a credit note) under an idempotency
    /// key: decided on the invoice as it stands and retried like [`Self::transition`];
    /// a write that fails because the same key won a race answers the winner's result.
    fn add(
        &self,
        raw_id: &str,
        if_match: Option<i64>,
        key: Option<&IdempotencyKey>,
        decide: impl Fn(&Invoice) -> Result<Change, BillingError>,
    ) -> Result<Created, BillingError> {
        for _ in 0..ATTEMPTS {
            let current = self.get(raw_id)?;
            check_version(&current, if_match)?;
            let change = decide(&current)?;
            match self.store.change(self.owner, &current, &change, key) {
                Ok(Some(invoice)) => return Ok(Created::new(invoice)),
                Ok(None) if if_match.is_some() => return Err(self.lost_race(&current.id, if_match)),
                Ok(None) => continue,
                Err(reason) => {
                    return match self.replay(key)? {
                        Some(invoice) => Ok(Created::replayed(invoice)),
                        None => Err(internal(reason)),
                    }
                }
            }
        }
        Err(BillingError::Contended)
    }

    /// Read, decide by the status rules, write if nothing changed in between; retried
    /// a few times when another request got there first, unless the caller pinned a
    /// version with `If-Match`.
    fn transition(
        &self,
        raw_id: &str,
        if_match: Option<i64>,
        decide: impl Fn(&Invoice) -> Result<Change, BillingError>,
    ) -> Result<Invoice, BillingError> {
        for _ in 0..ATTEMPTS {
            let current = self.get(raw_id)?;
            check_version(&current, if_match)?;
            let change = decide(&current)?;
            match self
                .store
                .change(self.owner, &current, &change, None)
                .map_err(internal)?
            {
                Some(invoice) => return Ok(invoice),
                None if if_match.is_some() => return Err(self.lost_race(&current.id, if_match)),
                None => continue,
            }
        }
        Err(BillingError::Contended)
    }

    /// Why a versioned write matched nothing: the invoice is gone, or has a new version.
    fn lost_race(&self, id: &str, if_match: Option<i64>) -> BillingError {
        match self.store.get(self.owner, id) {
            Ok(None) => BillingError::NotFound,
            Ok(Some(now)) if if_match.is_some() => BillingError::StaleVersion {
                current: now.version,
            },
            Ok(Some(_)) => BillingError::Contended,
            Err(reason) => internal(reason),
        }
    }

    /// The invoice an earlier request with this key produced; a key reused for another
    /// request is refused.
    fn replay(&self, key: Option<&IdempotencyKey>) -> Result<Option<Invoice>, BillingError> {
        fin_idempotency::replay(
            key,
            |key| self.store.replay(self.owner, key).map_err(internal),
            |id| self.store.get(self.owner, id).map_err(internal),
        )
    }

    /// Asks the clients context whether the client is the caller's and usable; returns
    /// its default currency.
    fn check_client(&self, client_id: &str) -> Result<Option<Currency>, BillingError> {
        match self.clients.lookup(client_id)? {
            ClientLookup::Missing => {
                Err(BillingError::field("client_id", "there is no such client"))
            }
            ClientLookup::Found { archived: true, .. } => Err(BillingError::field(
                "client_id",
                "the client is archived; restore it or pick another",
            )),
            ClientLookup::Found {
                default_currency, ..
            } => Ok(default_currency.and_then(|c| Currency::parse(&c).ok())),
        }
    }
}

pub(crate) fn check_version(invoice: &Invoice, if_match: Option<i64>) -> Result<(), BillingError> {
    match if_match {
        Some(version) if version != invoice.version => Err(BillingError::StaleVersion {
            current: invoice.version,
        }),
        _ => Ok(()),
    }
}

/// An invoice id; anything that is not a UUID cannot name an invoice.
pub(crate) fn parse_id(raw: &str) -> Result<String, BillingError> {
    uuid::Uuid::parse_str(raw)
        .map(|id| id.to_string())
        .map_err(|_| BillingError::NotFound)
}

#[cfg(test)]
mod tests;
