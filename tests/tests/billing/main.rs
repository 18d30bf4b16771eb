//! Invoices end to end, under `spin up`, against real Postgres and Redis and clients
//! created through the real clients component (billing reads them from the clients
//! context's `client_directory` view; `both_client_directories_answer_alike` also asks
//! the clients API over service chaining, as a deployment apart does).

mod lists;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use fin_e2e::{id, App, AppOptions, Reply, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "billing",
        redis_dbs: [9, 10, 11],
        variables: vec![("max_body_bytes", "8192".into())],
        ..AppOptions::default()
    })
}

/// The same app with billing asking the clients API (`clients_directory = http`) at the
/// in-app `http://clients.spin.internal`.
fn http_directory_app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "billing_http",
        // Not billing's: each app flushes its databases when it starts, mid-suite here.
        redis_dbs: [15, 15, 15],
        variables: vec![("clients_directory", "http".into())],
        ..AppOptions::default()
    })
}

const MISSING: &str = "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11";

fn user(tag: &str) -> User {
    User::sign_up(app(), tag)
}

/// A client of the user's, invoiced in `currency` by default.
fn client(user: &User, currency: &str) -> String {
    id(&user.created(
        "/clients",
        &json!({"name": "Acme", "default_currency": currency}),
    ))
}

fn one_line(client_id: &str) -> Value {
    json!({"client_id": client_id, "lines": [
        {"description": "Consulting", "quantity": 2, "unit_price": 10000, "tax_rate": 19}
    ]})
}

fn invoice(user: &User, client_id: &str) -> Value {
    user.created("/invoices", &one_line(client_id))
}

fn path(invoice: &Value) -> String {
    format!("/invoices/{}", id(invoice))
}

