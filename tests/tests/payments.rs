//! The Stripe webhook end to end, under `spin up`: payments (the webhook) settles money
//! with billing through billing's settlement, linked into payments. Each case checks the
//! status and what was stored — in payments' table, billing's invoice and payments, and
//! billing's outbox — and that a refused request stored nothing at all.

use std::sync::{Mutex, MutexGuard, OnceLock};

use fin_e2e::stripe::{self, checkout_session, payment_intent};
use fin_e2e::{id, App, AppOptions, Reply, User, WEBHOOK_SECRET};
use serde_json::{json, Value};

const MAX_WEBHOOK_BYTES: usize = 8192;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "payments",
        redis_dbs: [15, 15, 15],
        variables: vec![(
            "payments_webhook_max_body_bytes",
            MAX_WEBHOOK_BYTES.to_string(),
        )],
        ..AppOptions::default()
    })
}

/// The tests compare whole-table footprints, so they run one at a time.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn user(tag: &str) -> User {
    User::sign_up(app(), tag)
}

fn unique(prefix: &str) -> String {
    fin_e2e::unique_email(prefix).replace(['@', '.', '-'], "_")
}

/// Delivers `event` signed as Stripe would, now, with the app's secret.
fn deliver(event: &Value) -> Reply {
    stripe::delivery(&app().client(), event).send()
}

fn deliver_raw(body: Vec<u8>, signature: Option<&str>) -> Reply {
    let mut call = app().client().post("/payments/webhook");
    if let Some(signature) = signature {
        call = call.header("stripe-signature", signature);
    }
    call.raw("application/json", body).send()
}

/// A 2xx acknowledgement's outcome and reason.
fn acknowledged(reply: &Reply) -> (String, Option<String>, bool) {
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["received"], true);
    (
        body["outcome"].as_str().expect("outcome").to_owned(),
        body["reason"].as_str().map(str::to_owned),
        body["duplicate_delivery"]
            .as_bool()
            .expect("duplicate_delivery"),
    )
}

/// What is stored in every table the webhook may touch, to show nothing moved.
fn footprint() -> (i64, i64, i64, i64) {
    let mut db = app().db();
    let count = |db: &mut postgres::Client, sql: &str| -> i64 {
        db.query_one(sql, &[]).expect("count").get(0)
    };
    (
        count(&mut db, "SELECT count(*) FROM provider_events"),
        count(&mut db, "SELECT count(*) FROM payments"),
        count(&mut db, "SELECT count(*) FROM outbox"),
        count(
            &mut db,
            "SELECT coalesce(sum(version), 0)::bigint FROM invoices",
        ),
    )
}

/// (status, amount_paid, amount_overpaid) of an invoice, read in the database.
fn stored_invoice(invoice_id: &str) -> (String, i64, i64) {
    let row = app()
        .db()
        .query_one(
            "SELECT status, amount_paid, amount_overpaid FROM invoices WHERE id = $1::text::uuid",
            &[&invoice_id],
        )
        .expect("invoice");
    (row.get(0), row.get(1), row.get(2))
}

/// The row payments keeps for an event: (outcome, reason, owner, amount).
type StoredEvent = (String, Option<String>, Option<String>, Option<i64>);

fn stored_event(event_id: &str) -> Option<StoredEvent> {
    app()
        .db()
        .query_opt(
            "SELECT outcome, reason, owner_id::text, amount FROM provider_events WHERE event_id = $1",
            &[&event_id],
        )
        .expect("event")
        .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
}

/// The outbox events written for an invoice, oldest first.
fn events_of(invoice_id: &str) -> Vec<String> {
    app()
        .db()
        .query(
            "SELECT type FROM outbox WHERE aggregate_id = $1::text::uuid ORDER BY tx, seq",
            &[&invoice_id],
        )
        .expect("outbox")
        .iter()
        .map(|row| row.get(0))
        .collect()
}

fn metadata(invoice: &Value) -> Value {
    json!({"invoice_id": id(invoice)})
}

