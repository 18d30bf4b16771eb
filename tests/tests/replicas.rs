//! Many instances, one behaviour: two `spin up` processes of the HTTP components over
//! one Postgres and one Redis — what a SpinKube deployment with replicas is — driven
//! alternately. A token revoked on one is refused on the other; login throttling counts
//! failures across both; the breaker one opens is open on the other, with one trial
//! call in total; concurrent creates over both number gaplessly; replays cross over.
//!
//! Billing asks a stub for clients (the breaker needs one it can break), so the tests
//! share it and run one at a time.

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use fin_e2e::{concurrently, unique_email, App, AppOptions, Mode, Reply, Stub, User, PASSWORD};
use serde_json::{json, Value};

const COOLDOWN: u64 = 3;
const FAILURES: u64 = 3;
const EMAIL_LIMIT: u64 = 3;
const CLIENT: &str = "0b7e6f6c-3f0e-4a53-8d0a-1f1f2e3d4c5b";

fn stub() -> &'static Stub {
    static STUB: OnceLock<Stub> = OnceLock::new();
    STUB.get_or_init(Stub::start)
}

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "replicas",
        redis_dbs: [11, 11, 11],
        instances: 2,
        variables: vec![
            ("clients_directory", "http".into()),
            ("clients_base_url", stub().url()),
            ("clients_call_timeout_ms", "500".into()),
            ("clients_breaker_failures", FAILURES.to_string()),
            ("clients_breaker_cooldown_seconds", COOLDOWN.to_string()),
            ("login_max_failures_per_email", EMAIL_LIMIT.to_string()),
            ("login_max_failures_per_address", "100000".into()),
        ],
        ..AppOptions::default()
    })
}

fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    assert_eq!(app().base_urls.len(), 2, "two instances");
    stub().set(Mode::Healthy);
    guard
}

/// A request by `user` on instance `n`.
fn on(n: usize, user: &User, method: &'static str, path: &str) -> fin_e2e::Call {
    app().client_at(n).request(method, path).bearer(&user.token)
}

fn invoice_body() -> Value {
    json!({"client_id": CLIENT, "lines": [{"description": "Work", "quantity": 1, "unit_price": 10000}]})
}

fn create_on(n: usize, user: &User) -> Reply {
    on(n, user, "POST", "/invoices")
        .json(&invoice_body())
        .send()
}

#[test]
fn a_token_revoked_on_one_instance_is_refused_on_the_other() {
    let _serial = serial();
    let user = User::sign_up(app(), "replica-logout");
    assert_eq!(on(0, &user, "GET", "/auth/profile").send().status, 200);
    assert_eq!(on(1, &user, "GET", "/auth/profile").send().status, 200);
    assert_eq!(on(1, &user, "POST", "/auth/logout").send().status, 204);
    for n in [0, 1] {
        let reply = on(n, &user, "GET", "/clients").send();
        assert_eq!(
            reply.problem(401)["detail"],
            "The token has been revoked.",
            "instance {n}"
        );
    }
}

#[test]
fn login_throttling_counts_failures_across_instances() {
    let _serial = serial();
    let email = unique_email("replica-throttle");
    assert_eq!(app().register(&email).status, 202);
    let login = |n: usize, password: &str| {
        app().client_at(n).post_json(
            "/auth/login",
            &json!({"email": email, "password": password}),
        )
    };
    for attempt in 0..EMAIL_LIMIT as usize {
        assert_eq!(
            login(attempt % 2, "wrong password").status,
            401,
            "attempt {attempt}"
        );
    }
    for n in [0, 1] {
        let reply = login(n, PASSWORD);
        reply.problem(429);
        assert!(reply.header("retry-after").is_some(), "instance {n}");
    }
}

#[test]
fn the_breaker_one_instance_opens_is_open_on_the_other_with_one_trial_in_all() {
    let _serial = serial();
    let user = User::sign_up(app(), "replica-breaker");
    stub().set(Mode::Failing);
    for attempt in 0..FAILURES as usize {
        create_on(attempt % 2, &user).problem(503);
    }
    // Open now, for both: nobody calls the stub.
    let hits = stub().hits();
    for n in [0, 1, 0, 1] {
        let reply = create_on(n, &user);
        reply.problem(503);
        assert!(reply.header("retry-after").is_some());
    }
    assert_eq!(
        stub().hits(),
        hits,
        "an open breaker makes no call, on any instance"
    );

    // After the cool-down, eight callers over both instances: one trial call in all.
    std::thread::sleep(Duration::from_secs(COOLDOWN + 1));
    stub().set(Mode::Slow);
    let hits = stub().hits();
    let replies = concurrently(8, |i| {
        on(i, &user, "POST", "/invoices")
            .json(&invoice_body())
            .send()
    });
    assert_eq!(
        stub().hits(),
        hits + 1,
        "exactly one trial call across both instances"
    );
    assert!(
        replies.iter().all(|r| r.status == 503),
        "the trial timed out: still open"
    );

    // The next trial succeeds and closes it for both.
    std::thread::sleep(Duration::from_secs(COOLDOWN + 1));
    stub().set(Mode::Healthy);
    assert_eq!(create_on(1, &user).status, 201, "the trial closes it");
    assert_eq!(
        create_on(0, &user).status,
        201,
        "closed on the other instance too"
    );
}

/// `field` of every reply, each of which must be a 201.
fn created(replies: &[Reply], field: &str) -> BTreeSet<String> {
    replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()[field].as_str().expect(field).to_owned()
        })
        .collect()
}

#[test]
fn forty_concurrent_creates_over_both_instances_number_gaplessly() {
    let _serial = serial();
    let user = User::sign_up(app(), "replica-numbers");
    let replies = concurrently(40, |i| {
        on(i, &user, "POST", "/invoices")
            .json(&invoice_body())
            .send()
    });
    let numbers = created(&replies, "number");
    assert_eq!(numbers.len(), 40, "no duplicates");
    let sequences: BTreeSet<u32> = numbers
        .iter()
        .filter_map(|n| n.rsplit('-').next()?.parse().ok())
        .collect();
    assert_eq!(sequences, (1..=40).collect(), "1 to 40, no gaps");
}

#[test]
fn idempotent_replays_cross_instances() {
    let _serial = serial();
    let user = User::sign_up(app(), "replica-replay");
    let key = unique_email("key");
    let first = on(0, &user, "POST", "/invoices")
        .header("idempotency-key", &key)
        .json(&invoice_body())
        .send();
    assert_eq!(first.status, 201, "{}", first.body);
    let replay = on(1, &user, "POST", "/invoices")
        .header("idempotency-key", &key)
        .json(&invoice_body())
        .send();
    assert_eq!(replay.status, 201);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.json()["id"], first.json()["id"]);
    let other = on(1, &user, "POST", "/invoices")
        .header("idempotency-key", &key)
        .json(&json!({"client_id": CLIENT, "lines": [{"description": "Else", "quantity": 2, "unit_price": 1}]}))
        .send();
    other.problem(422);

    // The same new key on both instances at once: one invoice.
    let key = unique_email("key");
    let replies = concurrently(6, |i| {
        on(i, &user, "POST", "/invoices")
            .header("idempotency-key", &key)
            .json(&invoice_body())
            .send()
    });
    let ids = created(&replies, "id");
    assert_eq!(ids.len(), 1, "one invoice for one key");
}
