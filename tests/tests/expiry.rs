//! What must wear off does: access and refresh tokens expire, blocklist entries and
//! throttle counters are swept from Redis, and a client address that guesses at many
//! accounts is throttled.
//! Its own app instance, with short lifetimes, so the identity tests keep theirs.

use std::sync::OnceLock;
use std::time::Duration;

use fin_e2e::{App, AppOptions, Reply, PASSWORD};

const TOKEN_TTL_SECONDS: u64 = 2;
const ADDRESS_FAILURE_LIMIT: usize = 3;
const BLOCKLIST_DB: u8 = 5;
/// Failed logins are counted in fixed windows of this many seconds (aligned to the epoch).
const WINDOW_SECONDS: u64 = 3600;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "expiry",
        redis_dbs: [BLOCKLIST_DB, 6, 6],
        variables: vec![
            ("access_token_ttl_seconds", TOKEN_TTL_SECONDS.to_string()),
            ("refresh_token_ttl_seconds", TOKEN_TTL_SECONDS.to_string()),
            ("kv_sweep_interval_seconds", "1".into()),
            ("login_max_failures_per_email", "1000".into()),
            (
                "login_max_failures_per_address",
                ADDRESS_FAILURE_LIMIT.to_string(),
            ),
            ("login_failure_window_seconds", WINDOW_SECONDS.to_string()),
        ],
        ..AppOptions::default()
    })
}

fn register_and_login(email: &str) -> String {
    let reply = app().register(email);
    assert_eq!(reply.status, 202, "{}", reply.body);
    login(email, PASSWORD).json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

fn login(email: &str, password: &str) -> Reply {
    app().login(email, password)
}

/// The token's `jti`; the test only reads its own tokens, so no signature check.
fn jti(token: &str) -> String {
    let claims: serde_json::Value =
        jsonwebtoken::dangerous::insecure_decode_claims(token).expect("readable claims");
    claims["jti"].as_str().expect("jti").to_owned()
}

fn blocklisted(jti: &str) -> bool {
    app()
        .redis_keys(BLOCKLIST_DB)
        .iter()
        .any(|k| k.starts_with("revoked|") && k.ends_with(jti))
}

fn wait_past_token_lifetime() {
    std::thread::sleep(Duration::from_secs(TOKEN_TTL_SECONDS + 2));
}

/// Both steps log in from 127.0.0.1, so the address lock-out has to come last; one test
/// runs them in that order.
#[test]
fn tokens_and_blocklist_entries_expire_then_a_guessing_address_is_locked_out() {
    tokens_expire_and_the_blocklist_forgets_them_afterwards();
    one_address_guessing_at_many_accounts_is_throttled();
}

fn tokens_expire_and_the_blocklist_forgets_them_afterwards() {
    let c = app().client();
    let old = register_and_login("expiring@example.com");
    assert_eq!(c.get("/auth/profile").bearer(&old).send().status, 200);
    assert_eq!(c.post("/auth/logout").bearer(&old).send().status, 204);
    assert!(blocklisted(&jti(&old)), "logout blocklists the token's jti");

    let second = login("expiring@example.com", PASSWORD);
    let unused = second.json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let set_cookie = second.header("set-cookie").expect("a refresh cookie");
    assert!(
        set_cookie.contains(&format!("Max-Age={TOKEN_TTL_SECONDS};")),
        "the cookie lasts as long as its token: {set_cookie}"
    );
    let refresh_cookie = set_cookie.split(';').next().expect("name=value").to_owned();
    wait_past_token_lifetime();
    let stale = c
        .post("/auth/refresh")
        .header("cookie", &refresh_cookie)
        .send();
    stale.problem(401);
    assert!(
        stale
            .header("set-cookie")
            .is_some_and(|v| v.contains("Max-Age=0")),
        "an expired refresh token is refused and its cookie cleared"
    );
    let expired = c.get("/auth/profile").bearer(&unused).send();
    let problem = expired.problem(401);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("expired"),
        "{problem}"
    );

    // The next logout, in a later sweep interval, removes the entries that have expired.
    let fresh = login("expiring@example.com", PASSWORD).json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(c.post("/auth/logout").bearer(&fresh).send().status, 204);
    assert!(!blocklisted(&jti(&old)), "expired entries do not pile up");
    assert!(blocklisted(&jti(&fresh)), "live entries stay");
}

fn one_address_guessing_at_many_accounts_is_throttled() {
    // The count starts again when a window ends: never let one end mid-test (it did once,
    // and the lock-out this asserts did not come).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let left = WINDOW_SECONDS - now % WINDOW_SECONDS;
    if left < 60 {
        std::thread::sleep(std::time::Duration::from_secs(left + 1));
    }
    for n in 0..ADDRESS_FAILURE_LIMIT {
        assert_eq!(
            login(&format!("guess-{n}@example.com"), "wrong password").status,
            401
        );
    }
    let throttled = login("guess-next@example.com", "wrong password");
    throttled.problem(429);
    assert!(throttled
        .header("retry-after")
        .is_some_and(|v| v.parse::<u64>().is_ok_and(|s| s >= 1)));
    // The lock-out is per address: even a right password from it waits.
    login("expiring@example.com", PASSWORD).problem(429);
    // Sending Spin's own header with another address changes nothing: Spin appends the
    // real peer after it, and only Spin's value counts (it counted the first before).
    let spoofed = app()
        .client()
        .request("POST", "/auth/login")
        .header("spin-client-addr", "203.0.113.9:4000")
        .json(&serde_json::json!({"email": "guess-spoofed@example.com", "password": "wrong password"}))
        .send();
    spoofed.problem(429);
}