#[test]
fn partial_full_and_over_payments_settle_the_invoice_and_keep_the_excess() {
    let _serial = serial();
    let alice = user("pay-alice");
    let invoice = alice.sent_invoice("EUR", 10_000);
    let invoice_id = id(&invoice);

    let partial = deliver(&payment_intent(
        &unique("evt"),
        &unique("pi"),
        4_000,
        "eur",
        metadata(&invoice),
    ));
    assert_eq!(acknowledged(&partial).0, "applied");
    assert_eq!(stored_invoice(&invoice_id), ("sent".into(), 4_000, 0));

    let over_event = unique("evt");
    let over = deliver(&payment_intent(
        &over_event,
        &unique("pi"),
        7_500,
        "eur",
        metadata(&invoice),
    ));
    assert_eq!(acknowledged(&over).0, "applied");
    assert_eq!(stored_invoice(&invoice_id), ("paid".into(), 10_000, 1_500));
    assert_eq!(
        events_of(&invoice_id),
        [
            "invoice.created",
            "invoice.sent",
            "payment.recorded",
            "payment.recorded",
            "invoice.paid"
        ]
    );

    // The owner sees it on the invoice and in their provider payments.
    let shown = alice.get(&format!("/invoices/{invoice_id}")).json();
    assert_eq!(shown["status"], "paid");
    assert_eq!(shown["amount_overpaid"], 1_500);
    assert_eq!(shown["balance_due"], 0);
    let stripe_payments: Vec<&Value> = shown["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .filter(|p| p["source"] == "stripe")
        .collect();
    assert_eq!(stripe_payments.len(), 2);
    assert_eq!(stripe_payments[1]["amount"], 7_500);
    assert_eq!(stripe_payments[1]["overpaid"], 1_500);
    let listed = alice.get("/payments").json();
    let over_row = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["event_id"] == over_event.as_str())
        .expect("listed");
    assert_eq!(over_row["amount_applied"], 6_000);
    assert_eq!(over_row["amount_overpaid"], 1_500);
    assert_eq!(over_row["outcome"], "applied");

    // Paying a paid invoice again: all of it kept as overpaid, never dropped.
    let again = deliver(&payment_intent(
        &unique("evt"),
        &unique("pi"),
        500,
        "eur",
        metadata(&invoice),
    ));
    assert_eq!(acknowledged(&again).0, "applied");
    assert_eq!(stored_invoice(&invoice_id), ("paid".into(), 10_000, 2_000));
    assert_eq!(
        events_of(&invoice_id).last().map(String::as_str),
        Some("payment.recorded"),
        "no second invoice.paid"
    );
}

#[test]
fn a_redelivered_event_and_a_second_event_for_the_same_money_change_nothing() {
    let _serial = serial();
    let alice = user("pay-redeliver");
    let invoice = alice.sent_invoice("EUR", 10_000);
    let invoice_id = id(&invoice);
    let intent = unique("pi");
    let event = payment_intent(&unique("evt"), &intent, 3_000, "eur", metadata(&invoice));
    assert_eq!(
        acknowledged(&deliver(&event)),
        ("applied".into(), None, false)
    );
    let before = footprint();
    let (_, _, duplicate) = acknowledged(&deliver(&event));
    assert!(duplicate, "a redelivery says it was one");
    assert_eq!(footprint(), before, "a redelivery stores nothing");

    // Checkout announces the same PaymentIntent again under another event id.
    let session = checkout_session(&unique("evt"), &intent, 3_000, "eur", metadata(&invoice));
    let (outcome, _, _) = acknowledged(&deliver(&session));
    assert_eq!(outcome, "applied");
    assert_eq!(stored_invoice(&invoice_id), ("sent".into(), 3_000, 0));
    let session_row = alice.get("/payments").json()["items"][0].clone();
    assert_eq!(session_row["type"], "checkout.session.completed");
    assert_eq!(session_row["duplicate"], true);
    assert_eq!(session_row["amount_applied"], 0);
    assert_eq!(
        events_of(&invoice_id).len(),
        3,
        "created, sent, one payment"
    );
}

#[test]
fn a_paid_checkout_session_alone_settles_and_an_unpaid_one_is_ignored() {
    let _serial = serial();
    let alice = user("pay-checkout");
    let invoice = alice.sent_invoice("USD", 2_500);
    let unpaid_event = unique("evt");
    let mut unpaid = checkout_session(
        &unpaid_event,
        &unique("pi"),
        2_500,
        "usd",
        metadata(&invoice),
    );
    unpaid["data"]["object"]["payment_status"] = json!("unpaid");
    let (outcome, reason, _) = acknowledged(&deliver(&unpaid));
    assert_eq!(outcome, "ignored");
    assert!(reason.is_some());
    assert_eq!(stored_invoice(&id(&invoice)).1, 0);
    assert_eq!(
        stored_event(&unpaid_event).map(|e| e.0),
        Some("ignored".into())
    );

    let paid = checkout_session(
        &unique("evt"),
        &unique("pi"),
        2_500,
        "usd",
        metadata(&invoice),
    );
    assert_eq!(acknowledged(&deliver(&paid)).0, "applied");
    assert_eq!(stored_invoice(&id(&invoice)), ("paid".into(), 2_500, 0));
}

