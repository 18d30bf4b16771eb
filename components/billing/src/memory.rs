//! Invoices in memory, with the store's contract — per-owner scope, versioned writes,
//! per-year numbers, soft deletes, events written with each change — so the use cases
//! run natively in tests.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use fin_problem::Fault;
use time::Date;

use crate::change::Change;
use crate::domain::InvoiceFields;
use crate::events::EventType;
use crate::invoice::{Invoice, Payment};
use crate::listing::ListQuery;
use crate::service::{IdempotencyKey, InvoiceStore, Located, Settled};
use crate::status::Status;
use fin_commercial::totals::Totals;

#[derive(Default)]
pub struct MemoryStore {
    /// (owner, invoice, deleted)
    invoices: RefCell<Vec<(String, Invoice, bool)>>,
    keys: fin_idempotency::MemoryKeys,
    /// What the outbox received: (invoice id, event, version after the change).
    pub events: RefCell<Vec<(String, EventType, i64)>>,
    /// Versions to bump behind the service's back before the next `apply`.
    pub interfere: Cell<usize>,
    /// Provider payment references already recorded, with what they settled.
    settled: RefCell<BTreeMap<String, Settled>>,
}

impl MemoryStore {
    /// Live (not deleted) invoices, any owner.
    pub fn count(&self) -> usize {
        self.invoices.borrow().iter().filter(|i| !i.2).count()
    }

    /// The invoice as stored, deleted or not, any owner.
    pub fn stored(&self, id: &str) -> Option<Invoice> {
        self.invoices
            .borrow()
            .iter()
            .find(|i| i.1.id == id)
            .map(|i| i.1.clone())
    }

    pub fn event_types(&self) -> Vec<EventType> {
        self.events.borrow().iter().map(|e| e.1).collect()
    }
}

impl InvoiceStore for MemoryStore {
    fn create(
        &self,
        owner: &str,
        fields: &InvoiceFields,
        totals: &Totals,
        key: Option<&IdempotencyKey>,
    ) -> Result<Invoice, Fault> {
        let mut invoices = self.invoices.borrow_mut();
        let year = fields.issue_date.year();
        let sequence = invoices
            .iter()
            .filter(|(o, i, _)| o == owner && i.year == year)
            .count() as i64
            + 1;
        let invoice = Invoice::new_draft(
            format!("00000000-0000-4000-8000-{:012}", invoices.len() + 1),
            year,
            sequence,
            fields.clone(),
            totals.clone(),
        );
        self.keys.keep(owner, key, &invoice.id);
        self.events
            .borrow_mut()
            .push((invoice.id.clone(), EventType::InvoiceCreated, 1));
        invoices.push((owner.to_owned(), invoice.clone(), false));
        Ok(invoice)
    }

    fn get(&self, owner: &str, id: &str) -> Result<Option<Invoice>, Fault> {
        Ok(self
            .invoices
            .borrow()
            .iter()
            .find(|(o, i, deleted)| o == owner && i.id == id && !deleted)
            .map(|(_, i, _)| i.clone()))
    }

    fn list(&self, owner: &str, _: &ListQuery, _: Date) -> Result<Vec<Invoice>, Fault> {
        Ok(self
            .invoices
            .borrow()
            .iter()
            .filter(|(o, _, deleted)| o == owner && !deleted)
            .map(|(_, i, _)| i.clone())
            .collect())
    }

