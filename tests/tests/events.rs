//! Events end to end: billing's outbox, the events channel on a Redis of the test's own,
//! the projector on Spin's Redis trigger in its own supervised process (as `make up`
//! runs it) and the dashboard it feeds — including the events Redis going away and
//! coming back, duplicated and out-of-order deliveries, and a rebuild.
//!
//! The tests share one pipeline and stop its Redis, so they run one at a time.

use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use fin_e2e::dates::{date, today};
use fin_e2e::metrics::Scrape;
use fin_e2e::recompute;
use fin_e2e::rng::Rng;
use fin_e2e::shared::redis;
use fin_e2e::stripe::{self, payment_intent};
use fin_e2e::{id, App, AppOptions, User};
use serde_json::{json, Value};

const CHANNEL: &str = "fin-events-e2e-events";

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "events",
        // Database 0 is free: the dev app's stores use 1–3, the other suites 3–15.
        redis_dbs: [0, 0, 0],
        variables: vec![],
        events_redis: Some(redis()),
        ..AppOptions::default()
    })
}

fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    app();
    wait_for_projector();
    guard
}

/// Until the projector has subscribed to the events channel.
fn wait_for_projector() {
    let deadline = Instant::now() + Duration::from_secs(60);
    while redis().subscribers(CHANNEL) < 1 {
        assert!(Instant::now() < deadline, "the projector never subscribed");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn db() -> postgres::Client {
    app().db()
}

/// Until the read model has applied everything in the outbox.
fn wait_for_projection() {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let behind: i64 = db()
            .query_one(
                "SELECT count(*) FROM outbox o, analytics_checkpoint c
                 WHERE (o.tx::text::bigint, o.seq) > (c.tx, c.seq)",
                &[],
            )
            .expect("lag")
            .get(0);
        if behind == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the read model is {behind} event(s) behind after 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Until the projector has handled a message published now (and so every earlier one:
/// it handles them in order).
fn wait_for_messages_handled() {
    let published_at: std::time::SystemTime = db()
        .query_one("SELECT clock_timestamp()", &[])
        .expect("now")
        .get(0);
    publish(b"catch-up");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let caught_up: Option<std::time::SystemTime> = db()
            .query_one("SELECT caught_up_at FROM analytics_checkpoint", &[])
            .expect("checkpoint")
            .get(0);
        if caught_up.is_some_and(|at| at >= published_at) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the projector handled nothing for 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn publish(message: &[u8]) {
    let mut conn = redis::Client::open(redis().url())
        .and_then(|c| c.get_connection())
        .expect("events Redis");
    let _: i64 = redis::cmd("PUBLISH")
        .arg(CHANNEL)
        .arg(message)
        .query(&mut conn)
        .expect("PUBLISH");
}

/// Every row of the read model, in a stable order: what "unchanged" means.
fn read_model() -> Vec<String> {
    let mut db = db();
    let mut rows = Vec::new();
    for sql in [
        "SELECT row_to_json(a)::text FROM analytics_invoices a ORDER BY invoice_id",
        "SELECT row_to_json(a)::text FROM analytics_payments a ORDER BY payment_id",
        "SELECT json_build_array(owner_id, last_event_id)::text FROM analytics_owners ORDER BY owner_id",
    ] {
        for row in db.query(sql, &[]).expect("read model") {
            rows.push(row.get(0));
        }
    }
    rows
}

/// The outbox rows of one invoice: (type, version), oldest first.
fn events_of(invoice_id: &str) -> Vec<(String, i32)> {
    db().query(
        "SELECT type, aggregate_version FROM outbox WHERE aggregate_id = $1::text::uuid ORDER BY tx, seq",
        &[&invoice_id],
    )
    .expect("outbox")
    .iter()
    .map(|row| (row.get(0), row.get(1)))
    .collect()
}

fn outbox_size() -> i64 {
    db().query_one("SELECT count(*) FROM outbox", &[])
        .expect("count")
        .get(0)
}

fn pairs(expected: &[(&str, i32)]) -> Vec<(String, i32)> {
    expected.iter().map(|(t, v)| (t.to_string(), *v)).collect()
}

#[test]
fn every_action_writes_exactly_its_events_and_a_refused_one_writes_none() {
    let _serial = serial();
    let alice = User::sign_up(app(), "events-actions");
    let client = alice.client("EUR");
    let draft = alice.draft(&client, 10_000);
    let invoice = id(&draft);
    let path = format!("/invoices/{invoice}");
    assert_eq!(alice.patch(&path, &json!({"notes": "thanks"})).status, 200);
    alice.act(&invoice, "send");
    let pay = |amount: i64| {
        alice
            .post(&format!("{path}/payments"), &json!({"amount": amount}))
            .status
    };
    assert_eq!(pay(4_000), 201);
    assert_eq!(pay(6_000), 201);
    assert_eq!(
        events_of(&invoice),
        pairs(&[
            ("invoice.created", 1),
            ("invoice.updated", 2),
            ("invoice.sent", 3),
            ("payment.recorded", 4),
            ("payment.recorded", 5),
            ("invoice.paid", 5),
        ])
    );

    // Refused actions change nothing and so write nothing.
    let before = outbox_size();
    assert_eq!(pay(1), 409, "paid invoices take no payment");
    assert_eq!(alice.patch(&path, &json!({"notes": "x"})).status, 409);
    assert_eq!(
        alice.call("POST", &format!("{path}/void")).send().status,
        409
    );
    assert_eq!(
        alice
            .call("POST", &format!("{path}/send"))
            .header("if-match", "\"1\"")
            .send()
            .status,
        412
    );
    assert_eq!(
        alice
            .post("/invoices", &json!({"client_id": client}))
            .status,
        422
    );
    assert_eq!(outbox_size(), before);

    let voided = id(&alice.draft(&client, 500));
    alice.act(&voided, "void");
    assert_eq!(
        events_of(&voided),
        pairs(&[("invoice.created", 1), ("invoice.voided", 2)])
    );
    let deleted = id(&alice.draft(&client, 500));
    assert_eq!(alice.delete(&format!("/invoices/{deleted}")).status, 204);
    assert_eq!(
        events_of(&deleted),
        pairs(&[("invoice.created", 1), ("invoice.deleted", 2)])
    );

    // Each event carries the invoice as that change left it, and its owner.
    let payload: Value = db()
        .query_one(
            "SELECT payload::text, owner_id::text FROM outbox
             WHERE aggregate_id = $1::text::uuid AND type = 'invoice.paid'",
            &[&invoice],
        )
        .map(|row| {
            assert_eq!(row.get::<_, String>(1), alice.user_id());
            serde_json::from_str(row.get(0)).expect("payload")
        })
        .expect("invoice.paid");
    assert_eq!(payload["invoice"]["status"], "paid");
    assert_eq!(payload["invoice"]["amount_paid"], 10_000);
    assert_eq!(payload["invoice"]["version"], 5);
    assert_eq!(payload["invoice"]["number"], draft["number"]);
}

#[test]
fn each_event_is_published_on_the_channel_after_its_change() {
    let _serial = serial();
    let alice = User::sign_up(app(), "events-published");
    let mut listener = redis::Client::open(redis().url())
        .and_then(|c| c.get_connection())
        .expect("events Redis");
    let mut pubsub = listener.as_pubsub();
    pubsub.subscribe(CHANNEL).expect("SUBSCRIBE");
    pubsub
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let invoice = id(&alice.draft(&alice.client("CHF"), 700));
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && seen.is_empty() {
        if let Ok(message) = pubsub.get_message() {
            let payload: Vec<u8> = message.get_payload().expect("payload");
            if let Ok(envelope) = serde_json::from_slice::<Value>(&payload) {
                if envelope["aggregate_id"] == invoice.as_str() {
                    seen.push(envelope);
                }
            }
        }
    }
    let envelope = seen.first().expect("the event was published");
    let row = db()
        .query_one(
            "SELECT id::text, owner_id::text, aggregate_version, payload::text FROM outbox
             WHERE aggregate_id = $1::text::uuid",
            &[&invoice],
        )
        .expect("outbox row");
    assert_eq!(envelope["type"], "invoice.created");
    assert_eq!(envelope["id"], row.get::<_, String>(0));
    assert_eq!(envelope["owner_id"], row.get::<_, String>(1));
    assert_eq!(envelope["aggregate_version"], row.get::<_, i32>(2));
    let payload: Value = serde_json::from_str(row.get(3)).expect("payload");
    assert_eq!(envelope["payload"], payload);
    assert!(envelope["occurred_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert!(envelope["position"]["tx"].is_u64() && envelope["position"]["seq"].is_i64());
}

#[test]
fn with_the_events_redis_down_the_api_works_and_the_projector_catches_up_after() {
    let _serial = serial();
    let alice = User::sign_up(app(), "events-outage");
    let client = alice.client("EUR");
    wait_for_projection();
    let dashboard_before = alice.get("/dashboard").json();

    redis().stop();
    let started = Instant::now();
    let mut invoices = Vec::new();
    for amount in [1_000, 2_000, 3_000] {
        let invoice = id(&alice.draft(&client, amount));
        alice.act(&invoice, "send");
        invoices.push(invoice);
    }
    let paid = alice.post(
        &format!("/invoices/{}/payments", invoices[0]),
        &json!({"amount": 1_000}),
    );
    assert_eq!(paid.status, 201, "{}", paid.body);
    alice.act(&invoices[1], "void");
    let webhook = payment_intent(
        &format!("evt_outage_{}", invoices[2]),
        &format!("pi_outage_{}", invoices[2]),
        500,
        "eur",
        json!({"invoice_id": invoices[2]}),
    );
    let delivered = stripe::delivery(&app().client(), &webhook).send();
    assert_eq!(delivered.status, 200, "{}", delivered.body);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "11 requests took {:?} with the events Redis down",
        started.elapsed()
    );
    // Everything is in the outbox; the read model has not seen it.
    for invoice in &invoices {
        assert!(!events_of(invoice).is_empty());
    }
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        alice.get("/dashboard").json()["counts"],
        dashboard_before["counts"],
        "the projector cannot have applied anything"
    );
    // An operator sees the dashboards fall behind: as old as the first unapplied event.
    let lag = |scrape: &Scrape| scrape.expect("fin_feed_lag_seconds", &[("reader", "projector")]);
    let behind = lag(&app().scrape("/metrics/analytics"));
    let bound = started.elapsed().as_secs_f64().ceil() + 1.0;
    assert!(
        (1.0..=bound).contains(&behind),
        "the projector's lag {behind} s, the first event written at most {bound} s ago"
    );

    redis().resume();
    wait_for_projector();
    wait_for_projection();
    assert_eq!(lag(&app().scrape("/metrics/analytics")), 0.0, "caught up");
    let dashboard = alice.get("/dashboard").json();
    assert_eq!(
        dashboard,
        recompute::dashboard(&mut db(), &alice.user_id(), &dashboard)
    );
    assert_eq!(dashboard["counts"]["paid"], 1);
    assert_eq!(dashboard["counts"]["void"], 1);
    assert_eq!(
        dashboard["outstanding"],
        json!([{"currency": "EUR", "amount": 2_500, "invoices": 1}]),
        "every event counted once: 3,000 less the 500 paid through Stripe"
    );
}

#[test]
fn duplicated_out_of_order_and_forged_messages_and_a_rebuild_leave_the_same_read_model() {
    let _serial = serial();
    let alice = User::sign_up(app(), "events-replay");
    let invoice = alice.sent_invoice("EUR", 9_000);
    assert_eq!(
        alice
            .post(
                &format!("/invoices/{}/payments", id(&invoice)),
                &json!({"amount": 3_000})
            )
            .status,
        201
    );
    wait_for_projection();
    wait_for_messages_handled();
    let settled = read_model();
    let dashboard = alice.get("/dashboard").json();

    // Every envelope again, newest first, twice; and messages nobody should trust.
    let envelopes: Vec<String> = db()
        .query(
            "SELECT json_build_object('id', id, 'type', type, 'owner_id', owner_id,
                    'aggregate_id', aggregate_id, 'aggregate_version', aggregate_version,
                    'payload', payload)::text
             FROM outbox ORDER BY tx DESC, seq DESC",
            &[],
        )
        .expect("outbox")
        .iter()
        .map(|row| row.get(0))
        .collect();
    for _ in 0..2 {
        for envelope in &envelopes {
            publish(envelope.as_bytes());
        }
    }
    let mut forged: Value = serde_json::from_str(&envelopes[0]).expect("envelope");
    forged["id"] = json!("00000000-0000-4000-8000-000000000000");
    forged["aggregate_version"] = json!(999);
    forged["payload"]["invoice"]["status"] = json!("void");
    forged["payload"]["invoice"]["version"] = json!(999);
    publish(forged.to_string().as_bytes());
    publish(b"\xff\xfe not json at all");
    publish(&vec![b'x'; 100_000]);
    wait_for_messages_handled();
    assert_eq!(
        read_model(),
        settled,
        "redelivered and forged messages changed nothing"
    );

    // The feed itself redelivered from the start, older versions after newer ones.
    db().execute("UPDATE analytics_checkpoint SET tx = 0, seq = 0", &[])
        .expect("rewind");
    wait_for_messages_handled();
    wait_for_projection();
    assert_eq!(
        read_model(),
        settled,
        "replaying the whole feed changed nothing"
    );

    // The documented rebuild: empty, replay, the same.
    let rebuilt = Command::new("bash")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("../scripts/rebuild-read-model.sh")
        .arg(&app().database_url)
        .env("SPIN_VARIABLE_EVENTS_REDIS_URL", redis().url())
        .env("SPIN_VARIABLE_EVENTS_CHANNEL", CHANNEL)
        .status()
        .expect("rebuild script");
    assert!(rebuilt.success());
    wait_for_projection();
    wait_for_messages_handled();
    assert_eq!(read_model(), settled, "a rebuild reproduces the read model");
    let mut after = alice.get("/dashboard").json();
    after["freshness"] = dashboard["freshness"].clone();
    assert_eq!(after, dashboard);
}

/// A seeded random walk of creates, edits, sends, payments (by hand and by webhook),
/// credit notes, voids and deletes, for two users in two currencies with issue and payment dates over
/// the past year; then each user's dashboard must equal the figures recomputed from
/// billing's own tables. `E2E_SEED=<n>` replays a run.
#[test]
fn the_dashboard_equals_a_recomputation_from_the_source_tables() {
    let _serial = serial();
    let seed: u64 = std::env::var("E2E_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fin_e2e::dates::now() as u64);
    println!("E2E_SEED={seed}");
    let mut rng = Rng::new(seed);
    let users = [
        User::sign_up(app(), "events-walk-a"),
        User::sign_up(app(), "events-walk-b"),
    ];
    let clients: Vec<Vec<(String, &str)>> = users
        .iter()
        .map(|u| {
            ["EUR", "USD", "EUR"]
                .iter()
                .map(|c| (u.client(c), *c))
                .collect()
        })
        .collect();
    let today = today();
    let mut invoices: Vec<(usize, String, &str)> = Vec::new();
    for step in 0..200 {
        let failed = |reply: &fin_e2e::Reply, what: &str| {
            format!(
                "seed {seed} step {step} {what}: {} {}",
                reply.status, reply.body
            )
        };
        if invoices.is_empty() || rng.below(4) == 0 {
            let who = rng.below(2) as usize;
            let (client, currency) = &clients[who][rng.below(3) as usize];
            let issued = today - rng.below(400) as i64;
            let body = json!({"client_id": client, "issue_date": date(issued),
                "due_date": date(issued + rng.below(60) as i64),
                "lines": [{"description": "Work", "quantity": 1 + rng.below(3),
                           "unit_price": 1_000 + rng.below(50_000)}]});
            let created = users[who].post("/invoices", &body);
            assert_eq!(created.status, 201, "{}", failed(&created, "create"));
            invoices.push((who, id(&created.json()), currency));
            continue;
        }
        let at = rng.below(invoices.len() as u64) as usize;
        let (owner, invoice, currency) = invoices[at].clone();
        let user = &users[owner];
        let path = format!("/invoices/{invoice}");
        let current = user.get(&path);
        if current.status == 404 {
            invoices.remove(at); // deleted
            continue;
        }
        let current = current.json();
        let balance = current["balance_due"].as_i64().unwrap_or(0);
        let creditable = current["total"].as_i64().unwrap_or(0)
            - current["amount_credited"].as_i64().unwrap_or(0);
        let legal: &[&str] = match current["status"].as_str() {
            Some("draft") => &["send", "send", "edit", "delete", "void"],
            Some("sent" | "overdue") => &["pay", "pay", "webhook", "void", "credit"],
            Some("paid") if creditable > 0 => &["webhook", "credit"],
            Some("paid" | "credited") => &["webhook"],
            _ => continue,
        };
        let action = legal[rng.below(legal.len() as u64) as usize];
        let reply = match action {
            "send" | "void" => user.call("POST", &format!("{path}/{action}")).send(),
            "edit" => user.patch(
                &path,
                &json!({"lines": [{"description": "Edited",
                "quantity": 2, "unit_price": 1_000 + rng.below(9_000)}]}),
            ),
            "delete" => user.delete(&path),
            // The walk's lines are untaxed: an amount credits itself, up to what is left.
            "credit" => user.post(
                &format!("{path}/credit-notes"),
                &json!({"amount": 1 + rng.below(creditable as u64)}),
            ),
            "pay" => user.post(
                &format!("{path}/payments"),
                &json!({
                "amount": 1 + rng.below(balance as u64),
                "paid_on": date(today - rng.below(330) as i64)}),
            ),
            _ => {
                // Money through Stripe: up to twice the balance, so some of it overpays.
                let event = payment_intent(
                    &format!("evt_walk_{seed}_{step}"),
                    &format!("pi_walk_{seed}_{step}"),
                    (1 + rng.below(balance.max(1) as u64 * 2)) as i64,
                    &currency.to_lowercase(),
                    json!({"invoice_id": invoice}),
                );
                stripe::delivery(&app().client(), &event).send()
            }
        };
        assert!(
            (200..300).contains(&reply.status),
            "{}",
            failed(&reply, action)
        );
    }
    wait_for_projection();
    for user in &users {
        let dashboard = user.get("/dashboard").json();
        assert_eq!(
            dashboard,
            recompute::dashboard(&mut db(), &user.user_id(), &dashboard),
            "seed {seed}: the dashboard differs from billing's tables"
        );
    }
    // A third user sees nothing of theirs.
    let stranger = User::sign_up(app(), "events-walk-c")
        .get("/dashboard")
        .json();
    assert_eq!(
        stranger["counts"],
        json!({"draft": 0, "sent": 0, "overdue": 0, "paid": 0, "void": 0})
    );
    for list in [
        "outstanding",
        "overdue",
        "paid_last_30_days",
        "revenue_by_month",
        "top_clients",
    ] {
        assert_eq!(stranger[list], json!([]), "{list}");
    }
}

#[test]
fn the_dashboard_needs_a_valid_token_and_takes_no_parameters() {
    let _serial = serial();
    let alice = User::sign_up(app(), "events-auth");
    let http = app().client();
    http.get("/dashboard").send().problem(401);
    http.get("/dashboard").bearer("x.y.z").send().problem(401);
    http.get("/dashboard")
        .bearer(&alice.expired_token())
        .send()
        .problem(401);
    http.get("/dashboard")
        .bearer(&format!("{}x", alice.token))
        .send()
        .problem(401);
    assert_eq!(
        alice.call("POST", "/dashboard").send().problem(405)["type"],
        "/problems/method-not-allowed"
    );
    assert_eq!(
        alice.get("/dashboard?currency=EUR").problem(422)["errors"][0]["field"],
        "query"
    );
    alice.get("/dashboard/other").problem(404);
    let fresh = alice.get("/dashboard").json();
    assert_eq!(
        fresh["freshness"]["last_event_id"],
        Value::Null,
        "no events of hers yet"
    );
}
