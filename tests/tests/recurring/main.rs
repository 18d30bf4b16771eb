//! Recurring invoices end to end, under `spin up`, against real Postgres and Redis: a
//! template's periods become invoices through billing's API, exactly once with two
//! sweepers on the channel, caught up as the template says after time passed with
//! nothing swept; pause and resume; and everything a stranger or a bad body must not do.
//!
//! Time is the test's: with `recurring_test_clock`, `recur <RFC 3339>` on the events
//! channel is the moment the sweepers take it to be.

mod keys;
mod preview;

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use fin_e2e::shared::redis;
use fin_e2e::{id, App, AppOptions, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "recurring",
        redis_dbs: [1, 2, 3],
        variables: vec![
            ("max_body_bytes", "8192".into()),
            ("recurring_test_clock", "true".into()),
        ],
        events_redis: Some(redis()),
        kv_redis: Some(redis()),
        sweepers: 2,
        ..AppOptions::default()
    })
}

/// The clock is the whole channel's: the tests that move it run one at a time.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Tells both sweepers it is `at`.
fn recur(at: &str) {
    redis().publish("fin-events-e2e-recurring", &format!("recur {at}"));
}

fn at(template: &Value) -> String {
    format!("/recurring-invoices/{}", id(template))
}

/// A freelancer with a business profile (sending needs one) and a client in EUR.
fn freelancer(tag: &str) -> (User, String) {
    let user = User::sign_up(app(), tag);
    user.put_profile("Ada Lovelace");
    let client = user.client("EUR");
    (user, client)
}

