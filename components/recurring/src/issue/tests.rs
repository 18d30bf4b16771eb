use std::cell::RefCell;
use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::domain::TemplateInput;
use crate::memory::Memory;
use crate::service::{self, TemplateStore};

const OWNER: &str = "11111111-1111-4111-8111-111111111111";
const CLIENT: &str = "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11";

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

/// Billing as the sweeper sees it: one invoice per idempotency key, a send that may be
/// refused or down.
#[derive(Default)]
struct Billing {
    /// key → (invoice id, body, sent)
    invoices: RefCell<BTreeMap<String, (String, Value, bool)>>,
    down: RefCell<bool>,
    refuse_create: RefCell<Option<String>>,
}

impl Invoices for Billing {
    fn create(&self, _owner: &str, key: &str, body: &Value) -> Result<String, Refusal> {
        if *self.down.borrow() {
            return Err(Refusal::Unavailable("POST /invoices: 503".into()));
        }
        if let Some(reason) = self.refuse_create.borrow().clone() {
            return Err(Refusal::Refused(reason));
        }
        let mut invoices = self.invoices.borrow_mut();
        let n = invoices.len();
        let (id, first_body, _) = invoices
            .entry(key.to_owned())
            .or_insert_with(|| (format!("invoice-{n}"), body.clone(), false));
        assert_eq!(
            first_body, body,
            "a key is always sent with the same request"
        );
        Ok(id.clone())
    }

    fn send(&self, _owner: &str, invoice_id: &str) -> Result<(), Refusal> {
        if *self.down.borrow() {
            return Err(Refusal::Unavailable("POST /send: 503".into()));
        }
        for (id, _, sent) in self.invoices.borrow_mut().values_mut() {
            if id == invoice_id {
                *sent = true;
            }
        }
        Ok(())
    }
}

fn template(store: &Memory, body: Value, now: &str) -> String {
    let input: TemplateInput = serde_json::from_value(body).expect("a template body");
    service::create(store, OWNER, input, at(now), None)
        .expect("created")
        .0
        .id
}

fn monthly_31st(extra: Value) -> Value {
    let mut body = json!({
        "client_id": CLIENT,
        "lines": [{"description": "Retainer", "quantity": "1", "unit_price": 100000, "tax_rate": "19"}],
        "frequency": "monthly",
        "start_date": "2027-01-31",
        "payment_terms_days": 14,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

fn sweep(store: &Memory, billing: &Billing, now: &str) {
    decide_due(store, at(now)).expect("decided");
    make_owed(store, billing, 100, 120).expect("made");
}

#[test]
fn each_period_becomes_one_invoice_dated_its_day_however_often_it_is_swept() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let billing = Billing::default();
    let id = template(&store, monthly_31st(json!({})), "2026-12-06T10:00:00Z");
    for now in [
        "2027-01-30T23:59:59Z",
        "2027-01-31T00:00:00Z",
        "2027-01-31T00:00:00Z",
        "2027-02-15T00:00:00Z",
        "2027-02-28T00:00:01Z",
    ] {
        sweep(&store, &billing, now);
    }
    let periods = store.periods(&id);
    let dates: Vec<&str> = periods.iter().map(|r| r.issue_date.as_str()).collect();
    assert_eq!(dates, ["2027-01-31", "2027-02-28"]);
    assert!(periods.iter().all(|r| r.state == "draft"));
    let invoices = billing.invoices.borrow();
    assert_eq!(invoices.len(), 2);
    let february = &invoices[&format!("recurring:{id}:1")].1;
    assert_eq!(february["issue_date"], "2027-02-28");
    assert_eq!(february["due_date"], "2027-03-14");
    assert_eq!(february["currency"], "EUR");
    assert_eq!(february["lines"][0]["tax_rate"], "19");
}

#[test]
fn two_sweepers_reading_the_same_due_template_decide_it_once() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let id = template(&store, monthly_31st(json!({})), "2026-12-06T10:00:00Z");
    let now = at("2027-01-31T09:00:00Z");
    // Both read the template before either writes: the second's compare-and-set loses.
    let first = store.due(now, 10).expect("due");
    let second = store.due(now, 10).expect("due");
    for template in first.iter().chain(second.iter()) {
        if let Some(decision) = crate::sweep::decide(&template.fields, template.next_period, now) {
            store.decide(template, &decision).expect("no second row");
        }
    }
    assert_eq!(store.periods(&id).len(), 1);
}

#[test]
fn after_weeks_down_the_latest_period_is_made_or_every_one_as_set() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let billing = Billing::default();
    let latest = template(&store, monthly_31st(json!({})), "2026-12-06T10:00:00Z");
    let every = template(
        &store,
        monthly_31st(json!({"catch_up": "every"})),
        "2026-12-06T10:00:00Z",
    );
    sweep(&store, &billing, "2027-05-02T00:00:00Z");
    let states = |id: &str| -> Vec<(String, String)> {
        store
            .periods(id)
            .into_iter()
            .map(|r| (r.issue_date, r.state))
            .collect()
    };
    let shown = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(d, s)| (d.to_string(), s.to_string()))
            .collect()
    };
    assert_eq!(
        states(&latest),
        shown(&[
            ("2027-01-31", "skipped"),
            ("2027-02-28", "skipped"),
            ("2027-03-31", "skipped"),
            ("2027-04-30", "draft"),
        ])
    );
    assert_eq!(
        states(&every),
        shown(&[
            ("2027-01-31", "draft"),
            ("2027-02-28", "draft"),
            ("2027-03-31", "draft"),
            ("2027-04-30", "draft"),
        ])
    );
    assert_eq!(billing.invoices.borrow().len(), 5);
}

