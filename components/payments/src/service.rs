//! The payments use cases, over two ports: the log of what the provider sent (this
//! context's table) and the ledger (billing, through `fin:platform/invoice-payments`).
//!
//! Every event that passed the signature check is recorded exactly once, by its id, with
//! what became of it; a redelivery answers from the record and changes nothing. Money is
//! only recorded once billing has settled it, so if billing cannot be reached the
//! provider gets a 503 and delivers again — nothing is kept half-done.

use fin_problem::Fault;
use serde::Serialize;
use time::OffsetDateTime;

use crate::error::PaymentsError;
use crate::event::{Money, Notice, ProviderEvent};
use crate::listing::ListQuery;

/// What billing did with money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    Applied {
        owner: String,
        payment_id: String,
        invoice_status: String,
        amount_applied: i64,
        amount_overpaid: i64,
        /// The same money was settled before (another event for one payment).
        duplicate: bool,
    },
    Unapplied {
        /// Whose money it is, when anyone can be told.
        owner: Option<String>,
        reason: &'static str,
    },
}

/// Billing.
pub trait Ledger {
    /// Settles money against the invoice it names; an error means "unavailable, retry".
    fn settle(&self, money: &Money, received_on: &str) -> Result<Settlement, String>;
}

/// The provider's events as this context recorded them.
pub trait EventLog {
    fn find(&self, event_id: &str) -> Result<Option<Record>, Fault>;
    /// Stores `record` and returns it as stored; `None` when its event id was already
    /// there (a concurrent delivery of the same event won).
    fn record(&self, record: &Record) -> Result<Option<Record>, Fault>;
    /// Up to `query.limit + 1` of one owner's money events, newest first.
    fn list(&self, owner: &str, query: &ListQuery) -> Result<Vec<Record>, Fault>;
}

/// One provider event and what became of it — also the API's view of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    pub event_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub livemode: bool,
    /// When the provider created the event (RFC 3339).
    pub created_at: String,
    /// When it reached us; set by the store.
    pub received_at: Option<String>,
    /// `applied`, `unapplied` or `ignored`.
    pub outcome: &'static str,
    /// Why money was not applied, or why the event was ignored.
    pub reason: Option<String>,
    #[serde(skip)]
    pub owner_id: Option<String>,
    /// `metadata.invoice_id` as the provider sent it.
    pub invoice_id: Option<String>,
    /// The provider's id for the money (`pi_…`).
    pub payment_ref: Option<String>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub amount_applied: Option<i64>,
    pub amount_overpaid: Option<i64>,
    /// Billing's payment, when applied.
    pub payment_id: Option<String>,
    /// Money billing had already settled from another event.
    pub duplicate: bool,
}

/// The outcome of a delivery.
#[derive(Debug, PartialEq, Eq)]
pub struct Receipt {
    pub record: Record,
    /// The event had been received before; nothing changed.
    pub replayed: bool,
}