    fn apply(
        &self,
        owner: &str,
        id: &str,
        version: i64,
        change: &Change,
        events: &[EventType],
        _key: Option<&IdempotencyKey>,
    ) -> Result<Option<Invoice>, Fault> {
        let mut invoices = self.invoices.borrow_mut();
        let Some(at) = invoices
            .iter()
            .position(|(o, i, deleted)| o == owner && i.id == id && !deleted)
        else {
            return Ok(None);
        };
        if self.interfere.get() > 0 {
            self.interfere.set(self.interfere.get() - 1);
            invoices[at].1.version += 1;
        }
        let (_, invoice, deleted) = &mut invoices[at];
        if invoice.version != version {
            return Ok(None);
        }
        if let Change::Payment(payment, _) = change {
            if let Some(payment_ref) = payment.source.payment_ref() {
                if self.settled.borrow().contains_key(payment_ref) {
                    // The real store's unique index aborts the whole statement.
                    return Err("duplicate provider payment reference".into());
                }
            }
        }
        match change {
            Change::Fields(fields, totals) => {
                invoice.fields = fields.clone();
                invoice.totals = totals.clone();
            }
            Change::Status(status) => invoice.status = *status,
            Change::Send(buyer) => {
                invoice.status = Status::Sent;
                invoice.buyer = Some(buyer.clone());
            }
            Change::Payment(payment, status) => {
                invoice.amount_paid += payment.amount - payment.overpaid;
                invoice.amount_overpaid += payment.overpaid;
                invoice.status = *status;
                let payment_id = format!("p-{}", invoice.payments.len() + 1);
                invoice.payments.push(Payment {
                    id: payment_id.clone(),
                    amount: payment.amount,
                    overpaid: payment.overpaid,
                    paid_on: fin_commercial::dates::format_date(payment.paid_on),
                    method: payment.method.clone(),
                    reference: payment.reference.clone(),
                    source: payment.source.name().to_owned(),
                    recorded_at: String::new(),
                });
                if let Some(payment_ref) = payment.source.payment_ref() {
                    self.settled.borrow_mut().insert(
                        payment_ref.to_owned(),
                        Settled {
                            owner: owner.to_owned(),
                            payment_id,
                            invoice_status: *status,
                            amount: payment.amount,
                            overpaid: payment.overpaid,
                        },
                    );
                }
            }
            Change::Credit(note, status) => {
                invoice.amount_credited += note.totals.total;
                invoice.status = *status;
                invoice.credit_notes.push(crate::credit::CreditNote {
                    id: format!("c-{}", invoice.credit_notes.len() + 1),
                    year: note.issue_date.year(),
                    sequence: invoice.credit_notes.len() as i64 + 1,
                    issue_date: fin_commercial::dates::format_date(note.issue_date),
                    lines: note.lines.clone(),
                    discount_kind: None,
                    discount_value: None,
                    subtotal: note.totals.subtotal,
                    discount_amount: note.totals.discount,
                    tax: note.totals.tax,
                    total: note.totals.total,
                    reason: note.reason.clone(),
                    issued_at: String::new(),
                    refunds: Vec::new(),
                });
            }
            Change::Refund(refund) => {
                invoice.amount_refunded += refund.amount;
                let count = invoice
                    .credit_notes
                    .iter()
                    .map(|n| n.refunds.len())
                    .sum::<usize>();
                if let Some(note) = invoice
                    .credit_notes
                    .iter_mut()
                    .find(|n| n.id == refund.credit_note_id)
                {
                    note.refunds.push(crate::refund::Refund {
                        id: format!("r-{}", count + 1),
                        amount: refund.amount,
                        refunded_on: fin_commercial::dates::format_date(refund.refunded_on),
                        method: refund.method.clone(),
                        reference: refund.reference.clone(),
                        recorded_at: String::new(),
                    });
                }
            }
            Change::Delete => *deleted = true,
        }
        invoice.version += 1;
        self.events.borrow_mut().extend(
            events
                .iter()
                .map(|event| (invoice.id.clone(), *event, invoice.version)),
        );
        Ok(Some(invoice.clone()))
    }

    fn replay(&self, owner: &str, key: &str) -> Result<Option<(String, String)>, Fault> {
        Ok(self.keys.replay(owner, key))
    }

    fn locate(&self, id: &str) -> Result<Option<Located>, Fault> {
        Ok(self
            .invoices
            .borrow()
            .iter()
            .find(|(_, i, _)| i.id == id)
            .map(|(owner, _, deleted)| Located {
                owner: owner.clone(),
                deleted: *deleted,
            }))
    }

    fn settled(&self, payment_ref: &str) -> Result<Option<Settled>, Fault> {
        Ok(self.settled.borrow().get(payment_ref).cloned())
    }
}
