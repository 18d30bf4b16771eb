//! The store ports in memory, with the compare-and-sets Postgres makes, so the use
//! cases' tests run natively.

use std::cell::RefCell;
use std::collections::BTreeMap;

use fin_commercial::money::Currency;
use fin_problem::Fault;
use serde_json::Value;
use time::Date;

use crate::domain::{Answer, QuoteFields, Status};
use crate::listing::ListQuery;
use crate::notice::{Invitation, Notice};
use crate::quote::{Answered, Link, Parties, Quote};
use crate::service::{IdempotencyKey, Invoices, QuoteStore, Refusal};

#[derive(Default)]
pub struct MemoryQuotes {
    /// (owner, client) → default currency.
    pub clients: BTreeMap<(String, String), Option<Currency>>,
    quotes: RefCell<Vec<(Quote, bool)>>,
    /// (digest, quote id, link)
    links: RefCell<Vec<(String, String, Link)>>,
    counters: RefCell<BTreeMap<(String, i32), i64>>,
    /// (owner, key) → (quote id, request digest).
    keys: fin_idempotency::MemoryKeys,
    /// (owner, client) → the client's e-mail address.
    pub emails: BTreeMap<(String, String), String>,
    /// The seller's name the profile publishes.
    pub seller: Option<String>,
    /// The country of every client's address.
    pub client_country: Option<String>,
    /// The e-mails owed the freelancer, as (quote id, notice).
    pub notices: RefCell<Vec<(String, Notice)>>,
    /// The e-mails owed clients, as (quote id, address, invitation).
    pub invitations: RefCell<Vec<(String, String, Invitation)>>,
    clock: RefCell<u64>,
}

impl MemoryQuotes {
    pub fn with_client(owner: &str, client: &str, currency: Option<&str>) -> Self {
        let mut store = Self::default();
        store.clients.insert(
            (owner.into(), client.into()),
            currency.map(|c| Currency::parse(c).expect("a currency")),
        );
        store
    }

    fn tick(&self) -> String {
        let mut clock = self.clock.borrow_mut();
        *clock += 1;
        format!("2026-12-06T10:{:02}:{:02}Z", *clock / 60 % 60, *clock % 60)
    }

    /// Applies `change` to the live quote `id` of `owner` if `when` holds.
    fn change(
        &self,
        owner: &str,
        id: &str,
        when: impl Fn(&Quote) -> bool,
        change: impl FnOnce(&mut Quote),
    ) -> Option<Quote> {
        let now = self.tick();
        let mut quotes = self.quotes.borrow_mut();
        let (quote, _) = quotes
            .iter_mut()
            .find(|(q, deleted)| !deleted && q.owner == owner && q.id == id && when(q))?;
        change(quote);
        quote.version += 1;
        quote.updated_at = now;
        Some(quote.clone())
    }

    fn with_links(&self, mut quote: Quote) -> Quote {
        quote.links = self
            .links
            .borrow()
            .iter()
            .filter(|(_, id, _)| *id == quote.id)
            .map(|(_, _, link)| link.clone())
            .collect();
        quote
    }
}

impl QuoteStore for MemoryQuotes {
    fn client_currency(
        &self,
        owner: &str,
        client: &str,
    ) -> Result<Option<Option<Currency>>, Fault> {
        Ok(self.clients.get(&(owner.into(), client.into())).copied())
    }

    fn insert(
        &self,
        owner: &str,
        fields: &QuoteFields,
        key: Option<&IdempotencyKey>,
    ) -> Result<Quote, Fault> {
        if self.keys.taken(owner, key) {
            return Err(Fault::from(
                "duplicate key value violates unique constraint",
            ));
        }
        let year = fields.issue_date.year();
        let mut counters = self.counters.borrow_mut();
        let seq = counters.entry((owner.into(), year)).or_insert(0);
        *seq += 1;
        let now = self.tick();
        let quote = Quote {
            id: uuid::Uuid::new_v4().to_string(),
            owner: owner.into(),
            number_year: year,
            number_seq: *seq,
            fields: fields.clone(),
            stored: Status::Draft,
            sent_at: None,
            emailed_to: None,
            answer: None,
            invoice_id: None,
            version: 1,
            created_at: now.clone(),
            updated_at: now,
            links: Vec::new(),
        };
        self.quotes.borrow_mut().push((quote.clone(), false));
        self.keys.keep(owner, key, &quote.id);
        Ok(quote)
    }