fn retainer(client: &str, extra: Value) -> Value {
    let mut body = json!({
        "client_id": client,
        "lines": [{"description": "Monthly retainer", "quantity": "1", "unit_price": 150000, "tax_rate": "19"}],
        "frequency": "monthly",
        "start_date": "2027-01-31",
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

/// The template once `done` holds of it (within 20 s: the sweepers act on the message).
fn once(user: &User, template: &Value, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let read = user.get(&at(template)).json();
        if done(&read) || Instant::now() > deadline {
            return read;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The periods as (issue date, state), oldest first.
fn periods(template: &Value) -> Vec<(String, String)> {
    let mut runs: Vec<(String, String)> = template["invoices"]
        .as_array()
        .expect("invoices")
        .iter()
        .map(|r| {
            (
                r["issue_date"].as_str().expect("date").to_owned(),
                r["state"].as_str().expect("state").to_owned(),
            )
        })
        .collect();
    runs.reverse();
    runs
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(d, s)| (d.to_string(), s.to_string()))
        .collect()
}

/// The user's invoices as (issue date, due date, status, total).
fn invoices(user: &User) -> Vec<(String, String, String, i64)> {
    let page = user.get("/invoices?limit=100").json();
    let mut all: Vec<(String, String, String, i64)> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["issue_date"].as_str().expect("issue").to_owned(),
                i["due_date"].as_str().expect("due").to_owned(),
                i["status"].as_str().expect("status").to_owned(),
                i["total"].as_i64().expect("total"),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn a_monthly_retainer_makes_one_invoice_per_period_however_many_sweep() {
    let _serial = serial();
    let (user, client) = freelancer("retainer");
    let reply = user.post("/recurring-invoices", &retainer(&client, json!({})));
    assert_eq!(reply.status, 201, "{}", reply.body);
    let template = reply.json();
    assert_eq!(reply.header("location"), Some(at(&template).as_str()));
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(
        (
            &template["name"],
            &template["currency"],
            &template["total"],
            &template["status"]
        ),
        (
            &json!("Monthly retainer"),
            &json!("EUR"),
            &json!(178_500),
            &json!("active")
        )
    );
    assert_eq!(
        template["upcoming"],
        json!([
            "2027-01-31",
            "2027-02-28",
            "2027-03-31",
            "2027-04-30",
            "2027-05-31"
        ]),
        "the 31st, clamped to short months"
    );

    // Before its day nothing is made; on it, one invoice, whatever the repeats.
    recur("2027-01-30T23:59:59Z");
    for _ in 0..3 {
        recur("2027-01-31T08:00:00Z");
    }
    let read = once(&user, &template, |t| {
        periods(t).first().is_some_and(|(_, s)| s == "draft")
    });
    assert_eq!(periods(&read), pairs(&[("2027-01-31", "draft")]));
    recur("2027-02-28T08:00:00Z");
    recur("2027-02-28T08:00:00Z");
    let read = once(&user, &template, |t| {
        periods(t).iter().filter(|(_, s)| s == "draft").count() == 2
    });
    // Another round of nudges and repeats adds nothing.
    recur("2027-02-28T09:00:00Z");
    std::thread::sleep(Duration::from_secs(3));
    let read = once(&user, &read, |_| true);
    assert_eq!(
        periods(&read),
        pairs(&[("2027-01-31", "draft"), ("2027-02-28", "draft")])
    );
    assert_eq!(read["next_date"], "2027-03-31");
    assert_eq!(
        invoices(&user),
        [
            (
                "2027-01-31".into(),
                "2027-03-02".into(),
                "draft".into(),
                178_500
            ),
            (
                "2027-02-28".into(),
                "2027-03-30".into(),
                "draft".into(),
                178_500
            ),
        ]
    );
    // Each period names its invoice, which carries the template's lines.
    let made = read["invoices"][0]["invoice_id"]
        .as_str()
        .expect("an invoice");
    let invoice = user.get(&format!("/invoices/{made}")).json();
    assert_eq!(invoice["lines"][0]["description"], "Monthly retainer");
    assert_eq!(invoice["client_id"], client.as_str());
}

#[test]
fn after_months_unswept_it_catches_up_with_the_latest_period_or_every_one() {
    let _serial = serial();
    let (user, client) = freelancer("catch-up");
    let latest = user.created(
        "/recurring-invoices",
        &retainer(&client, json!({"start_date": "2028-01-31"})),
    );
    let every = user.created(
        "/recurring-invoices",
        &retainer(
            &client,
            json!({"start_date": "2028-01-31", "catch_up": "every", "name": "Every month"}),
        ),
    );
    recur("2028-05-02T00:00:00Z");
    let latest = once(&user, &latest, |t| {
        periods(t).last().is_some_and(|(_, s)| s == "draft")
    });
    let every = once(&user, &every, |t| {
        periods(t).iter().filter(|(_, s)| s == "draft").count() == 4
    });
    assert_eq!(
        periods(&latest),
        pairs(&[
            ("2028-01-31", "skipped"),
            ("2028-02-29", "skipped"),
            ("2028-03-31", "skipped"),
            ("2028-04-30", "draft"),
        ])
    );
    assert_eq!(
        periods(&every),
        pairs(&[
            ("2028-01-31", "draft"),
            ("2028-02-29", "draft"),
            ("2028-03-31", "draft"),
            ("2028-04-30", "draft"),
        ])
    );
    assert_eq!(invoices(&user).len(), 5);
}

#[test]
fn sent_at_once_a_period_is_a_sent_invoice() {
    let _serial = serial();
    let (user, client) = freelancer("sent");
    let template = user.created(
        "/recurring-invoices",
        &retainer(
            &client,
            json!({"start_date": "2029-01-15", "send": true, "payment_terms_days": 14,
                   "frequency": "quarterly", "count": 2}),
        ),
    );
    assert_eq!(template["upcoming"], json!(["2029-01-15", "2029-04-15"]));
    recur("2029-01-15T00:00:00Z");
    let read = once(&user, &template, |t| {
        periods(t).first().is_some_and(|(_, s)| s == "sent")
    });
    assert_eq!(periods(&read), pairs(&[("2029-01-15", "sent")]));
    recur("2029-07-01T00:00:00Z");
    // "Ended" comes with the last period's decision; its invoice is made just after.
    let ended = once(&user, &template, |t| {
        t["status"] == "ended" && periods(t).iter().all(|(_, s)| s == "sent")
    });
    assert_eq!(ended["status"], "ended", "two periods, then no more");
    assert_eq!(ended["upcoming"], json!([]));
    let made = invoices(&user);
    assert_eq!(made.len(), 2);
    assert!(made
        .iter()
        .all(|(_, _, status, _)| status == "sent" || status == "overdue"));
    assert_eq!(
        made[0].1, "2029-01-29",
        "due 14 days after the period's day"
    );
}

#[test]
fn a_paused_template_makes_nothing_until_resumed() {
    let _serial = serial();
    let (user, client) = freelancer("paused");
    let template = user.created(
        "/recurring-invoices",
        &retainer(&client, json!({"start_date": "2030-01-31"})),
    );
    let paused = user
        .call("POST", &format!("{}/pause", at(&template)))
        .header("if-match", "\"1\"")
        .send();
    assert_eq!(paused.status, 200, "{}", paused.body);
    assert_eq!(paused.json()["status"], "paused");
    recur("2030-02-01T00:00:00Z");
    std::thread::sleep(Duration::from_secs(3));
    assert!(periods(&user.get(&at(&template)).json()).is_empty());
    assert!(invoices(&user).is_empty());
    let resumed = user
        .call("POST", &format!("{}/resume", at(&template)))
        .send();
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert_eq!(resumed.json()["status"], "active");
    recur("2030-02-01T00:00:00Z");
    let read = once(&user, &template, |t| {
        periods(t).first().is_some_and(|(_, s)| s == "draft")
    });
    assert_eq!(periods(&read), pairs(&[("2030-01-31", "draft")]));
}

#[test]
fn a_period_billing_refuses_shows_why_and_makes_nothing() {
    let _serial = serial();
    let (user, client) = freelancer("refused");
    let template = user.created(
        "/recurring-invoices",
        &retainer(&client, json!({"start_date": "2031-01-31"})),
    );
    let archived = user.delete(&format!("/clients/{client}"));
    assert!(archived.status < 300, "{}", archived.body);
    recur("2031-01-31T00:00:00Z");
    let read = once(&user, &template, |t| {
        periods(t).first().is_some_and(|(_, s)| s == "failed")
    });
    let failed = &read["invoices"][0];
    assert_eq!(failed["state"], "failed", "{read}");
    assert!(
        failed["error"]
            .as_str()
            .is_some_and(|e| e.contains("client")),
        "billing's reason is kept: {failed}"
    );
    assert!(invoices(&user).is_empty());
}

#[test]
fn changes_keep_to_the_rules_of_a_schedule_that_has_begun() {
    let _serial = serial();
    let (user, client) = freelancer("changes");
    let template = user.created(
        "/recurring-invoices",
        &retainer(&client, json!({"start_date": "2032-01-31"})),
    );
    let weekly = user
        .call("PATCH", &at(&template))
        .header("if-match", "\"1\"")
        .json(&json!({"frequency": "weekly", "start_date": "2032-01-05", "time_zone": "Europe/Berlin"}))
        .send();
    assert_eq!(weekly.status, 200, "{}", weekly.body);
    assert_eq!(weekly.header("etag"), Some("\"2\""));
    assert_eq!(weekly.json()["upcoming"][1], "2032-01-12");
    // A stale version is refused and changes nothing.
    user.call("PATCH", &at(&template))
        .header("if-match", "\"1\"")
        .json(&json!({"name": "Lost"}))
        .send()
        .problem(412);
    // Monday in Berlin begins on Sunday 23:00 UTC.
    recur("2032-01-04T23:00:00Z");
    once(&user, &template, |t| {
        periods(t).first().is_some_and(|(_, s)| s == "draft")
    });
    user.patch(&at(&template), &json!({"frequency": "monthly"}))
        .problem(409);
    let renamed = user.patch(
        &at(&template),
        &json!({"name": "Weekly support", "notes": "Thanks!"}),
    );
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.json()["frequency"], "weekly");
    assert_eq!(user.delete(&at(&template)).status, 204);
    user.get(&at(&template)).problem(404);
    assert_eq!(invoices(&user).len(), 1, "the invoice made stays");
}

#[test]
fn bad_bodies_and_queries_are_refused_naming_the_field_and_store_nothing() {
    let (user, client) = freelancer("bad-bodies");
    let other = User::sign_up(app(), "bad-bodies-other");
    let strangers_client = other.client("EUR");
    let cases = [
        (json!({}), "client_id"),
        (
            retainer(&client, json!({"frequency": "daily"})),
            "frequency",
        ),
        (
            retainer(&client, json!({"start_date": "31/01/2027"})),
            "start_date",
        ),
        (
            retainer(&client, json!({"start_date": 20270131})),
            "start_date",
        ),
        (
            retainer(&client, json!({"start_date": "0001-01-01"})),
            "start_date",
        ),
        (retainer(&client, json!({"count": "12"})), "count"),
        (retainer(&client, json!({"count": 0})), "count"),
        (
            retainer(&client, json!({"count": 3, "end_date": "2027-12-31"})),
            "count",
        ),
        (
            retainer(&client, json!({"end_date": "2026-01-01"})),
            "end_date",
        ),
        (retainer(&client, json!({"send": "yes"})), "send"),
        (
            retainer(&client, json!({"payment_terms_days": "30"})),
            "payment_terms_days",
        ),
        (
            retainer(&client, json!({"payment_terms_days": -1})),
            "payment_terms_days",
        ),
        (
            retainer(&client, json!({"time_zone": "Berlin"})),
            "time_zone",
        ),
        (retainer(&client, json!({"catch_up": "all"})), "catch_up"),
        (retainer(&client, json!({"lines": []})), "lines"),
        (retainer(&client, json!({"name": "a\u{0}b"})), "name"),
        (retainer(&client, json!({"status": "paused"})), "status"),
        (retainer(&strangers_client, json!({})), "client_id"),
        (retainer("not-a-client", json!({})), "client_id"),
    ];
    for (body, field) in cases {
        let problem = user.post("/recurring-invoices", &body).problem(422);
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "expected an error on `{field}` for {body}: {problem}"
        );
    }
    user.call("POST", "/recurring-invoices")
        .raw("application/json", b"{\"client_id\":".to_vec())
        .send()
        .problem(400);
    user.call("POST", "/recurring-invoices")
        .raw("text/plain", b"{}".to_vec())
        .send()
        .problem(415);
    let big = retainer(&client, json!({"notes": "n".repeat(9000)}));
    user.post("/recurring-invoices", &big).problem(413);
    for query in ["limit=0", "status=active", "cursor=garbage!", "limit=%00"] {
        user.get(&format!("/recurring-invoices?{query}"))
            .problem(422);
    }
    let listed = user.get("/recurring-invoices").json();
    assert_eq!(listed["items"], json!([]), "nothing was stored");

    let kept = user.created(
        "/recurring-invoices",
        &retainer(&client, json!({"start_date": "2099-01-01"})),
    );
    user.patch(&at(&kept), &json!({"frequency": "hourly"}))
        .problem(422);
    user.patch(&at(&kept), &json!({"client_id": strangers_client}))
        .problem(422);
    user.patch(&at(&kept), &json!({"count": 2, "end_date": "2100-01-01"}))
        .problem(422);
    assert_eq!(
        user.get(&at(&kept)).json(),
        kept,
        "a refused change changed nothing"
    );
}

#[test]
fn another_users_template_is_not_found_and_tokens_are_checked() {
    let (owner, client) = freelancer("rec-owner");
    let intruder = User::sign_up(app(), "rec-intruder");
    let template = owner.created(
        "/recurring-invoices",
        &retainer(&client, json!({"start_date": "2099-01-31"})),
    );
    let missing = intruder
        .get("/recurring-invoices/5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11")
        .problem(404);
    assert_eq!(
        intruder.get(&at(&template)).problem(404),
        missing,
        "no oracle"
    );
    intruder
        .patch(&at(&template), &json!({"name": "Hijacked"}))
        .problem(404);
    for action in ["pause", "resume"] {
        intruder
            .call("POST", &format!("{}/{action}", at(&template)))
            .send()
            .problem(404);
    }
    intruder.delete(&at(&template)).problem(404);
    owner.get("/recurring-invoices/not-a-uuid").problem(404);
    assert_eq!(
        intruder.get("/recurring-invoices").json()["items"],
        json!([])
    );
    assert_eq!(owner.get(&at(&template)).json(), template, "untouched");

    let http = app().client();
    http.get("/recurring-invoices").send().problem(401);
    http.get("/recurring-invoices")
        .bearer("forged.token.here")
        .send()
        .problem(401);
    http.get(&at(&template))
        .bearer(&owner.expired_token())
        .send()
        .problem(401);
    assert_eq!(
        http.request("PUT", "/recurring-invoices").send().status,
        405
    );
}

#[test]
fn the_list_pages_newest_first() {
    let (user, client) = freelancer("rec-list");
    let names = ["first", "second", "third"];
    for name in names {
        user.created(
            "/recurring-invoices",
            &retainer(&client, json!({"name": name, "start_date": "2099-01-31"})),
        );
    }
    let page = user.get("/recurring-invoices?limit=2").json();
    let shown = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|t| t["name"].as_str().expect("name").to_owned())
            .collect()
    };
    assert_eq!(shown(&page), ["third", "second"]);
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let rest = user
        .get(&format!("/recurring-invoices?limit=2&cursor={cursor}"))
        .json();
    assert_eq!(shown(&rest), ["first"]);
    assert_eq!(rest["next_cursor"], Value::Null);
}
