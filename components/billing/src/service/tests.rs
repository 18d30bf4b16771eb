use std::cell::Cell;

use serde_json::json;
use time::macros::date;

use super::*;
use crate::memory::MemoryStore;

const TODAY: Date = date!(2026 - 03 - 01);
const OWNER: &str = "owner";
const ACME: &str = "6f1c2b1e-8a7d-4c7e-9f55-0d2b6d0e4a11";

/// The clients context's answers, counted.
struct Directory {
    answer: Result<ClientLookup, BillingError>,
    calls: Cell<usize>,
}

impl Directory {
    fn answering(answer: Result<ClientLookup, BillingError>) -> Self {
        Self {
            answer,
            calls: Cell::new(0),
        }
    }

    fn active(currency: Option<&str>) -> Self {
        Self::answering(Ok(ClientLookup::Found {
            archived: false,
            default_currency: currency.map(str::to_owned),
            buyer: Box::new(acme()),
        }))
    }
}

impl ClientDirectory for Directory {
    fn lookup(&self, _client_id: &str) -> Result<ClientLookup, BillingError> {
        self.calls.set(self.calls.get() + 1);
        match &self.answer {
            Ok(lookup) => Ok(lookup.clone()),
            Err(BillingError::ClientsUnavailable { retry_after }) => {
                Err(BillingError::ClientsUnavailable {
                    retry_after: *retry_after,
                })
            }
            Err(_) => Err(Fault::Internal("directory".into()).into()),
        }
    }
}

fn acme() -> Buyer {
    Buyer {
        name: "Acme".into(),
        company: Some("Acme GmbH".into()),
        email: None,
        tax_id: Some("DE123".into()),
        address: None,
        phone: None,
        peppol_id: Some("0088:5790000435968".into()),
        registration_id: None,
    }
}

fn billing<'a>(
    store: &'a MemoryStore,
    clients: &'a Directory,
) -> Billing<'a, MemoryStore, Directory> {
    Billing {
        store,
        clients,
        owner: OWNER,
        today: TODAY,
    }
}

fn input(value: serde_json::Value) -> InvoiceInput {
    serde_json::from_value(value).expect("input")
}

fn one_line() -> InvoiceInput {
    input(json!({"client_id": ACME, "lines": [
        {"description": "Work", "quantity": 1, "unit_price": 1000}
    ]}))
}

/// A new one-line draft's id.
fn draft(store: &MemoryStore, clients: &Directory) -> String {
    billing(store, clients)
        .create(one_line(), None)
        .expect("created")
        .invoice
        .id
}

fn key(hash: &str) -> IdempotencyKey {
    IdempotencyKey {
        key: "k".into(),
        request_hash: hash.into(),
    }
}

#[test]
fn a_new_invoice_takes_the_clients_default_currency() {
    let (store, clients) = (MemoryStore::default(), Directory::active(Some("chf")));
    let created = billing(&store, &clients)
        .create(one_line(), None)
        .expect("created");
    assert_eq!(
        created.invoice.fields.currency.map(|c| c.code()),
        Some("CHF")
    );
    assert_eq!(created.invoice.totals.total, 1000);
    assert_eq!(clients.calls.get(), 1);
}

#[test]
fn a_client_the_directory_denies_stores_nothing() {
    let cases = [
        (Directory::answering(Ok(ClientLookup::Missing)), "client_id"),
        (
            Directory::answering(Ok(ClientLookup::Found {
                archived: true,
                default_currency: Some("EUR".into()),
                buyer: Box::new(acme()),
            })),
            "client_id",
        ),
        (Directory::active(None), "currency"),
    ];
    for (clients, field) in cases {
        let store = MemoryStore::default();
        match billing(&store, &clients).create(one_line(), None) {
            Err(BillingError::Invalid(errors)) => assert_eq!(errors[0].field, field),
            other => panic!("expected a 422 on {field}, got {other:?}"),
        }
        assert!(store.count() == 0);
    }
    let store = MemoryStore::default();
    let down = Directory::answering(Err(BillingError::ClientsUnavailable { retry_after: 7 }));
    assert_eq!(
        billing(&store, &down)
            .create(one_line(), None)
            .map(|c| c.invoice.id),
        Err(BillingError::ClientsUnavailable { retry_after: 7 })
    );
    assert!(store.count() == 0);
}