fn numbers(user: &User, query: &str) -> (Vec<String>, Option<String>) {
    let reply = user.get(&format!("/invoices?{query}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let page = reply.json();
    let numbers = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["number"].as_str().expect("number").to_owned())
        .collect();
    (numbers, page["next_cursor"].as_str().map(str::to_owned))
}

fn this_year() -> String {
    // The server numbers by the issue date's year; these tests issue today (UTC).
    fin_e2e::dates::civil(fin_e2e::dates::today()).0.to_string()
}

#[test]
fn totals_are_computed_by_the_server_with_stated_rounding() {
    let user = user("totals");
    let acme = client(&user, "EUR");
    let reply = user.post(
        "/invoices",
        &json!({
            "client_id": acme,
            "issue_date": "2026-03-01",
            "lines": [
                // 1.5 × 33.33 = 49.995 → 50.00 (half away from zero)
                {"description": "Design", "quantity": 1.5, "unit_price": 3333, "tax_rate": "19"},
                {"description": "Books", "quantity": "2", "unit_price": 2500, "tax_rate": 7},
                {"description": "Postage", "quantity": 1, "unit_price": 5}
            ],
            "discount": {"amount": 1000},
            "notes": "Thank you!"
        }),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let invoice = reply.json();
    assert_eq!(reply.header("location"), Some(path(&invoice).as_str()));
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(invoice["status"], "draft");
    assert_eq!(invoice["currency"], "EUR", "the client's default currency");
    assert_eq!(invoice["number"], "INV-2026-0001");
    assert_eq!(invoice["due_date"], "2026-03-31", "net 30 by default");
    let nets: Vec<i64> = invoice["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["net"].as_i64().expect("net"))
        .collect();
    assert_eq!(nets, [5000, 5000, 5]);
    assert_eq!(invoice["lines"][0]["quantity"], "1.5");
    assert_eq!(invoice["subtotal"], 10005);
    assert_eq!(invoice["discount_amount"], 1000);
    // 10.00 off is shared across the rates by their nets (0 %: 0.05, 7 %: 50.00,
    // 19 %: 50.00) by largest remainder: 0.00, 5.00, 5.00. Tax is rounded once per rate:
    // 45.00 × 7 % = 3.15, 45.00 × 19 % = 8.55.
    assert_eq!(invoice["tax"], 855 + 315);
    assert_eq!(invoice["total"], 10005 - 1000 + 855 + 315);
    assert_eq!(invoice["balance_due"], invoice["total"]);
    assert_eq!(invoice["notes"], "Thank you!");
    // The same, per rate: what a document's tax breakdown shows.
    assert_eq!(
        invoice["taxes"],
        json!([
            {"rate": "0", "taxable": 5, "tax": 0},
            {"rate": "7", "taxable": 4500, "tax": 315},
            {"rate": "19", "taxable": 4500, "tax": 855},
        ])
    );

    // The currency named on the invoice wins over the client's default.
    let usd = user.created(
        "/invoices",
        &json!({"client_id": acme, "currency": "usd", "lines": [
            {"description": "x", "quantity": 1, "unit_price": 100}
        ]}),
    );
    assert_eq!(usd["currency"], "USD");
    assert_eq!(user.get(&path(&invoice)).json(), invoice);
}

#[test]
fn invalid_invoices_are_refused_field_by_field_and_nothing_is_stored() {
    let user = user("invalid");
    let acme = client(&user, "EUR");
    let line = json!({"description": "x", "quantity": 1, "unit_price": 100});
    let cases = [
        (json!({"lines": [line]}), "client_id"),
        (json!({"client_id": acme}), "lines"),
        (json!({"client_id": acme, "lines": []}), "lines"),
        (json!({"client_id": "nope", "lines": [line]}), "client_id"),
        (json!({"client_id": 7, "lines": [line]}), "client_id"),
        (json!({"client_id": MISSING, "lines": [line]}), "client_id"),
        (json!({"client_id": acme, "lines": "x"}), "lines"),
        (
            json!({"client_id": acme, "lines": [{"quantity": 1, "unit_price": 1}]}),
            "lines[0].description",
        ),
        (
            json!({"client_id": acme, "lines": [{"description": "x", "unit_price": 1}]}),
            "lines[0].quantity",
        ),
        (
            json!({"client_id": acme, "lines": [{"description": "x", "quantity": -1, "unit_price": 1}]}),
            "lines[0].quantity",
        ),
        (
            json!({"client_id": acme, "lines": [{"description": "x", "quantity": 0.0001, "unit_price": 1}]}),
            "lines[0].quantity",
        ),
        (
            json!({"client_id": acme, "lines": [{"description": "x", "quantity": 1}]}),
            "lines[0].unit_price",
        ),
        (
            json!({"client_id": acme, "lines": [{"description": "x", "quantity": 1, "unit_price": 1.5}]}),
            "lines[0].unit_price",
        ),
        (
            json!({"client_id": acme, "lines": [{"description": "x", "quantity": 1, "unit_price": "100"}]}),
            "lines[0].unit_price",
        ),
        (
            json!({"client_id": acme, "lines": [{"description": "x", "quantity": 1, "unit_price": 1, "tax_rate": 120}]}),
            "lines[0].tax_rate",
        ),
        (
            json!({"client_id": acme, "lines": [line], "currency": "EURO"}),
            "currency",
        ),
        (
            json!({"client_id": acme, "lines": [line], "issue_date": "01/03/2026"}),
            "issue_date",
        ),
        (
            json!({"client_id": acme, "lines": [line], "issue_date": "2026-03-10", "due_date": "2026-03-01"}),
            "due_date",
        ),
        (
            json!({"client_id": acme, "lines": [line], "discount": {"amount": 101}}),
            "discount",
        ),
        (
            json!({"client_id": acme, "lines": [line], "discount": {"percent": 5, "amount": 1}}),
            "discount",
        ),
        (
            json!({"client_id": acme, "lines": [line], "notes": "n".repeat(5001)}),
            "notes",
        ),
        (
            json!({"client_id": acme, "lines": [line], "total": 1}),
            "total",
        ),
        (
            json!({"client_id": acme, "lines": [line], "status": "paid"}),
            "status",
        ),
        (
            json!({"client_id": acme, "lines": [line], "number": "INV-2026-9999"}),
            "number",
        ),
    ];
    for (body, field) in cases {
        let problem = user.post("/invoices", &body).problem(422);
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors
                .iter()
                .any(|e| e["field"].as_str().is_some_and(|f| f.starts_with(field))),
            "expected an error on `{field}` for {body}: {problem}"
        );
    }
    // A client without a default currency needs one on the invoice.
    let plain = id(&user.created("/clients", &json!({"name": "No currency"})));
    let problem = user
        .post("/invoices", &json!({"client_id": plain, "lines": [line]}))
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "currency");
    // Another user's client is no client of ours.
    let other = user_client_of_someone_else();
    let problem = user
        .post("/invoices", &json!({"client_id": other, "lines": [line]}))
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "client_id");
    // An archived client takes no new invoices.
    assert_eq!(user.delete(&format!("/clients/{acme}")).status, 204);
    let problem = user
        .post("/invoices", &json!({"client_id": acme, "lines": [line]}))
        .problem(422);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("archived")),
        "{problem}"
    );

    let bodies: [(&str, Vec<u8>, u16); 4] = [
        ("application/json", b"{\"client_id\":".to_vec(), 400),
        ("application/json", b"[1, 2]".to_vec(), 422),
        ("text/plain", b"{}".to_vec(), 415),
        (
            "application/json",
            json!({"client_id": plain, "notes": "n".repeat(9000), "lines": [line]})
                .to_string()
                .into_bytes(),
            413,
        ),
    ];
    for (content_type, body, status) in bodies {
        user.call("POST", "/invoices")
            .raw(content_type, body.clone())
            .send()
            .problem(status);
        if status == 413 {
            user.call("POST", "/invoices")
                .raw(content_type, body)
                .chunked()
                .send()
                .problem(413);
        }
    }

    assert_eq!(numbers(&user, "").0, Vec::<String>::new(), "nothing stored");
    let first = user.created(
        "/invoices",
        &json!({"client_id": plain, "currency": "EUR", "lines": [line]}),
    );
    assert!(
        first["number"]
            .as_str()
            .is_some_and(|n| n.ends_with("-0001")),
        "no refused request used up a number: {first}"
    );
}