#[test]
fn money_that_cannot_be_applied_is_kept_visible_to_its_owner_and_never_lost() {
    let _serial = serial();
    let alice = user("pay-unapplied");
    let bob = user("pay-unapplied-bob");
    let euros = alice.sent_invoice("EUR", 1_000);
    let void = alice.sent_invoice("EUR", 1_000);
    alice.act(&id(&void), "void");
    let draft = alice.draft(&alice.client("EUR"), 1_000);
    let deleted = alice.draft(&alice.client("EUR"), 1_000);
    assert_eq!(
        alice.delete(&format!("/invoices/{}", id(&deleted))).status,
        204
    );
    let bobs = bob.sent_invoice("EUR", 1_000);

    let cases: Vec<(&str, Value, &str, Option<String>)> = vec![
        (
            "currency",
            payment_intent(
                &unique("evt"),
                &unique("pi"),
                1_000,
                "usd",
                metadata(&euros),
            ),
            "currency_mismatch",
            Some(alice.user_id()),
        ),
        (
            "void",
            payment_intent(&unique("evt"), &unique("pi"), 1_000, "eur", metadata(&void)),
            "invoice_void",
            Some(alice.user_id()),
        ),
        (
            "draft",
            payment_intent(
                &unique("evt"),
                &unique("pi"),
                1_000,
                "eur",
                metadata(&draft),
            ),
            "invoice_not_sent",
            Some(alice.user_id()),
        ),
        (
            "deleted",
            payment_intent(
                &unique("evt"),
                &unique("pi"),
                1_000,
                "eur",
                metadata(&deleted),
            ),
            "invoice_deleted",
            Some(alice.user_id()),
        ),
        (
            "unknown",
            payment_intent(
                &unique("evt"),
                &unique("pi"),
                1_000,
                "eur",
                json!({"invoice_id": "6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11", "owner_id": alice.user_id()}),
            ),
            "invoice_not_found",
            Some(alice.user_id()),
        ),
        (
            "garbage id",
            payment_intent(
                &unique("evt"),
                &unique("pi"),
                1_000,
                "eur",
                json!({"invoice_id": "INV-2026-0001'; DROP TABLE invoices;--"}),
            ),
            "invoice_not_found",
            None,
        ),
        (
            "no metadata",
            payment_intent(&unique("evt"), &unique("pi"), 1_000, "eur", json!({})),
            "invoice_not_found",
            None,
        ),
        // Alice's payment naming Bob's invoice: Bob's invoice is not touched, the money
        // stays with Alice.
        (
            "other user's invoice",
            payment_intent(
                &unique("evt"),
                &unique("pi"),
                1_000,
                "eur",
                json!({"invoice_id": id(&bobs), "owner_id": alice.user_id()}),
            ),
            "owner_mismatch",
            Some(alice.user_id()),
        ),
    ];
    for (case, event, reason, owner) in cases {
        let before = footprint();
        let (outcome, said, _) = acknowledged(&deliver(&event));
        assert_eq!(
            (outcome.as_str(), said.as_deref()),
            ("unapplied", Some(reason)),
            "{case}"
        );
        let event_id = event["id"].as_str().expect("id");
        assert_eq!(
            stored_event(event_id),
            Some(("unapplied".into(), Some(reason.into()), owner, Some(1_000))),
            "{case}: kept with its amount"
        );
        let after = footprint();
        assert_eq!(after.0, before.0 + 1, "{case}: one event recorded");
        assert_eq!(
            (after.1, after.2, after.3),
            (before.1, before.2, before.3),
            "{case}: billing untouched"
        );
    }
    for (invoice, status) in [(&euros, "sent"), (&void, "void"), (&bobs, "sent")] {
        assert_eq!(stored_invoice(&id(invoice)), (status.into(), 0, 0));
    }
    assert_eq!(stored_invoice(&id(&draft)).1, 0);

    // Alice sees her six; Bob sees none of them.
    let listed = alice.get("/payments?outcome=unapplied&limit=100").json();
    assert_eq!(listed["items"].as_array().expect("items").len(), 6);
    assert!(listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["outcome"] == "unapplied"));
    assert_eq!(bob.get("/payments").json()["items"], json!([]));
}