#[test]
fn a_period_made_while_billing_is_down_is_made_later_with_the_same_key() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let billing = Billing::default();
    let id = template(
        &store,
        monthly_31st(json!({"send": true})),
        "2026-12-06T10:00:00Z",
    );
    *billing.down.borrow_mut() = true;
    sweep(&store, &billing, "2027-01-31T00:00:00Z");
    let waiting = &store.periods(&id)[0];
    assert_eq!(waiting.state, "pending");
    assert!(waiting.error.as_deref().is_some_and(|e| e.contains("503")));
    // Within the lease nothing is tried again; after it, it is.
    *billing.down.borrow_mut() = false;
    sweep(&store, &billing, "2027-01-31T00:01:00Z");
    assert_eq!(store.periods(&id)[0].state, "pending");
    store.expire_leases();
    sweep(&store, &billing, "2027-01-31T00:05:00Z");
    let made = &store.periods(&id)[0];
    assert_eq!((made.state.as_str(), made.error.as_deref()), ("sent", None));
    let invoices = billing.invoices.borrow();
    assert_eq!(invoices.len(), 1);
    assert!(invoices.values().all(|(_, _, sent)| *sent));
}

#[test]
fn a_send_that_fails_after_the_invoice_was_made_never_makes_a_second() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let id = template(
        &store,
        monthly_31st(json!({"send": true})),
        "2026-12-06T10:00:00Z",
    );
    decide_due(&store, at("2027-01-31T00:00:00Z")).expect("decided");
    struct SendDown<'a>(&'a Billing);
    impl Invoices for SendDown<'_> {
        fn create(&self, owner: &str, key: &str, body: &Value) -> Result<String, Refusal> {
            self.0.create(owner, key, body)
        }
        fn send(&self, _: &str, _: &str) -> Result<(), Refusal> {
            Err(Refusal::Unavailable("timed out".into()))
        }
    }
    let billing = Billing::default();
    make_owed(&store, &SendDown(&billing), 10, 120).expect("made");
    let created = &store.periods(&id)[0];
    assert_eq!(created.state, "created");
    assert_eq!(created.invoice_id.as_deref(), Some("invoice-0"));
    store.expire_leases();
    make_owed(&store, &billing, 10, 120).expect("sent");
    assert_eq!(store.periods(&id)[0].state, "sent");
    assert_eq!(billing.invoices.borrow().len(), 1);
}