pub fn receive(
    log: &impl EventLog,
    ledger: &impl Ledger,
    event: ProviderEvent,
) -> Result<Receipt, PaymentsError> {
    if let Some(record) = log.find(&event.id).map_err(PaymentsError::from)? {
        return Ok(Receipt {
            record,
            replayed: true,
        });
    }
    let created_at = OffsetDateTime::from_unix_timestamp(event.created)
        .map_err(|e| PaymentsError::Malformed(format!("`created`: {e}")))?;
    let mut record = Record {
        event_id: event.id.clone(),
        event_type: event.event_type.clone(),
        livemode: event.livemode,
        created_at: rfc3339(created_at),
        received_at: None,
        outcome: "ignored",
        reason: None,
        owner_id: None,
        invoice_id: None,
        payment_ref: None,
        amount: None,
        currency: None,
        amount_applied: None,
        amount_overpaid: None,
        payment_id: None,
        duplicate: false,
    };
    match &event.notice {
        Notice::Ignored(why) => record.reason = Some((*why).to_owned()),
        Notice::Money(money) => {
            let received_on = rfc3339(created_at)[..10].to_owned();
            let settlement = ledger
                .settle(money, &received_on)
                .map_err(Fault::Unavailable)?;
            record.invoice_id = Some(money.invoice_ref.clone()).filter(|i| !i.is_empty());
            record.payment_ref = Some(money.payment_ref.clone());
            record.amount = Some(money.amount);
            record.currency = Some(money.currency.clone());
            match settlement {
                Settlement::Applied {
                    owner,
                    payment_id,
                    invoice_status: _,
                    amount_applied,
                    amount_overpaid,
                    duplicate,
                } => {
                    record.outcome = "applied";
                    record.owner_id = Some(owner);
                    record.payment_id = Some(payment_id);
                    record.amount_applied = Some(if duplicate { 0 } else { amount_applied });
                    record.amount_overpaid = Some(if duplicate { 0 } else { amount_overpaid });
                    record.duplicate = duplicate;
                }
                Settlement::Unapplied { owner, reason } => {
                    // Money moved and could not be put on an invoice: never silently.
                    fin_log::warn!(
                        "payments",
                        "{} {} {} from {} kept unapplied ({reason}) for {}",
                        money.amount,
                        money.currency,
                        money.payment_ref,
                        event.id,
                        owner.as_deref().unwrap_or("no identifiable owner")
                    );
                    record.outcome = "unapplied";
                    record.reason = Some(reason.to_owned());
                    record.owner_id = owner;
                }
            }
        }
    }
    match log.record(&record).map_err(PaymentsError::from)? {
        Some(stored) => Ok(Receipt {
            record: stored,
            replayed: false,
        }),
        None => log
            .find(&event.id)
            .map_err(PaymentsError::from)?
            .map(|record| Receipt {
                record,
                replayed: true,
            })
            .ok_or_else(|| Fault::Internal(format!("{} vanished", event.id)).into()),
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month() as u8,
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use super::*;

    #[derive(Default)]
    struct Log(RefCell<Vec<Record>>);

    impl EventLog for Log {
        fn find(&self, event_id: &str) -> Result<Option<Record>, Fault> {
            Ok(self
                .0
                .borrow()
                .iter()
                .find(|r| r.event_id == event_id)
                .cloned())
        }

        fn record(&self, record: &Record) -> Result<Option<Record>, Fault> {
            if self.find(&record.event_id)?.is_some() {
                return Ok(None);
            }
            let stored = Record {
                received_at: Some("now".into()),
                ..record.clone()
            };
            self.0.borrow_mut().push(stored.clone());
            Ok(Some(stored))
        }

        fn list(&self, _: &str, _: &ListQuery) -> Result<Vec<Record>, Fault> {
            Ok(self.0.borrow().clone())
        }
    }

    struct Billing {
        answer: Result<Settlement, String>,
        calls: Cell<usize>,
    }

    impl Ledger for Billing {
        fn settle(&self, _: &Money, received_on: &str) -> Result<Settlement, String> {
            assert_eq!(received_on, "2026-02-02");
            self.calls.set(self.calls.get() + 1);
            self.answer.clone()
        }
    }

    fn money_event(id: &str) -> ProviderEvent {
        ProviderEvent {
            id: id.into(),
            event_type: "payment_intent.succeeded".into(),
            created: 1_770_000_000,
            livemode: false,
            notice: Notice::Money(Money {
                payment_ref: "pi_1".into(),
                invoice_ref: "inv".into(),
                owner_ref: None,
                amount: 700,
                currency: "EUR".into(),
            }),
        }
    }

    fn applied() -> Settlement {
        Settlement::Applied {
            owner: "alice".into(),
            payment_id: "p1".into(),
            invoice_status: "paid".into(),
            amount_applied: 600,
            amount_overpaid: 100,
            duplicate: false,
        }
    }

    #[test]
    fn settled_money_is_recorded_with_what_billing_did() {
        let (log, billing) = (
            Log::default(),
            Billing {
                answer: Ok(applied()),
                calls: Cell::new(0),
            },
        );
        let receipt = receive(&log, &billing, money_event("evt_1")).expect("received");
        assert!(!receipt.replayed);
        let r = &receipt.record;
        assert_eq!(
            (r.outcome, r.owner_id.as_deref()),
            ("applied", Some("alice"))
        );
        assert_eq!(
            (r.amount_applied, r.amount_overpaid),
            (Some(600), Some(100))
        );
        assert_eq!(r.created_at, "2026-02-02T02:40:00Z");
    }

    #[test]
    fn a_redelivery_answers_from_the_record_without_asking_billing() {
        let (log, billing) = (
            Log::default(),
            Billing {
                answer: Ok(applied()),
                calls: Cell::new(0),
            },
        );
        receive(&log, &billing, money_event("evt_1")).expect("first");
        let again = receive(&log, &billing, money_event("evt_1")).expect("again");
        assert!(again.replayed);
        assert_eq!(billing.calls.get(), 1);
        assert_eq!(log.0.borrow().len(), 1);
    }

    #[test]
    fn unapplied_money_is_kept_for_its_owner_and_billing_down_keeps_nothing() {
        let log = Log::default();
        let void = Billing {
            answer: Ok(Settlement::Unapplied {
                owner: Some("alice".into()),
                reason: "invoice_void",
            }),
            calls: Cell::new(0),
        };
        let kept = receive(&log, &void, money_event("evt_1")).expect("received");
        assert_eq!(kept.record.outcome, "unapplied");
        assert_eq!(kept.record.reason.as_deref(), Some("invoice_void"));
        assert_eq!(kept.record.amount, Some(700));
        let down = Billing {
            answer: Err("db down".into()),
            calls: Cell::new(0),
        };
        assert!(matches!(
            receive(&log, &down, money_event("evt_2")),
            Err(PaymentsError::Fault(Fault::Unavailable(_)))
        ));
        assert!(log.find("evt_2").expect("find").is_none(), "nothing stored");
    }

    #[test]
    fn ignored_events_are_recorded_without_asking_billing() {
        let (log, billing) = (
            Log::default(),
            Billing {
                answer: Ok(applied()),
                calls: Cell::new(0),
            },
        );
        let event = ProviderEvent {
            notice: Notice::Ignored("not ours"),
            ..money_event("evt_9")
        };
        let receipt = receive(&log, &billing, event).expect("received");
        assert_eq!(receipt.record.outcome, "ignored");
        assert_eq!(billing.calls.get(), 0);
    }
}