#[test]
fn unknown_event_types_are_acknowledged_and_recorded_as_ignored() {
    let _serial = serial();
    let event_id = unique("evt");
    let event = stripe::event(
        &event_id,
        "customer.created",
        json!({"id": "cus_1", "object": "customer"}),
    );
    let before = footprint();
    let (outcome, _, _) = acknowledged(&deliver(&event));
    assert_eq!(outcome, "ignored");
    assert_eq!(stored_event(&event_id).map(|e| e.0), Some("ignored".into()));
    let after = footprint();
    assert_eq!(
        (after.0, after.1, after.2),
        (before.0 + 1, before.1, before.2)
    );
}

#[test]
fn requests_not_provably_from_stripe_or_unreadable_are_refused_and_store_nothing() {
    let _serial = serial();
    let alice = user("pay-refused");
    let invoice = alice.sent_invoice("EUR", 1_000);
    let event = payment_intent(
        &unique("evt"),
        &unique("pi"),
        1_000,
        "eur",
        metadata(&invoice),
    );
    let body = event.to_string().into_bytes();
    let now = fin_e2e::dates::now();
    let good = stripe::signature(WEBHOOK_SECRET, now, &body);
    let signature_part = good
        .split_once(",v1=")
        .map(|(_, s)| s.to_owned())
        .unwrap_or_default();
    let before = footprint();

    let refusals: Vec<(&str, Vec<u8>, Option<String>)> = vec![
        ("missing header", body.clone(), None),
        ("malformed header", body.clone(), Some("sha256=abc".into())),
        ("no v1", body.clone(), Some(format!("t={now}"))),
        ("non-hex v1", body.clone(), Some(format!("t={now},v1=zz"))),
        (
            "wrong secret",
            body.clone(),
            Some(stripe::signature("whsec_not_ours", now, &body)),
        ),
        (
            "bad signature",
            body.clone(),
            Some(format!("t={now},v1={}", "0".repeat(64))),
        ),
        (
            "another body",
            br#"{"id":"evt_x"}"#.to_vec(),
            Some(good.clone()),
        ),
        (
            "stale",
            body.clone(),
            Some(stripe::signature(WEBHOOK_SECRET, now - 301, &body)),
        ),
        (
            "future",
            body.clone(),
            // Far enough ahead that the seconds this test takes cannot bring it back
            // inside the tolerance (the exact boundary is a unit test in signature.rs).
            Some(stripe::signature(WEBHOOK_SECRET, now + 330, &body)),
        ),
        // A valid signature moved onto another timestamp.
        (
            "replayed later",
            body.clone(),
            Some(format!("t={},v1={signature_part}", now - 10)),
        ),
    ];
    for (case, body, header) in refusals {
        let reply = deliver_raw(body, header.as_deref());
        let problem = reply.problem(400);
        assert_eq!(problem["type"], "/problems/invalid-signature", "{case}");
        assert_eq!(footprint(), before, "{case}: nothing stored");
    }

    // Signed correctly, but not an event we can read.
    let malformed: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", b"{\"id\": \"evt_".to_vec()),
        ("empty", Vec::new()),
        (
            "no data",
            json!({"id": unique("evt"), "type": "payment_intent.succeeded", "created": now})
                .to_string()
                .into_bytes(),
        ),
        (
            "string amount",
            payment_intent(&unique("evt"), &unique("pi"), 1, "eur", metadata(&invoice))
                .to_string()
                .replace("\"amount_received\":1", "\"amount_received\":\"1\"")
                .into_bytes(),
        ),
        (
            "negative amount",
            payment_intent(&unique("evt"), &unique("pi"), -5, "eur", metadata(&invoice))
                .to_string()
                .into_bytes(),
        ),
        (
            "bad currency",
            payment_intent(
                &unique("evt"),
                &unique("pi"),
                5,
                "euros",
                metadata(&invoice),
            )
            .to_string()
            .into_bytes(),
        ),
        ("array", b"[1,2,3]".to_vec()),
    ];
    for (case, body) in malformed {
        let header = stripe::signature(WEBHOOK_SECRET, fin_e2e::dates::now(), &body);
        let reply = deliver_raw(body, Some(&header));
        assert_eq!(
            reply.problem(400)["type"],
            "/problems/malformed-request",
            "{case}"
        );
        assert_eq!(footprint(), before, "{case}: nothing stored");
    }

    // Too large, announced or streamed.
    let mut large = payment_intent(
        &unique("evt"),
        &unique("pi"),
        1_000,
        "eur",
        metadata(&invoice),
    );
    large["data"]["object"]["description"] = json!("x".repeat(MAX_WEBHOOK_BYTES));
    let large = large.to_string().into_bytes();
    let header = stripe::signature(WEBHOOK_SECRET, fin_e2e::dates::now(), &large);
    assert_eq!(deliver_raw(large.clone(), Some(&header)).status, 413);
    let chunked = app()
        .client()
        .post("/payments/webhook")
        .header("stripe-signature", &header)
        .raw("application/json", large)
        .chunked()
        .send();
    assert_eq!(chunked.problem(413)["type"], "/problems/payload-too-large");
    assert_eq!(footprint(), before, "nothing stored");
    assert_eq!(stored_invoice(&id(&invoice)), ("sent".into(), 0, 0));

    // And the real thing still works afterwards.
    assert_eq!(acknowledged(&deliver(&event)).0, "applied");
}

