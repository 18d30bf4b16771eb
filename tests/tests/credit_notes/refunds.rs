//! Money paid back against a credit note: only what a credit on a paid invoice left
//! owed back, once however many requests race, and nothing for a bad body, a stranger
//! or a bad token.

use fin_e2e::{concurrently, id, User};
use serde_json::{json, Value};

use super::{app, credit, event_types, sent};

/// A sent invoice of 410.50 paid in full, then credited 119.00 (100.00 at 19 %): 119.00
/// is owed back. The invoice, and the path of its credit note's refunds.
fn owed_back(user: &User) -> (Value, String) {
    let invoice = sent(user);
    let paid = user.post(
        &format!("/invoices/{}/payments", id(&invoice)),
        &json!({"amount": 41050}),
    );
    assert_eq!(paid.status, 201, "{}", paid.body);
    let credited = credit(user, &invoice, &json!({"amount": 10000, "tax_rate": "19"}));
    assert_eq!(credited.status, 201, "{}", credited.body);
    let credited = credited.json();
    assert_eq!(
        (
            &credited["owed_back"],
            &credited["balance_due"],
            &credited["status"]
        ),
        (&json!(11900), &json!(0), &json!("paid"))
    );
    let note = id(&credited["credit_notes"][0]);
    let path = format!("/invoices/{}/credit-notes/{note}/refunds", id(&invoice));
    (credited, path)
}

#[test]
fn a_credit_on_a_paid_invoice_is_paid_back_once_and_never_more() {
    let user = User::sign_up(app(), "refund");
    let (invoice, refunds) = owed_back(&user);
    let over = user.post(&refunds, &json!({"amount": 11901})).problem(422);
    assert_eq!(over["errors"][0]["field"], "amount", "{over}");
    assert!(
        over["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("119.00 EUR")),
        "{over}"
    );
    // Four requests each paying back the whole 119.00 at once: one is recorded.
    let body = json!({"amount": 11900, "refunded_on": "2026-12-01", "method": "bank transfer"});
    let replies = concurrently(4, |_| user.post(&refunds, &body));
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [201, 409, 422].contains(s)),
        "{statuses:?}"
    );
    let now = user.get(&format!("/invoices/{}", id(&invoice))).json();
    assert_eq!(
        (
            &now["amount_refunded"],
            &now["owed_back"],
            &now["status"],
            &now["balance_due"]
        ),
        (&json!(11900), &json!(0), &json!("paid"), &json!(0)),
        "a refund moves no balance"
    );
    let note = &now["credit_notes"][0];
    assert_eq!(note["amount_refunded"], 11900);
    assert_eq!(note["refunds"][0]["refunded_on"], "2026-12-01");
    assert_eq!(note["refunds"][0]["method"], "bank transfer");
    assert_eq!(
        event_types(&invoice)
            .iter()
            .filter(|t| *t == "refund.recorded")
            .count(),
        1
    );
    let nothing = user.post(&refunds, &json!({"amount": 1})).problem(422);
    assert!(
        nothing["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("nothing is owed back")),
        "{nothing}"
    );
}

#[test]
fn a_keyed_refund_is_recorded_once_and_a_stale_version_not_at_all() {
    let user = User::sign_up(app(), "refund-key");
    let (invoice, refunds) = owed_back(&user);
    let keyed = |amount: i64| {
        user.call("POST", &refunds)
            .header("idempotency-key", "refund-1")
            .json(&json!({"amount": amount}))
            .send()
    };
    let first = keyed(5000);
    assert_eq!(first.status, 201, "{}", first.body);
    let again = keyed(5000);
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["amount_refunded"], 5000);
    keyed(6900).problem(422);
    let stale = user
        .call("POST", &refunds)
        .header("if-match", &format!("\"{}\"", invoice["version"]))
        .json(&json!({"amount": 100}))
        .send();
    stale.problem(412);
    assert!(stale.header("etag").is_some());
    assert_eq!(
        user.get(&format!("/invoices/{}", id(&invoice))).json()["amount_refunded"],
        5000
    );
}

#[test]
fn bad_refund_bodies_strangers_and_tokens_change_nothing() {
    let user = User::sign_up(app(), "refund-bad");
    let (invoice, refunds) = owed_back(&user);
    let before = user.get(&format!("/invoices/{}", id(&invoice))).json();
    let raw = |body: &[u8]| {
        user.call("POST", &refunds)
            .raw("application/json", body.to_vec())
            .send()
    };
    raw(b"{\"amount\": ").problem(400);
    raw(&[0xff, 0xfe, b'{', b'}']).problem(400);
    raw(&vec![b' '; 20_000]).problem(413);
    for (body, field) in [
        (json!({}), "amount"),
        (json!({"amount": "5"}), "amount"),
        (json!({"amount": 1.5}), "amount"),
        (json!({"amount": -1}), "amount"),
        (
            json!({"amount": 1, "refunded_on": "01/12/2026"}),
            "refunded_on",
        ),
        (json!({"amount": 1, "method": "x".repeat(51)}), "method"),
    ] {
        let problem = user.post(&refunds, &body).problem(422);
        assert!(
            problem["errors"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["field"] == field)),
            "{body}: {problem}"
        );
    }
    user.post(&refunds, &json!({"amount": 1, "colour": "red"}))
        .problem(422);
    user.call("POST", &refunds)
        .raw("text/plain", b"{\"amount\": 1}".to_vec())
        .send()
        .problem(415);
    // Another note, another invoice's note, another user: nothing to find.
    let unknown = refunds.replace(
        &id(&before["credit_notes"][0]),
        "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11",
    );
    user.post(&unknown, &json!({"amount": 1})).problem(404);
    let malformed = refunds.replace(&id(&before["credit_notes"][0]), "not-a-note");
    user.post(&malformed, &json!({"amount": 1})).problem(404);
    let stranger = User::sign_up(app(), "refund-stranger");
    stranger.post(&refunds, &json!({"amount": 1})).problem(404);
    app()
        .client()
        .post_json(&refunds, &json!({"amount": 1}))
        .problem(401);
    User {
        token: format!("{}x", user.token),
        http: app().client(),
    }
    .post(&refunds, &json!({"amount": 1}))
    .problem(401);
    let after = user.get(&format!("/invoices/{}", id(&invoice))).json();
    assert_eq!(after, before, "nothing changed");
}