#[test]
fn invalid_input_is_refused_before_asking_clients() {
    let (store, clients) = (MemoryStore::default(), Directory::active(Some("EUR")));
    let result = billing(&store, &clients).create(input(json!({"client_id": ACME})), None);
    assert!(matches!(result, Err(BillingError::Invalid(_))));
    assert_eq!(clients.calls.get(), 0);
}

#[test]
fn a_replayed_key_answers_without_asking_clients_again() {
    let (store, clients) = (MemoryStore::default(), Directory::active(Some("EUR")));
    let b = billing(&store, &clients);
    let first = b.create(one_line(), Some(&key("h1"))).expect("created");
    let again = b.create(one_line(), Some(&key("h1"))).expect("replayed");
    assert!(again.replayed);
    assert_eq!(again.invoice.id, first.invoice.id);
    assert_eq!(clients.calls.get(), 1);
    assert_eq!(
        b.create(one_line(), Some(&key("h2"))).map(|c| c.invoice.id),
        Err(BillingError::Invalid(vec![fin_idempotency::reused()]))
    );
    assert_eq!(store.count(), 1);
}

#[test]
fn sending_freezes_the_buyer_so_it_asks_clients() {
    let store = MemoryStore::default();
    let up = Directory::active(Some("EUR"));
    let id = draft(&store, &up);
    let down = Directory::answering(Err(BillingError::ClientsUnavailable { retry_after: 3 }));
    assert_eq!(
        billing(&store, &down).send(&id, None).map(|i| i.status),
        Err(BillingError::ClientsUnavailable { retry_after: 3 })
    );
    let draft = billing(&store, &up).get(&id).expect("draft");
    assert_eq!((draft.status, draft.buyer), (Status::Draft, None));
    let sent = billing(&store, &up).send(&id, None).expect("sent");
    assert_eq!((sent.status, sent.buyer), (Status::Sent, Some(acme())));
    // An illegal send is refused before anyone is asked.
    let calls = up.calls.get();
    assert!(billing(&store, &up).send(&id, None).is_err());
    assert_eq!(up.calls.get(), calls);
}

#[test]
fn reads_and_payments_never_ask_clients() {
    let store = MemoryStore::default();
    let up = Directory::active(Some("EUR"));
    let id = draft(&store, &up);
    billing(&store, &up).send(&id, None).expect("sent");
    let down = Directory::answering(Err(BillingError::ClientsUnavailable { retry_after: 1 }));
    let b = billing(&store, &down);
    assert!(b.get(&id).is_ok());
    assert!(b.list(&ListQuery::parse("").expect("query")).is_ok());
    let paid = b
        .record_payment(
            &id,
            None,
            serde_json::from_value(json!({"amount": 1000})).expect("payment"),
            None,
        )
        .expect("paid");
    assert_eq!(paid.invoice.status, Status::Paid);
    assert_eq!(down.calls.get(), 0);
}