fn user_client_of_someone_else() -> String {
    client(&user("stranger"), "EUR")
}

#[test]
fn another_users_invoice_is_not_found_for_every_route() {
    let owner = user("owner");
    let theirs = invoice(&owner, &client(&owner, "EUR"));
    let intruder = user("intruder");
    let target = path(&theirs);
    let empty = json!({});
    for reply in [
        intruder.get(&target),
        intruder.patch(&target, &json!({"notes": "mine now"})),
        intruder.delete(&target),
        intruder.post(&format!("{target}/send"), &empty),
        intruder.post(&format!("{target}/void"), &empty),
        intruder.post(&format!("{target}/payments"), &json!({"amount": 1})),
        intruder.get(&format!("/invoices/{MISSING}")),
        intruder.get("/invoices/not-a-uuid"),
    ] {
        let problem = reply.problem(404);
        assert_eq!(problem["detail"], "There is no such invoice.");
    }
    assert_eq!(numbers(&intruder, "").0, Vec::<String>::new());
    assert_eq!(owner.get(&target).json(), theirs, "untouched");
}

#[test]
fn the_lifecycle_and_every_illegal_transition() {
    let user = user("lifecycle");
    let acme = client(&user, "EUR");
    let draft = invoice(&user, &acme); // total 238.00
    let at = path(&draft);
    let action = |name: &str| user.post(&format!("{at}/{name}"), &json!({}));
    let pay = |amount: i64| user.post(&format!("{at}/payments"), &json!({"amount": amount}));
    let conflict = |reply: Reply, current: &str| {
        let problem = reply.problem(409);
        assert_eq!(problem["current_status"], current, "{problem}");
    };

    conflict(pay(100), "draft");
    let sent = action("send");
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.json()["status"], "sent");
    assert!(sent.json()["sent_at"].is_string());
    conflict(action("send"), "sent");
    conflict(user.patch(&at, &json!({"notes": "late edit"})), "sent");
    conflict(user.delete(&at), "sent");

    let partial = user.post(
        &format!("{at}/payments"),
        &json!({"amount": 10000, "paid_on": "2026-03-05", "method": "bank transfer", "reference": "TX-1"}),
    );
    assert_eq!(partial.status, 201, "{}", partial.body);
    let partial = partial.json();
    assert_eq!(partial["status"], "sent");
    assert_eq!(
        (
            partial["amount_paid"].as_i64(),
            partial["balance_due"].as_i64()
        ),
        (Some(10000), Some(13800))
    );
    assert_eq!(partial["payments"][0]["reference"], "TX-1");
    assert_eq!(partial["payments"][0]["paid_on"], "2026-03-05");

    let problem = pay(13801).problem(422);
    assert_eq!(problem["errors"][0]["field"], "amount");
    pay(0).problem(422);
    pay(-5).problem(422);
    user.post(&format!("{at}/payments"), &json!({}))
        .problem(422);
    user.post(&format!("{at}/payments"), &json!({"amount": "12"}))
        .problem(422);

    let paid = pay(13800);
    assert_eq!(paid.status, 201, "{}", paid.body);
    let paid = paid.json();
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["balance_due"], 0);
    assert!(paid["paid_at"].is_string());
    assert_eq!(paid["payments"].as_array().map(Vec::len), Some(2));
    conflict(action("void"), "paid");
    conflict(pay(1), "paid");
    conflict(action("send"), "paid");

    // sent → void, and void is final.
    let other = path(&invoice(&user, &acme));
    assert_eq!(user.post(&format!("{other}/send"), &json!({})).status, 200);
    let voided = user.post(&format!("{other}/void"), &json!({}));
    assert_eq!(voided.json()["status"], "void");
    for name in ["send", "void"] {
        conflict(user.post(&format!("{other}/{name}"), &json!({})), "void");
    }
    conflict(
        user.post(&format!("{other}/payments"), &json!({"amount": 1})),
        "void",
    );
    conflict(user.patch(&other, &json!({"notes": "x"})), "void");
    conflict(user.delete(&other), "void");

    // draft → void.
    let third = path(&invoice(&user, &acme));
    assert_eq!(
        user.post(&format!("{third}/void"), &json!({})).json()["status"],
        "void"
    );
}