    fn replay(&self, owner: &str, key: &str) -> Result<Option<(String, String)>, Fault> {
        Ok(self.keys.replay(owner, key))
    }

    fn get(&self, owner: &str, id: &str) -> Result<Option<Quote>, Fault> {
        let found = self
            .quotes
            .borrow()
            .iter()
            .find(|(q, deleted)| !deleted && q.owner == owner && q.id == id)
            .map(|(q, _)| q.clone());
        Ok(found.map(|q| self.with_links(q)))
    }

    fn save(
        &self,
        owner: &str,
        current: &Quote,
        fields: &QuoteFields,
    ) -> Result<Option<Quote>, Fault> {
        Ok(self.change(
            owner,
            &current.id,
            |q| q.version == current.version && q.stored == Status::Draft,
            |q| q.fields = fields.clone(),
        ))
    }

    fn send(
        &self,
        owner: &str,
        current: &Quote,
        invitation: &Invitation,
    ) -> Result<Option<Quote>, Fault> {
        let now = self.tick();
        let address = self
            .emails
            .get(&(owner.into(), current.fields.client_id.clone()))
            .cloned();
        let sent = self.change(
            owner,
            &current.id,
            |q| q.version == current.version && q.stored == Status::Draft,
            |q| {
                q.stored = Status::Sent;
                q.sent_at = Some(now);
                q.emailed_to = address.clone();
            },
        );
        match (sent, address) {
            (Some(quote), Some(address)) => {
                self.add_link(owner, &quote.id, &invitation.digest)?;
                self.invitations
                    .borrow_mut()
                    .push((quote.id.clone(), address, invitation.clone()));
                Ok(Some(self.with_links(quote)))
            }
            (sent, _) => Ok(sent),
        }
    }

    fn parties(&self, quote: &Quote) -> Result<Parties, Fault> {
        let known = self
            .clients
            .contains_key(&(quote.owner.clone(), quote.fields.client_id.clone()));
        Ok(Parties {
            seller: self.seller.clone(),
            client: known.then(|| "Acme".to_owned()),
            client_country: self.client_country.clone().filter(|_| known),
        })
    }

    fn delete(&self, owner: &str, current: &Quote) -> Result<bool, Fault> {
        let mut quotes = self.quotes.borrow_mut();
        let found = quotes.iter_mut().find(|(q, deleted)| {
            !deleted
                && q.owner == owner
                && q.id == current.id
                && q.version == current.version
                && q.stored == Status::Draft
        });
        Ok(found.map(|(_, deleted)| *deleted = true).is_some())
    }

    fn list(&self, owner: &str, query: &ListQuery, today: Date) -> Result<Vec<Quote>, Fault> {
        let mut all: Vec<Quote> = self
            .quotes
            .borrow()
            .iter()
            .filter(|(q, deleted)| !deleted && q.owner == owner)
            .map(|(q, _)| q.clone())
            .filter(|q| query.status.is_none_or(|s| q.status(today) == s))
            .filter(|q| {
                query
                    .invoice_id
                    .as_ref()
                    .is_none_or(|i| q.invoice_id.as_ref() == Some(i))
            })
            .filter(|q| {
                query
                    .after
                    .is_none_or(|c| (q.number_year, q.number_seq) < (c.year, c.seq))
            })
            .collect();
        all.sort_by_key(|q| std::cmp::Reverse((q.number_year, q.number_seq)));
        all.truncate(query.limit as usize + 1);
        Ok(all)
    }