#[test]
fn concurrent_deliveries_of_one_payment_settle_it_once() {
    let _serial = serial();
    let alice = user("pay-concurrent");
    let invoice = alice.sent_invoice("EUR", 10_000);
    let intent = unique("pi");
    let events: Vec<Value> = (0..6)
        .map(|n| {
            // Three redeliveries of one event and three events for the same money.
            let event_id = if n % 2 == 0 {
                format!("evt_same_{intent}")
            } else {
                unique("evt")
            };
            payment_intent(&event_id, &intent, 2_500, "eur", metadata(&invoice))
        })
        .collect();
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = events.iter().map(|e| s.spawn(move || deliver(e))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for reply in &replies {
        assert_eq!(acknowledged(reply).0, "applied");
    }
    assert_eq!(stored_invoice(&id(&invoice)), ("sent".into(), 2_500, 0));
    let payments: i64 = app()
        .db()
        .query_one(
            "SELECT count(*) FROM payments WHERE provider_payment_ref = $1",
            &[&intent],
        )
        .expect("count")
        .get(0);
    assert_eq!(payments, 1);
}

#[test]
fn the_list_is_the_callers_own_paged_and_needs_a_valid_token() {
    let _serial = serial();
    let alice = user("pay-list");
    let invoice = alice.sent_invoice("EUR", 100_000);
    for _ in 0..3 {
        deliver(&payment_intent(
            &unique("evt"),
            &unique("pi"),
            1_000,
            "eur",
            metadata(&invoice),
        ));
    }
    let first = alice.get("/payments?limit=2").json();
    assert_eq!(first["items"].as_array().expect("items").len(), 2);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = alice
        .get(&format!("/payments?limit=2&cursor={cursor}"))
        .json();
    assert_eq!(second["items"].as_array().expect("items").len(), 1);
    assert_eq!(second["next_cursor"], Value::Null);
    let mut seen: Vec<String> = first["items"]
        .as_array()
        .into_iter()
        .chain(second["items"].as_array())
        .flatten()
        .map(|i| i["event_id"].as_str().expect("event_id").to_owned())
        .collect();
    seen.dedup();
    assert_eq!(seen.len(), 3, "every payment once");

    let problem = alice
        .get("/payments?limit=0&page=2&outcome=lost&cursor=x")
        .problem(422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["limit", "page", "outcome", "cursor"]);

    assert_eq!(
        app().client().get("/payments").send().problem(401)["type"],
        "/problems/unauthorized"
    );
    let expired = alice.expired_token();
    let reply = app().client().get("/payments").bearer(&expired).send();
    assert!(reply.header("www-authenticate").is_some());
    reply.problem(401);
    app()
        .client()
        .get("/payments")
        .bearer("x.y.z")
        .send()
        .problem(401);
    let forged = format!("{}x", alice.token);
    app()
        .client()
        .get("/payments")
        .bearer(&forged)
        .send()
        .problem(401);
    assert_eq!(
        alice.call("POST", "/payments").send().problem(405)["type"],
        "/problems/method-not-allowed"
    );
    assert_eq!(
        app().client().get("/payments/webhook").send().problem(405)["type"],
        "/problems/method-not-allowed"
    );
    alice.get("/payments/nope").problem(404);
}