#[test]
fn drafts_are_edited_with_the_same_rules_and_deleted_without_freeing_their_number() {
    let user = user("edit");
    let acme = client(&user, "EUR");
    let globex = client(&user, "CHF");
    let draft = user.created(
        "/invoices",
        &json!({"client_id": acme, "notes": "first", "discount": {"percent": "10"},
                "lines": [{"description": "x", "quantity": 1, "unit_price": 1000}]}),
    );
    let at = path(&draft);
    let edited = user.patch(
        &at,
        &json!({"client_id": globex, "notes": null, "lines": [
            {"description": "y", "quantity": "3", "unit_price": 1000, "tax_rate": "8.1"}
        ]}),
    );
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.header("etag"), Some("\"2\""));
    let edited = edited.json();
    assert_eq!(edited["client_id"], globex.as_str());
    assert_eq!(edited["currency"], "EUR", "the currency stays as it was");
    assert_eq!(edited["notes"], Value::Null);
    assert_eq!(edited["discount"], json!({"percent": "10"}));
    // 30.00 − 3.00 = 27.00 × 8.1 % = 2.187 → 2.19
    assert_eq!(
        (
            edited["subtotal"].as_i64(),
            edited["tax"].as_i64(),
            edited["total"].as_i64()
        ),
        (Some(3000), Some(219), Some(2919))
    );
    assert_eq!(edited["number"], draft["number"]);

    for (body, field) in [
        (json!({"lines": []}), "lines"),
        (json!({"client_id": MISSING}), "client_id"),
        (json!({"due_date": "1999-01-01"}), "due_date"),
        (json!({"discount": {"amount": 999_999}}), "discount"),
        (json!({"total": 5}), "total"),
        (json!({"id": MISSING}), "id"),
        (
            json!({"lines": [{"description": "x"}]}),
            "lines[0].quantity",
        ),
    ] {
        let problem = user.patch(&at, &body).problem(422);
        assert!(
            problem["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .any(|e| e["field"].as_str().is_some_and(|f| f.starts_with(field))),
            "{field}: {problem}"
        );
    }
    user.call("PATCH", &at)
        .raw("application/json", b"{".to_vec())
        .send()
        .problem(400);
    assert_eq!(user.get(&at).json(), edited, "refused edits change nothing");

    assert_eq!(user.delete(&at).status, 204);
    user.get(&at).problem(404);
    user.delete(&at).problem(404);
    let next = invoice(&user, &acme);
    assert!(
        next["number"]
            .as_str()
            .is_some_and(|n| n.ends_with("-0002")),
        "the deleted draft keeps its number: {next}"
    );
}

