//! Money a payment provider says has moved, put on the invoice it names.
//!
//! The rule is that such money is never dropped: billing either applies it (up to the
//! balance, the rest kept as overpaid) or says why not, and the payments context keeps
//! whatever billing did not apply, visible to its owner. Settling is idempotent by the
//! provider's payment reference, so the same money announced twice (a redelivery, or a
//! second event type for one payment) lands once.

use time::Date;

use crate::change::Change;
use crate::domain::{NewPayment, PaymentSource};
use crate::error::BillingError;
use crate::service::{parse_id, InvoiceStore, Located};
use crate::status::{IllegalTransition, Status};

/// How often a settlement is retried when the invoice changed in between.
const ATTEMPTS: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderPayment {
    pub payment_ref: String,
    pub invoice_id: String,
    pub owner_id: Option<String>,
    /// Minor units, more than 0.
    pub amount: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    pub received_on: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unapplied {
    InvoiceNotFound,
    OwnerMismatch,
    InvoiceDeleted,
    InvoiceVoid,
    InvoiceNotSent,
    CurrencyMismatch,
}

impl Unapplied {
    /// The reason's name, as the payments context records and shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvoiceNotFound => "invoice_not_found",
            Self::OwnerMismatch => "owner_mismatch",
            Self::InvoiceDeleted => "invoice_deleted",
            Self::InvoiceVoid => "invoice_void",
            Self::InvoiceNotSent => "invoice_not_sent",
            Self::CurrencyMismatch => "currency_mismatch",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub payment_id: String,
    pub invoice_status: Status,
    pub amount_applied: i64,
    pub amount_overpaid: i64,
    /// Settled by an earlier call; nothing changed this time.
    pub duplicate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Applied(Applied),
    Unapplied(Unapplied),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// Whose money it is: the invoice's owner, else the one the metadata named.
    pub owner: Option<String>,
    pub outcome: Outcome,
}

impl Settlement {
    fn unapplied(owner: Option<String>, reason: Unapplied) -> Self {
        Self {
            owner,
            outcome: Outcome::Unapplied(reason),
        }
    }
}

pub fn settle<S: InvoiceStore>(
    store: &S,
    payment: &ProviderPayment,
) -> Result<Settlement, BillingError> {
    if let Some(settlement) = already_settled(store, &payment.payment_ref)? {
        return Ok(settlement);
    }
    // A metadata owner that is no UUID names nobody.
    let named_owner = payment.owner_id.as_deref().and_then(|o| parse_id(o).ok());
    let Ok(id) = parse_id(&payment.invoice_id) else {
        return Ok(Settlement::unapplied(
            named_owner,
            Unapplied::InvoiceNotFound,
        ));
    };
    let owner = match store.locate(&id)? {
        None => {
            return Ok(Settlement::unapplied(
                named_owner,
                Unapplied::InvoiceNotFound,
            ))
        }
        // Another freelancer's invoice: theirs stays untouched, the money stays with the
        // freelancer the payment was made out to.
        Some(Located { owner, .. }) if named_owner.as_ref().is_some_and(|n| *n != owner) => {
            return Ok(Settlement::unapplied(named_owner, Unapplied::OwnerMismatch))
        }
        Some(Located {
            owner,
            deleted: true,
        }) => {
            return Ok(Settlement::unapplied(
                Some(owner),
                Unapplied::InvoiceDeleted,
            ))
        }
        Some(Located { owner, .. }) => owner,
    };
    for _ in 0..ATTEMPTS {
        let Some(current) = store.get(&owner, &id)? else {
            return Ok(Settlement::unapplied(
                Some(owner),
                Unapplied::InvoiceDeleted,
            ));
        };
        if current.fields.currency.map(|c| c.code()) != Some(payment.currency.as_str()) {
            return Ok(Settlement::unapplied(
                Some(owner),
                Unapplied::CurrencyMismatch,
            ));
        }
        let receipt =
            match current
                .status
                .receive(current.payable(), current.amount_paid, payment.amount)
            {
                Ok(receipt) => receipt,
                Err(IllegalTransition { current, .. }) => {
                    let reason = if current == Status::Void {
                        Unapplied::InvoiceVoid
                    } else {
                        Unapplied::InvoiceNotSent
                    };
                    return Ok(Settlement::unapplied(Some(owner), reason));
                }
            };
        let change = Change::Payment(
            NewPayment {
                amount: payment.amount,
                overpaid: receipt.overpaid,
                paid_on: payment.received_on,
                method: None,
                reference: Some(payment.payment_ref.clone()),
                source: PaymentSource::Stripe {
                    payment_ref: payment.payment_ref.clone(),
                },
            },
            receipt.status,
        );
        match store.change(&owner, &current, &change, None) {
            Ok(Some(invoice)) => {
                let payment_id = invoice
                    .payments
                    .iter()
                    .rev()
                    .find(|p| p.reference.as_deref() == Some(payment.payment_ref.as_str()))
                    .map(|p| p.id.clone())
                    .unwrap_or_default();
                return Ok(Settlement {
                    owner: Some(owner),
                    outcome: Outcome::Applied(Applied {
                        payment_id,
                        invoice_status: invoice.status,
                        amount_applied: receipt.applied,
                        amount_overpaid: receipt.overpaid,
                        duplicate: false,
                    }),
                });
            }
            Ok(None) => continue,
            // The same money settled by a concurrent delivery: its unique reference
            // aborted this statement whole.
            Err(reason) => {
                return already_settled(store, &payment.payment_ref)?.ok_or(reason.into())
            }
        }
    }
    Err(BillingError::Contended)
}

fn already_settled<S: InvoiceStore>(
    store: &S,
    payment_ref: &str,
) -> Result<Option<Settlement>, BillingError> {
    Ok(store.settled(payment_ref)?.map(|settled| Settlement {
        owner: Some(settled.owner),
        outcome: Outcome::Applied(Applied {
            payment_id: settled.payment_id,
            invoice_status: settled.invoice_status,
            amount_applied: settled.amount - settled.overpaid,
            amount_overpaid: settled.overpaid,
            duplicate: true,
        }),
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;
    use crate::domain::{InvoiceFields, InvoiceInput};
    use crate::events::EventType;
    use crate::memory::MemoryStore;

    const ALICE: &str = "0a0a0a0a-0000-4000-8000-00000000000a";
    const BOB: &str = "0b0b0b0b-0000-4000-8000-00000000000b";
    const CLIENT: &str = "6f1c2b1e-8a7d-4c7e-9f55-0d2b6d0e4a11";
    const DAY: Date = date!(2026 - 03 - 10);

    /// An invoice of 1000 EUR minor units for `owner`, moved to `status`.
    fn invoice(store: &MemoryStore, owner: &str, status: Status) -> String {
        let input: InvoiceInput = serde_json::from_value(json!({
            "client_id": CLIENT, "currency": "EUR",
            "lines": [{"description": "Work", "quantity": 1, "unit_price": 1000}]
        }))
        .expect("input");
        let fields = InvoiceFields::create(input, DAY).expect("fields");
        let totals = fields.totals().expect("totals");
        let created = store.create(owner, &fields, &totals, None).expect("create");
        let mut version = created.version;
        for next in match status {
            Status::Draft => vec![],
            Status::Sent => vec![Status::Sent],
            Status::Void => vec![Status::Void],
            Status::Paid => panic!("pay it through settle"),
        } {
            let change = Change::Status(next);
            let events = change.events(Status::Draft);
            version = store
                .apply(owner, &created.id, version, &change, &events, None)
                .expect("apply")
                .expect("applied")
                .version;
        }
        created.id
    }

    fn payment(payment_ref: &str, invoice_id: &str, amount: i64) -> ProviderPayment {
        ProviderPayment {
            payment_ref: payment_ref.into(),
            invoice_id: invoice_id.into(),
            owner_id: None,
            amount,
            currency: "EUR".into(),
            received_on: DAY,
        }
    }

    fn applied(settlement: &Settlement) -> &Applied {
        match &settlement.outcome {
            Outcome::Applied(applied) => applied,
            other => panic!("expected applied, got {other:?}"),
        }
    }

    #[test]
    fn a_partial_then_an_overpaying_payment_settle_the_invoice_and_keep_the_excess() {
        let store = MemoryStore::default();
        let id = invoice(&store, ALICE, Status::Sent);
        let first = settle(&store, &payment("pi_1", &id, 400)).expect("settle");
        assert_eq!(first.owner.as_deref(), Some(ALICE));
        assert_eq!(applied(&first).invoice_status, Status::Sent);
        let second = settle(&store, &payment("pi_2", &id, 700)).expect("settle");
        let second = applied(&second);
        assert_eq!(
            (
                second.invoice_status,
                second.amount_applied,
                second.amount_overpaid
            ),
            (Status::Paid, 600, 100)
        );
        let stored = store.stored(&id).expect("stored");
        assert_eq!((stored.amount_paid, stored.amount_overpaid), (1000, 100));
        assert_eq!(
            store.event_types()[2..],
            [
                EventType::PaymentRecorded,
                EventType::PaymentRecorded,
                EventType::InvoicePaid
            ]
        );
    }

    #[test]
    fn the_same_money_twice_lands_once() {
        let store = MemoryStore::default();
        let id = invoice(&store, ALICE, Status::Sent);
        let first = settle(&store, &payment("pi_1", &id, 400)).expect("settle");
        let again = settle(&store, &payment("pi_1", &id, 400)).expect("settle");
        assert!(applied(&again).duplicate);
        assert_eq!(applied(&again).payment_id, applied(&first).payment_id);
        assert_eq!(store.stored(&id).expect("stored").amount_paid, 400);
    }

    #[test]
    fn money_that_cannot_be_applied_says_why_and_whose_it_is() {
        let store = MemoryStore::default();
        let draft = invoice(&store, ALICE, Status::Draft);
        let void = invoice(&store, ALICE, Status::Void);
        let sent = invoice(&store, ALICE, Status::Sent);
        let deleted = invoice(&store, ALICE, Status::Draft);
        let change = Change::Delete;
        store
            .apply(
                ALICE,
                &deleted,
                1,
                &change,
                &change.events(Status::Draft),
                None,
            )
            .expect("delete");
        let events_before = store.events.borrow().len();
        let cases = [
            (
                payment("pi_a", &draft, 10),
                Unapplied::InvoiceNotSent,
                Some(ALICE),
            ),
            (
                payment("pi_b", &void, 10),
                Unapplied::InvoiceVoid,
                Some(ALICE),
            ),
            (
                payment("pi_c", &deleted, 10),
                Unapplied::InvoiceDeleted,
                Some(ALICE),
            ),
            (
                ProviderPayment {
                    currency: "USD".into(),
                    ..payment("pi_d", &sent, 10)
                },
                Unapplied::CurrencyMismatch,
                Some(ALICE),
            ),
            (
                payment("pi_e", "7f1c2b1e-8a7d-4c7e-9f55-0d2b6d0e4a11", 10),
                Unapplied::InvoiceNotFound,
                None,
            ),
            (
                payment("pi_f", "not-a-uuid", 10),
                Unapplied::InvoiceNotFound,
                None,
            ),
            (
                ProviderPayment {
                    owner_id: Some(BOB.into()),
                    ..payment("pi_g", &sent, 10)
                },
                Unapplied::OwnerMismatch,
                Some(BOB),
            ),
        ];
        for (payment, reason, owner) in cases {
            let settlement = settle(&store, &payment).expect("settle");
            assert_eq!(
                settlement,
                Settlement::unapplied(owner.map(str::to_owned), reason),
                "{}",
                payment.payment_ref
            );
        }
        assert_eq!(
            store.events.borrow().len(),
            events_before,
            "nothing written"
        );
        assert_eq!(store.stored(&sent).expect("sent").amount_paid, 0);
    }

    #[test]
    fn a_settlement_retries_when_the_invoice_moved_and_gives_up_after_a_few_tries() {
        let store = MemoryStore::default();
        let id = invoice(&store, ALICE, Status::Sent);
        store.interfere.set(1);
        assert!(settle(&store, &payment("pi_1", &id, 100)).is_ok());
        store.interfere.set(ATTEMPTS);
        assert_eq!(
            settle(&store, &payment("pi_2", &id, 100)),
            Err(BillingError::Contended)
        );
    }
}