#[test]
fn a_refusal_is_kept_with_its_reason_and_not_tried_again() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let billing = Billing::default();
    let id = template(&store, monthly_31st(json!({})), "2026-12-06T10:00:00Z");
    *billing.refuse_create.borrow_mut() = Some("client_id is not one of your clients".into());
    sweep(&store, &billing, "2027-01-31T00:00:00Z");
    store.expire_leases();
    *billing.refuse_create.borrow_mut() = None;
    sweep(&store, &billing, "2027-02-01T00:00:00Z");
    let failed = &store.periods(&id)[0];
    assert_eq!(failed.state, "failed");
    assert_eq!(
        failed.error.as_deref(),
        Some("client_id is not one of your clients")
    );
    assert!(billing.invoices.borrow().is_empty());
}

fn zone() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("UTC"),
        Just("Europe/Berlin"),
        Just("America/New_York"),
        Just("Australia/Lord_Howe"),
        Just("Pacific/Apia"),
    ]
}

proptest! {
    /// Over any schedule and any increasing sweep times, with two sweepers reading before
    /// either writes: each period due is decided exactly once, made unless the catch-up
    /// setting skipped it, and no period past the last sweep is decided.
    #[test]
    fn every_period_due_is_decided_once_and_only_skipped_when_set(
        frequency in prop_oneof![Just("weekly"), Just("monthly"), Just("quarterly"), Just("yearly")],
        day in 1i8..=31,
        month in 1i8..=12,
        every in any::<bool>(),
        tz in zone(),
        steps in proptest::collection::vec(0i64..90 * 86_400, 1..12),
    ) {
        let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
        let billing = Billing::default();
        let start = jiff::civil::Date::new(2027, month, 1).expect("a month");
        let start = jiff::civil::Date::new(2027, month, day.min(start.days_in_month())).expect("a day");
        let body = json!({
            "client_id": CLIENT,
            "lines": [{"description": "Retainer", "quantity": "1", "unit_price": 1000}],
            "frequency": frequency,
            "start_date": start.to_string(),
            "time_zone": tz,
            "catch_up": if every { "every" } else { "latest" },
        });
        let id = template(&store, body, "2026-12-06T10:00:00Z");
        let mut now = at("2026-12-06T10:00:00Z");
        for step in steps {
            now = now.checked_add(jiff::SignedDuration::from_secs(step)).expect("time");
            let first = store.due(now, 10).expect("due");
            let second = store.due(now, 10).expect("due");
            for t in first.iter().chain(second.iter()) {
                if let Some(decision) = crate::sweep::decide(&t.fields, t.next_period, now) {
                    store.decide(t, &decision).expect("never a period twice");
                }
            }
            make_owed(&store, &billing, 1_000, 120).expect("made");
        }
        let fields = store.get(OWNER, &id).expect("read").expect("there").fields;
        let schedule = fields.schedule();
        let due: Vec<u32> = (0..).take_while(|n| schedule.due_at(*n).is_some_and(|t| t <= now)).collect();
        let decided: Vec<u32> = store.periods(&id).iter().map(|r| r.period).collect();
        prop_assert_eq!(&decided, &due, "exactly the periods due, each once");
        let made = store.periods(&id).iter().filter(|r| r.state == "draft").count();
        prop_assert_eq!(made, billing.invoices.borrow().len());
        if every {
            prop_assert_eq!(made, due.len(), "with `every`, nothing is skipped");
        }
        if let Some(last) = due.last() {
            let newest = store.periods(&id).into_iter().find(|r| r.period == *last).expect("newest");
            prop_assert_eq!(newest.state.as_str(), "draft", "the newest period due is always made");
        }
    }
}