#[test]
fn if_match_guards_against_lost_updates() {
    let user = user("ifmatch");
    let draft = invoice(&user, &client(&user, "EUR"));
    let at = path(&draft);
    let patch = |etag: &str, notes: &str| {
        user.call("PATCH", &at)
            .header("if-match", etag)
            .json(&json!({"notes": notes}))
            .send()
    };
    let first = patch("\"1\"", "first");
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.header("etag"), Some("\"2\""));
    // A second editor still holding version 1 is told, and nothing is overwritten.
    let stale = patch("\"1\"", "second");
    let problem = stale.problem(412);
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains('2')));
    assert_eq!(stale.header("etag"), Some("\"2\""));
    for odd in ["W/\"2\"", "two", "\"\""] {
        patch(odd, "odd").problem(412);
    }
    assert_eq!(user.get(&at).json()["notes"], "first");
    assert_eq!(patch("*", "any").status, 200);
    // Actions honour If-Match too.
    user.call("POST", &format!("{at}/send"))
        .header("if-match", "\"1\"")
        .send()
        .problem(412);
    assert_eq!(user.get(&at).json()["status"], "draft");
}

#[test]
fn an_idempotency_key_replays_the_first_result() {
    let user = user("idempotent");
    let acme = client(&user, "EUR");
    let body = one_line(&acme);
    let post = |key: &str, body: &Value| {
        user.call("POST", "/invoices")
            .header("idempotency-key", key)
            .json(body)
            .send()
    };
    let first = post("order-1", &body);
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = post("order-1", &body);
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json(), first.json());
    let mut other = body.clone();
    other["notes"] = json!("different");
    post("order-1", &other).problem(422);
    post(&"k".repeat(256), &body).problem(422);
    assert_eq!(numbers(&user, "").0.len(), 1, "one invoice for one key");

    // Concurrent requests with one key still make one invoice.
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8).map(|_| s.spawn(|| post("order-2", &body))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    let ids: BTreeSet<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            id(&r.json())
        })
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(numbers(&user, "").0.len(), 2);

    // Payments too: a retried payment is recorded once.
    let at = path(&first.json());
    user.post(&format!("{at}/send"), &json!({}));
    let pay = || {
        user.call("POST", &format!("{at}/payments"))
            .header("idempotency-key", "payment-1")
            .json(&json!({"amount": 500}))
            .send()
    };
    assert_eq!(pay().status, 201);
    let replay = pay();
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.json()["amount_paid"], 500);
}

#[test]
fn fifty_concurrent_creates_get_fifty_consecutive_numbers() {
    let user = user("concurrent");
    let acme = client(&user, "EUR");
    let body = one_line(&acme);
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50)
            .map(|_| s.spawn(|| user.post("/invoices", &body)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    let mut numbers: Vec<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()["number"].as_str().expect("number").to_owned()
        })
        .collect();
    numbers.sort();
    let year = this_year();
    let expected: Vec<String> = (1..=50).map(|n| format!("INV-{year}-{n:04}")).collect();
    assert_eq!(numbers, expected, "no duplicates, no gaps");
}

#[test]
fn every_route_needs_a_valid_token_and_knows_its_methods() {
    let http = app().client();
    for reply in [
        http.get("/invoices").send(),
        http.post("/invoices").json(&json!({})).send(),
        http.get(&format!("/invoices/{MISSING}"))
            .bearer("forged.token.here")
            .send(),
        http.post(&format!("/invoices/{MISSING}/send")).send(),
    ] {
        reply.problem(401);
    }
    let user = user("tokens");
    let acme = client(&user, "EUR");
    let expired = user.expired_token();
    http.post("/invoices")
        .bearer(&expired)
        .json(&one_line(&acme))
        .send()
        .problem(401);
    assert_eq!(
        http.post("/auth/logout").bearer(&user.token).send().status,
        204
    );
    user.post("/invoices", &one_line(&acme)).problem(401);

    let put = http.request("PUT", "/invoices").send();
    put.problem(405);
    assert_eq!(put.header("allow"), Some("GET, POST"));
    http.request("PUT", &format!("/invoices/{MISSING}"))
        .send()
        .problem(405);
    http.get(&format!("/invoices/{MISSING}/send"))
        .send()
        .problem(405);
    http.get(&format!("/invoices/{MISSING}/refund"))
        .send()
        .problem(404);
}