#[test]
fn credits_lower_the_balance_settle_the_invoice_and_never_pass_its_total() {
    let (store, clients) = (MemoryStore::default(), Directory::active(Some("EUR")));
    let b = billing(&store, &clients);
    let id = draft(&store, &clients);
    let credit = |body: serde_json::Value| {
        b.credit(
            &id,
            None,
            serde_json::from_value(body).expect("credit"),
            None,
        )
        .map(|created| created.invoice)
    };
    assert!(
        matches!(credit(json!({})), Err(BillingError::Illegal(_))),
        "a draft is edited, not credited"
    );
    b.send(&id, None).expect("sent");
    // Another credit lands between our read and our write: decided again, still fits.
    store.interfere.set(1);
    let part = credit(json!({"amount": 300})).expect("part");
    assert_eq!((part.amount_credited, part.balance_due()), (300, 700));
    assert_eq!(part.status, Status::Sent);
    assert!(matches!(
        credit(json!({"amount": 701})),
        Err(BillingError::Invalid(_))
    ));
    let settled = credit(json!({"amount": 700})).expect("the rest");
    assert_eq!(settled.status, Status::Paid);
    assert!(settled.fully_credited());
    assert_eq!(settled.balance_due(), 0);
    assert_eq!(settled.credit_notes.len(), 2);
    assert_eq!(
        store
            .event_types()
            .iter()
            .filter(|t| **t == EventType::CreditNoteIssued)
            .count(),
        2
    );
    assert!(
        !store.event_types().contains(&EventType::InvoicePaid),
        "a credit is not a payment"
    );
    assert!(matches!(
        credit(json!({"amount": 1})),
        Err(BillingError::Invalid(_))
    ));
}

/// A request body (a payment, a credit, a refund) from its JSON.
fn body<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("body")
}

#[test]
fn refunds_pay_back_what_a_credit_left_owed_and_never_more() {
    let (store, clients) = (MemoryStore::default(), Directory::active(Some("EUR")));
    let b = billing(&store, &clients);
    let id = draft(&store, &clients);
    b.send(&id, None).expect("sent");
    b.record_payment(&id, None, body(json!({"amount": 1000})), None)
        .expect("paid in full");
    let credited = b
        .credit(&id, None, body(json!({"amount": 300})), None)
        .expect("credited")
        .invoice;
    assert_eq!((credited.owed_back(), credited.balance_due()), (300, 0));
    let note = credited.credit_notes[0].id.clone();
    let refund = |note: &str, v: serde_json::Value| {
        b.refund(&id, note, None, body(v), None)
            .map(|created| created.invoice)
    };
    assert_eq!(
        refund("c-9", json!({"amount": 1})).map(|_| ()),
        Err(BillingError::NoCreditNote)
    );
    let Err(BillingError::Invalid(errors)) = refund(&note, json!({"amount": 301})) else {
        panic!("more than is owed back");
    };
    assert!(errors[0].message.contains("(3.00 EUR)"), "{errors:?}");
    // Another change lands between our read and our write: decided again, still fits.
    store.interfere.set(1);
    let part = refund(&note, json!({"amount": 100, "method": "bank transfer"})).expect("part");
    assert_eq!((part.amount_refunded, part.owed_back()), (100, 200));
    assert_eq!(part.status, Status::Paid, "a refund moves no balance");
    assert_eq!(
        part.credit_notes[0].refunds[0].method.as_deref(),
        Some("bank transfer")
    );
    let all = refund(&note, json!({"amount": 200})).expect("the rest");
    assert_eq!(all.owed_back(), 0);
    let Err(BillingError::Invalid(errors)) = refund(&note, json!({"amount": 1})) else {
        panic!("nothing owed back any more");
    };
    assert!(
        errors[0].message.contains("nothing is owed back"),
        "{errors:?}"
    );
    assert_eq!(
        store
            .event_types()
            .iter()
            .filter(|t| **t == EventType::RefundRecorded)
            .count(),
        2
    );
}

#[test]
fn a_credit_on_an_unpaid_invoice_owes_nothing_back_and_a_refund_is_refused() {
    let (store, clients) = (MemoryStore::default(), Directory::active(Some("EUR")));
    let b = billing(&store, &clients);
    let id = draft(&store, &clients);
    b.send(&id, None).expect("sent");
    let credited = b
        .credit(&id, None, body(json!({"amount": 300})), None)
        .expect("credited")
        .invoice;
    let note = credited.credit_notes[0].id.clone();
    // Paid just what the invoice still charges after the credit: nothing owed back.
    b.record_payment(&id, None, body(json!({"amount": 700})), None)
        .expect("paid");
    assert!(matches!(
        b.refund(&id, &note, None, body(json!({"amount": 1})), None),
        Err(BillingError::Invalid(_))
    ));
    for bad in [
        json!({}),
        json!({"amount": 0}),
        json!({"amount": 1, "refunded_on": "10/03/2026"}),
    ] {
        let Err(BillingError::Invalid(errors)) =
            b.refund(&id, &note, None, body(bad.clone()), None)
        else {
            panic!("{bad} refused");
        };
        assert!(
            ["amount", "refunded_on"].contains(&errors[0].field.as_str()),
            "{errors:?}"
        );
    }
}

