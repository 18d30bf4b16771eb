//! The breaker between billing and clients, under `spin up` with the real Redis-backed
//! store, billing's clients base URL pointed at a stub the test steers.
//!
//! One scenario, in order, because the breaker is one shared state: closed → (failures
//! of every kind) → open → half-open with a single trial → open again → closed.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fin_e2e::{App, AppOptions, Mode, Reply, Stub, User};
use serde_json::json;

const COOLDOWN: u64 = 3;
const TIMEOUT_MS: u64 = 500;
const BREAKER_DB: u8 = 14;

fn stub() -> &'static Stub {
    static STUB: OnceLock<Stub> = OnceLock::new();
    STUB.get_or_init(Stub::start)
}

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "breaker",
        redis_dbs: [12, 13, BREAKER_DB],
        variables: vec![
            ("clients_directory", "http".into()),
            ("clients_base_url", stub().url()),
            ("clients_call_timeout_ms", TIMEOUT_MS.to_string()),
            ("clients_breaker_failures", "3".into()),
            ("clients_breaker_cooldown_seconds", COOLDOWN.to_string()),
        ],
        ..AppOptions::default()
    })
}

const CLIENT: &str = "0b7e6f6c-3f0e-4a53-8d0a-1f1f2e3d4c5b";

fn create(user: &User) -> Reply {
    user.post(
        "/invoices",
        &json!({"client_id": CLIENT, "lines": [
            {"description": "Work", "quantity": 1, "unit_price": 10000}
        ]}),
    )
}

/// A 503 that tells the caller when to come back.
fn unavailable(reply: &Reply) -> u64 {
    let problem = reply.problem(503);
    assert_eq!(problem["type"], "/problems/unavailable");
    reply
        .header("retry-after")
        .and_then(|s| s.parse().ok())
        .filter(|s| *s >= 1)
        .unwrap_or_else(|| panic!("503 without a usable Retry-After: {reply:?}"))
}

fn wait_out_cooldown() {
    std::thread::sleep(Duration::from_secs(COOLDOWN + 1));
}

#[test]
fn the_breaker_goes_through_every_state() {
    let stub = stub();
    let user = User::sign_up(app(), "breaker");

    // Closed: calls go through, with the caller's own token.
    let first = create(&user);
    assert_eq!(first.status, 201, "{}", first.body);
    let first = first.json();
    assert_eq!(
        first["currency"], "EUR",
        "from the client the stub returned"
    );
    assert_eq!(
        stub.authorizations().last().map(String::as_str),
        Some(format!("Bearer {}", user.token).as_str())
    );

    // A 404 is an answer: it never counts as a failure, and it resets the count.
    stub.set(Mode::Failing);
    unavailable(&create(&user));
    unavailable(&create(&user));
    stub.set(Mode::NotFound);
    for _ in 0..4 {
        let problem = create(&user).problem(422);
        assert_eq!(problem["errors"][0]["field"], "client_id");
    }

    // A token clients refuses is the caller's 401, not an outage either.
    stub.set(Mode::Unauthorized);
    create(&user).problem(401);

    // Three consecutive failures of three kinds open it: 5xx, timed out, refused.
    stub.set(Mode::Failing);
    let before = stub.hits();
    unavailable(&create(&user));
    stub.set(Mode::Slow);
    let started = Instant::now();
    unavailable(&create(&user));
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(TIMEOUT_MS) + Duration::from_secs(2),
        "the call timeout ends a stalled call ({took:?})"
    );
    assert_eq!(
        stub.hits(),
        before + 2,
        "both calls were made: the 404s and the 401 had reset the count"
    );
    stub.set(Mode::Refusing);
    unavailable(&create(&user));

    // Open: refused at once, with no call made, by every (fresh) instance.
    stub.set(Mode::Healthy);
    let hits = stub.hits();
    for _ in 0..3 {
        let retry_after = unavailable(&create(&user));
        assert!(retry_after <= COOLDOWN, "{retry_after}");
    }
    assert_eq!(stub.hits(), hits, "no call while open");
    let keys = app().redis_keys(BREAKER_DB);
    assert!(
        keys.iter().any(|k| k.contains("breaker:clients:opened_at")),
        "the state lives in the Redis-backed store: {keys:?}"
    );
    // Reads never depend on clients; a send does (it freezes the client's details on
    // the invoice), so it is refused like a create and leaves the draft as it was.
    let at = format!("/invoices/{}", first["id"].as_str().expect("id"));
    assert_eq!(user.get(&at).status, 200);
    assert_eq!(user.get("/invoices").status, 200);
    unavailable(&user.post(&format!("{at}/send"), &json!({})));
    assert_eq!(user.get(&at).json()["status"], "draft");
    assert_eq!(stub.hits(), hits, "no call while open");
    // Nothing was half-written by the refused creates.
    let listed = user.get("/invoices").json();
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));

    // Half-open: of several concurrent callers exactly one makes the trial call; it
    // stalls past the timeout, so the breaker opens again.
    wait_out_cooldown();
    stub.set(Mode::Slow);
    let hits = stub.hits();
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..5).map(|_| s.spawn(|| create(&user))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for reply in &replies {
        unavailable(reply);
    }
    assert_eq!(stub.hits(), hits + 1, "a single trial call");
    stub.set(Mode::Healthy);
    unavailable(&create(&user));
    assert_eq!(stub.hits(), hits + 1, "open again after the failed trial");

    // Half-open again; this trial succeeds and closes the breaker.
    wait_out_cooldown();
    let trial = create(&user);
    assert_eq!(trial.status, 201, "{}", trial.body);
    let after = create(&user);
    assert_eq!(after.status, 201, "closed: calls go through again");
    assert_eq!(stub.hits(), hits + 3);

    // Every refused create gave its number back: the sequence has no gaps.
    let numbers: Vec<String> = user.get("/invoices").json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["number"].as_str().expect("number").to_owned())
        .collect();
    let suffixes: Vec<&str> = numbers
        .iter()
        .map(|n| n.rsplit('-').next().unwrap_or_default())
        .collect();
    assert_eq!(suffixes, ["0003", "0002", "0001"]);
}