    fn add_link(&self, _owner: &str, quote_id: &str, digest: &str) -> Result<Link, Fault> {
        let link = Link {
            id: uuid::Uuid::new_v4().to_string(),
            created_at: self.tick(),
            revoked_at: None,
        };
        self.links
            .borrow_mut()
            .push((digest.into(), quote_id.into(), link.clone()));
        Ok(link)
    }

    fn revoke_link(&self, owner: &str, quote_id: &str, link_id: &str) -> Result<bool, Fault> {
        if self.get(owner, quote_id)?.is_none() {
            return Ok(false);
        }
        let now = self.tick();
        let mut links = self.links.borrow_mut();
        let found = links
            .iter_mut()
            .find(|(_, q, link)| q == quote_id && link.id == link_id);
        Ok(found
            .map(|(_, _, link)| {
                link.revoked_at.get_or_insert(now);
            })
            .is_some())
    }

    fn open(&self, digest: &str) -> Result<Option<Quote>, Fault> {
        let quote_id = self
            .links
            .borrow()
            .iter()
            .find(|(d, _, link)| d == digest && link.revoked_at.is_none())
            .map(|(_, id, _)| id.clone());
        let Some(quote_id) = quote_id else {
            return Ok(None);
        };
        let found = self
            .quotes
            .borrow()
            .iter()
            .find(|(q, deleted)| !deleted && q.id == quote_id)
            .map(|(q, _)| q.clone());
        Ok(found.map(|q| self.with_links(q)))
    }

    fn answer(
        &self,
        digest: &str,
        answer: &Answer,
        address: Option<&str>,
        today: Date,
        notice: &Notice,
    ) -> Result<Option<Quote>, Fault> {
        let Some(quote) = self.open(digest)? else {
            return Ok(None);
        };
        let at = self.tick();
        let recorded = self.change(
            &quote.owner,
            &quote.id,
            |q| q.stored == Status::Sent && q.fields.valid_until >= today,
            |q| {
                let (stored, name, note) = match answer {
                    Answer::Accept { name, note } => {
                        (Status::Accepted, Some(name.clone()), note.clone())
                    }
                    Answer::Decline { reason } => (Status::Declined, None, reason.clone()),
                };
                q.stored = stored;
                q.answer = Some(Answered {
                    at,
                    name,
                    note,
                    address: address.map(str::to_owned),
                });
            },
        );
        if recorded.is_some() {
            self.notices
                .borrow_mut()
                .push((quote.id.clone(), notice.clone()));
        }
        Ok(recorded)
    }

    fn converted(&self, owner: &str, quote_id: &str, invoice_id: &str) -> Result<Quote, Fault> {
        let linked = self.change(
            owner,
            quote_id,
            |q| q.stored == Status::Accepted && q.invoice_id.is_none(),
            |q| q.invoice_id = Some(invoice_id.into()),
        );
        match linked {
            Some(q) => Ok(q),
            None => self
                .get(owner, quote_id)?
                .ok_or_else(|| Fault::from("gone")),
        }
    }
}

/// Billing as an idempotency-keyed map: one invoice per key, whatever the number of
/// calls; or down, or refusing.
#[derive(Default)]
pub struct MemoryInvoices {
    pub made: RefCell<BTreeMap<String, (String, Value)>>,
    pub calls: RefCell<u32>,
    pub refuse: Option<Refusal>,
}

impl Invoices for MemoryInvoices {
    fn create(&self, key: &str, body: &Value) -> Result<String, Refusal> {
        *self.calls.borrow_mut() += 1;
        if let Some(refusal) = &self.refuse {
            return Err(refusal.clone());
        }
        let mut made = self.made.borrow_mut();
        let next = format!("00000000-0000-4000-8000-{:012}", made.len() + 1);
        Ok(made
            .entry(key.into())
            .or_insert((next, body.clone()))
            .0
            .clone())
    }
}