#[test]
fn a_pinned_version_that_moved_is_stale_and_an_unpinned_action_retries() {
    let (store, clients) = (MemoryStore::default(), Directory::active(Some("EUR")));
    let b = billing(&store, &clients);
    let id = b.create(one_line(), None).expect("created").invoice.id;
    assert_eq!(
        b.send(&id, Some(7)).map(|i| i.version),
        Err(BillingError::StaleVersion { current: 1 })
    );
    // Another request changes the invoice between our read and our write.
    store.interfere.set(1);
    assert_eq!(
        b.update(&id, Some(1), input(json!({"notes": "x"})))
            .map(|i| i.version),
        Err(BillingError::StaleVersion { current: 2 })
    );
    store.interfere.set(1);
    let sent = b.send(&id, None).expect("retried");
    assert_eq!(sent.status, Status::Sent);
    store.interfere.set(ATTEMPTS);
    assert_eq!(
        b.void(&id, None).map(|i| i.status),
        Err(BillingError::Contended)
    );
}

#[test]
fn moving_a_draft_to_another_client_asks_clients() {
    let (store, clients) = (MemoryStore::default(), Directory::active(Some("EUR")));
    let id = draft(&store, &clients);
    let gone = Directory::answering(Ok(ClientLookup::Missing));
    let b = billing(&store, &gone);
    assert!(b
        .update(&id, None, input(json!({"notes": "same client"})))
        .is_ok());
    assert_eq!(gone.calls.get(), 0);
    let other = "7f1c2b1e-8a7d-4c7e-9f55-0d2b6d0e4a11";
    assert!(matches!(
        b.update(&id, None, input(json!({"client_id": other}))),
        Err(BillingError::Invalid(_))
    ));
    assert_eq!(gone.calls.get(), 1);
}

#[test]
fn each_use_case_writes_its_events_and_a_refused_one_writes_none() {
    let (store, clients) = (MemoryStore::default(), Directory::active(Some("EUR")));
    let b = billing(&store, &clients);
    let id = b.create(one_line(), None).expect("created").invoice.id;
    b.update(&id, None, input(json!({"notes": "x"})))
        .expect("edited");
    b.send(&id, None).expect("sent");
    let pay = |amount: i64| {
        b.record_payment(
            &id,
            None,
            serde_json::from_value(json!({ "amount": amount })).expect("payment"),
            None,
        )
    };
    pay(400).expect("partly paid");
    pay(600).expect("paid");
    let draft = b.create(one_line(), None).expect("created").invoice.id;
    b.void(&draft, None).expect("voided");
    let deleted = b.create(one_line(), None).expect("created").invoice.id;
    b.delete(&deleted, None).expect("deleted");
    use EventType::*;
    assert_eq!(
        store.event_types(),
        [
            InvoiceCreated,
            InvoiceUpdated,
            InvoiceSent,
            PaymentRecorded,
            PaymentRecorded,
            InvoicePaid,
            InvoiceCreated,
            InvoiceVoided,
            InvoiceCreated,
            InvoiceDeleted
        ]
    );
    let written = store.events.borrow().len();
    assert!(pay(1).is_err(), "a paid invoice takes no payment");
    assert!(b.send(&id, None).is_err());
    assert!(b.update(&id, None, input(json!({"notes": "y"}))).is_err());
    assert!(b.void(&draft, Some(1)).is_err(), "stale If-Match");
    assert_eq!(
        store.events.borrow().len(),
        written,
        "refusals write nothing"
    );
}