#[test]
fn every_body_and_every_token_is_checked_on_every_route() {
    let user = user("edges");
    let acme = client(&user, "EUR");
    let draft = invoice(&user, &acme);
    let sent = invoice(&user, &acme);
    let sent_at = path(&sent);
    assert_eq!(
        user.post(&format!("{sent_at}/send"), &json!({})).status,
        200
    );
    let huge = json!({"notes": "n".repeat(9000)}).to_string().into_bytes();
    let with_body: [(&'static str, String); 3] = [
        ("POST", "/invoices".to_owned()),
        ("PATCH", path(&draft)),
        ("POST", format!("{sent_at}/payments")),
    ];
    for (method, at) in &with_body {
        for (content_type, body, status) in [
            ("application/json", b"{\"amount\": ".to_vec(), 400),
            ("application/json", Vec::new(), 400),
            ("application/json", b"\"text\"".to_vec(), 422),
            (
                "application/x-www-form-urlencoded",
                b"amount=5".to_vec(),
                415,
            ),
            ("application/json", huge.clone(), 413),
        ] {
            user.call(method, at)
                .raw(content_type, body)
                .send()
                .problem(status);
        }
        user.call(method, at)
            .raw("application/json", huge.clone())
            .chunked()
            .send()
            .problem(413);
    }
    // Nothing above changed anything.
    assert_eq!(user.get(&path(&draft)).json(), draft);
    assert_eq!(user.get(&sent_at).json()["amount_paid"], 0);
    assert_eq!(numbers(&user, "").0.len(), 2);

    let expired = user.expired_token();
    let forged = {
        let mut parts: Vec<String> = user.token.split('.').map(str::to_owned).collect();
        parts[2] = "AAAA".repeat(10);
        parts.join(".")
    };
    let draft_at = path(&draft);
    let routes: [(&'static str, String); 8] = [
        ("GET", "/invoices".to_owned()),
        ("POST", "/invoices".to_owned()),
        ("GET", draft_at.clone()),
        ("PATCH", draft_at.clone()),
        ("DELETE", draft_at.clone()),
        ("POST", format!("{draft_at}/send")),
        ("POST", format!("{draft_at}/void")),
        ("POST", format!("{sent_at}/payments")),
    ];
    for token in [&expired, &forged] {
        for (method, at) in &routes {
            let reply = user
                .http
                .request(method, at)
                .bearer(token)
                .json(&json!({"amount": 1, "notes": "x"}))
                .send();
            reply.problem(401);
        }
    }
    assert_eq!(
        user.get(&draft_at).json(),
        draft,
        "no refused token changed it"
    );
}

/// What billing makes of clients, through one directory: the default currency, the buyer
/// a send freezes, another user's client, an archived one, one that does not exist.
fn what_billing_sees_of_clients(app: &'static App) -> Value {
    let owner = User::sign_up(app, "directory");
    let detailed = id(&owner.created(
        "/clients",
        &json!({"name": "Erika Mustermann", "company": "Muster GmbH", "email": "ap@muster.example",
                "tax_id": "DE136695976", "default_currency": "CHF",
                "address": {"line1": "Ring 1", "postal_code": "80331", "city": "München", "country": "DE"}}),
    ));
    let draft = owner.created("/invoices", &one_line(&detailed));
    let sent = owner.post(&format!("{}/send", path(&draft)), &json!({}));
    assert_eq!(sent.status, 200, "{}", sent.body);
    let archived = client(&owner, "EUR");
    assert_eq!(owner.delete(&format!("/clients/{archived}")).status, 204);
    let stranger = client(&User::sign_up(app, "directory-stranger"), "EUR");
    let refusal = |client_id: &str| {
        owner.post("/invoices", &one_line(client_id)).problem(422)["errors"].clone()
    };
    json!({
        "currency": draft["currency"],
        "buyer": sent.json()["buyer"],
        "archived": refusal(&archived),
        "someone_elses": refusal(&stranger),
        "missing": refusal(MISSING),
    })
}

#[test]
fn both_client_directories_answer_alike() {
    let view = what_billing_sees_of_clients(app());
    assert_eq!(view["currency"], "CHF", "{view}");
    assert_eq!(view["buyer"]["name"], "Erika Mustermann", "{view}");
    assert_eq!(view["buyer"]["company"], "Muster GmbH", "{view}");
    assert_eq!(view["buyer"]["tax_id"], "DE136695976", "{view}");
    assert_eq!(view["buyer"]["address"]["city"], "München", "{view}");
    let no_such = json!([{"field": "client_id", "message": "there is no such client"}]);
    assert_eq!(view["someone_elses"], no_such, "{view}");
    assert_eq!(view["missing"], no_such, "{view}");
    assert_eq!(
        view["archived"][0]["message"],
        "the client is archived; restore it or pick another"
    );
    assert_eq!(what_billing_sees_of_clients(http_directory_app()), view);
}
