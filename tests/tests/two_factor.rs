//! Two-factor sign-in under `spin up`: turning it on with a key read from the
//! `otpauth://` URI by an independent TOTP implementation (the `totp-rs` crate, as an
//! authenticator app would), logging in in two steps, recovery codes, replays, tickets
//! that are forged, expired or spent, throttling, turning it off — each refusal changing
//! nothing.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fin_e2e::shared::{emails, mail, redis};
use fin_e2e::{App, AppOptions, Client, Reply, PASSWORD};
use serde_json::{json, Value};
use totp_rs::TOTP;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "two_factor",
        redis_dbs: [3, 4, 4],
        variables: vec![("max_body_bytes", "4096".into())],
        events_redis: Some(redis()),
        kv_redis: Some(redis()),
        mail: Some(mail()),
        ..AppOptions::default()
    })
}

fn client() -> Client {
    app().client()
}

/// Tests that play with the clock's steps run one at a time.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Waits, if need be, until a 30-second step has at least 15 seconds left: the codes of
/// the step before, this one and the next are then all accepted for a while.
fn fresh_step() {
    let into = unix_now() % 30;
    if into > 15 {
        std::thread::sleep(Duration::from_secs(30 - into));
    }
}

/// The authenticator app: the code `steps` steps from now.
fn code(app: &TOTP, steps: i64) -> String {
    app.generate((unix_now() as i64 + steps * 30).max(0) as u64)
}

fn call(token: &str, method: &str, path: &str, body: &Value) -> Reply {
    client()
        .request(method, path)
        .bearer(token)
        .json(body)
        .send()
}

fn status(token: &str) -> Value {
    let reply = client().get("/auth/two-factor").bearer(token).send();
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// A verified account signed in once: its address and access token.
fn account(tag: &str) -> (String, String) {
    app().sign_up(tag)
}

/// Turns two factors on: the authenticator app set up from the URI, and the recovery
/// codes shown. The enrolment's code is the previous step's.
fn enrol(token: &str, email: &str) -> (TOTP, Vec<String>) {
    let begun = call(
        token,
        "POST",
        "/auth/two-factor",
        &json!({"password": PASSWORD}),
    );
    assert_eq!(begun.status, 200, "{}", begun.body);
    assert_eq!(begun.header("cache-control"), Some("no-store"));
    let shown = begun.json();
    let uri = shown["otpauth_uri"].as_str().expect("a URI");
    let authenticator = TOTP::from_url(uri).expect("an authenticator app reads the URI");
    assert_eq!(authenticator.account_name, email);
    assert_eq!(authenticator.issuer.as_deref(), Some("Fin-Freelancer"));
    assert_eq!(
        authenticator.get_secret_base32(),
        shown["secret"].as_str().expect("the key as text")
    );
    assert!(shown["qr_svg"]
        .as_str()
        .is_some_and(|svg| svg.starts_with("<?xml") && svg.contains("<svg")));
    let confirmed = call(
        token,
        "POST",
        "/auth/two-factor/confirm",
        &json!({"code": code(&authenticator, -1)}),
    );
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let codes: Vec<String> = confirmed.json()["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    (authenticator, codes)
}

/// The password step: the ticket for the second.
fn ticket(email: &str) -> String {
    let reply = app().login(email, PASSWORD);
    assert_eq!(reply.status, 202, "{}", reply.body);
    assert!(reply.header("set-cookie").is_none(), "no session yet");
    let body = reply.json();
    assert!(body.get("access_token").is_none());
    assert_eq!(body["second_factor"], "totp");
    body["ticket"].as_str().expect("a ticket").to_owned()
}

fn second_step(ticket: &str, code: &str) -> Reply {
    client().post_json(
        "/auth/login/second-factor",
        &json!({"ticket": ticket, "code": code}),
    )
}

fn token_of(reply: &Reply) -> String {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.header("set-cookie").is_some(), "a refresh cookie");
    reply.json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

fn profile(token: &str) -> Reply {
    client().get("/auth/profile").bearer(token).send()
}

fn log_kinds(token: &str) -> Vec<String> {
    let reply = client()
        .get("/auth/security-log?limit=50")
        .bearer(token)
        .send();
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["kind"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn two_factors_go_on_with_a_first_code_and_then_every_login_has_two_steps() {
    let _serial = serial();
    fresh_step();
    let (email, laptop) = account("2fa-on");
    let phone = token_of(&app().login(&email, PASSWORD));
    assert_eq!(
        status(&laptop),
        json!({"enabled": false, "recovery_codes_left": 0})
    );

    let wrong = call(
        &laptop,
        "POST",
        "/auth/two-factor",
        &json!({"password": "not it"}),
    );
    assert_eq!(wrong.problem(422)["errors"][0]["field"], "password");
    let begun = call(
        &laptop,
        "POST",
        "/auth/two-factor",
        &json!({"password": PASSWORD}),
    );
    let authenticator =
        TOTP::from_url(begun.json()["otpauth_uri"].as_str().unwrap_or_default()).expect("URI");
    let not_now = call(
        &laptop,
        "POST",
        "/auth/two-factor/confirm",
        &json!({"code": code(&authenticator, -3)}),
    );
    assert_eq!(not_now.problem(422)["errors"][0]["field"], "code");
    assert_eq!(
        status(&laptop)["enabled"],
        false,
        "a wrong code turns nothing on"
    );
    assert_eq!(
        app().login(&email, PASSWORD).status,
        200,
        "the password alone still signs in"
    );

    // Starting again replaces the key that waited: the first one's codes no longer do.
    let (authenticator, codes) = enrol(&laptop, &email);
    assert_eq!(codes.len(), 10);
    assert_eq!(
        status(&laptop),
        json!({"enabled": true, "recovery_codes_left": 10})
    );
    assert_eq!(profile(&laptop).status, 200, "this session goes on");
    profile(&phone).problem(401);
    assert_eq!(emails(&email, "Two-factor sign-in is on", 1).len(), 1);
    call(
        &laptop,
        "POST",
        "/auth/two-factor",
        &json!({"password": PASSWORD}),
    )
    .problem(409);

    let first = ticket(&email);
    let replayed = second_step(&first, &code(&authenticator, -1));
    assert_eq!(
        replayed.problem(422)["errors"][0]["field"],
        "code",
        "the enrolment's code is spent"
    );
    let signed_in = token_of(&second_step(&first, &code(&authenticator, 0)));
    assert_eq!(profile(&signed_in).status, 200);
    assert_eq!(
        second_step(&first, &code(&authenticator, 1)).problem(401)["type"],
        "/problems/invalid-ticket",
        "a ticket works once"
    );
    let again = ticket(&email);
    second_step(&again, &code(&authenticator, 0)).problem(422);
    let next = token_of(&second_step(&again, &code(&authenticator, 1)));
    assert_eq!(profile(&next).status, 200);
    let kinds = log_kinds(&signed_in);
    assert!(
        kinds.contains(&"two_factor.enabled".to_owned()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"login.code_failed".to_owned()), "{kinds:?}");
}

#[test]
fn a_recovery_code_signs_in_once_and_new_ones_void_the_old() {
    let _serial = serial();
    fresh_step();
    let (email, token) = account("2fa-recovery");
    let (authenticator, codes) = enrol(&token, &email);
    let signed_in = token_of(&second_step(&ticket(&email), &codes[0].to_uppercase()));
    assert_eq!(status(&signed_in)["recovery_codes_left"], 9);
    second_step(&ticket(&email), &codes[0]).problem(422);
    assert!(log_kinds(&signed_in).contains(&"two_factor.recovery_code_used".to_owned()));

    let renewed = call(
        &signed_in,
        "POST",
        "/auth/two-factor/recovery-codes",
        &json!({"code": code(&authenticator, 0)}),
    );
    assert_eq!(renewed.status, 200, "{}", renewed.body);
    let fresh: Vec<String> = renewed.json()["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    assert_eq!(fresh.len(), 10);
    assert_eq!(status(&signed_in)["recovery_codes_left"], 10);
    second_step(&ticket(&email), &codes[1]).problem(422);
    token_of(&second_step(&ticket(&email), &fresh[0]));
}

#[test]
fn tickets_that_are_forged_expired_or_another_accounts_open_nothing() {
    let _serial = serial();
    fresh_step();
    let (email, token) = account("2fa-tickets");
    let (authenticator, _) = enrol(&token, &email);
    let (victim_email, victim_token) = account("2fa-victim");
    let (victim_app, _) = enrol(&victim_token, &victim_email);
    let now = code(&authenticator, 0);

    for forged in [
        "A".repeat(43),
        "short".to_owned(),
        String::new(),
        "../../auth/profile".to_owned(),
    ] {
        second_step(&forged, &now).problem(401);
    }
    let nul = second_step(&format!("{}\u{0}", "A".repeat(42)), &now);
    assert_eq!(nul.problem(422)["errors"][0]["field"], "ticket");
    // The victim's ticket with my code: my code is not the victim's.
    let victims = ticket(&victim_email);
    second_step(&victims, &now).problem(422);
    let expired = ticket(&email);
    app()
        .db()
        .execute(
            "UPDATE login_tickets SET expires_at = now() - interval '1 second'
             WHERE user_id = (SELECT id FROM users WHERE email = $1)",
            &[&email],
        )
        .expect("expire the tickets");
    second_step(&expired, &now).problem(401);
    let stored: i64 = app()
        .db()
        .query_one(
            "SELECT count(*) FROM login_tickets WHERE token_hash = $1",
            &[&expired],
        )
        .expect("query")
        .get(0);
    assert_eq!(stored, 0, "only the ticket's digest is kept");
    token_of(&second_step(&victims, &code(&victim_app, 0)));
}

#[test]
fn wrong_codes_are_throttled_on_every_route_and_a_new_password_step_does_not_reset_the_count() {
    let _serial = serial();
    fresh_step();
    let (email, token) = account("2fa-guess");
    let (authenticator, _) = enrol(&token, &email);
    for guess in ["000000", "111111", "222222", "333333", "444444"] {
        second_step(&ticket(&email), guess).problem(422);
    }
    let limited = second_step(&ticket(&email), &code(&authenticator, 0));
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.header("retry-after").is_some());
    assert_eq!(
        second_step(&ticket(&email), &code(&authenticator, 1)).status,
        429,
        "the count is the account's: a new password step does not clear it"
    );
    // No other route is a way round the count: turning two factors off is refused too.
    let off = call(
        &token,
        "POST",
        "/auth/two-factor/disable",
        &json!({"code": code(&authenticator, 0)}),
    );
    assert_eq!(off.status, 429, "{}", off.body);
    assert_eq!(status(&token)["enabled"], true);
}

#[test]
fn turning_two_factors_off_needs_a_code_and_tells_the_owner() {
    let _serial = serial();
    fresh_step();
    let (email, token) = account("2fa-off");
    let (authenticator, _) = enrol(&token, &email);
    let off = |code: &str| {
        call(
            &token,
            "POST",
            "/auth/two-factor/disable",
            &json!({"code": code}),
        )
    };
    assert_eq!(off("123456").problem(422)["errors"][0]["field"], "code");
    assert_eq!(off("").problem(422)["errors"][0]["field"], "code");
    assert_eq!(status(&token)["enabled"], true);
    assert_eq!(off(&code(&authenticator, 0)).status, 204);
    assert_eq!(
        status(&token),
        json!({"enabled": false, "recovery_codes_left": 0})
    );
    token_of(&app().login(&email, PASSWORD));
    off(&code(&authenticator, 1)).problem(409);
    assert_eq!(emails(&email, "Two-factor sign-in is off", 1).len(), 1);
    let kinds = log_kinds(&token);
    assert!(
        kinds.contains(&"two_factor.disabled".to_owned()),
        "{kinds:?}"
    );
    let left: i64 = app()
        .db()
        .query_one(
            "SELECT (SELECT count(*) FROM two_factor f JOIN users u ON u.id = f.user_id
                     WHERE u.email = $1)
                  + (SELECT count(*) FROM recovery_codes c JOIN users u ON u.id = c.user_id
                     WHERE u.email = $1)",
            &[&email],
        )
        .expect("query")
        .get(0);
    assert_eq!(left, 0, "the key and the codes are gone");
}

#[test]
fn hostile_bodies_get_a_clear_4xx_and_change_nothing() {
    let _serial = serial();
    let (email, token) = account("2fa-hostile");
    let routes = [
        "/auth/two-factor",
        "/auth/two-factor/confirm",
        "/auth/two-factor/disable",
        "/auth/two-factor/recovery-codes",
        "/auth/login/second-factor",
    ];
    let big = json!({"code": "1".repeat(8_000)});
    for route in routes {
        let raw = |content_type: &str, body: &[u8]| {
            client()
                .post(route)
                .bearer(&token)
                .raw(content_type, body.to_vec())
                .send()
        };
        for (what, reply, status) in [
            ("malformed", raw("application/json", b"{\"code\": "), 400),
            ("not JSON", raw("text/plain", b"code=1"), 415),
            (
                "invalid UTF-8",
                raw("application/json", b"{\"code\": \"\xff\"}"),
                400,
            ),
            (
                "U+0000",
                call(&token, "POST", route, &json!({"code": "12\u{0}456"})),
                422,
            ),
            ("oversized", call(&token, "POST", route, &big), 413),
            (
                "wrong type",
                call(
                    &token,
                    "POST",
                    route,
                    &json!({"code": 123_456, "password": 1, "ticket": []}),
                ),
                422,
            ),
            (
                "unknown field",
                call(&token, "POST", route, &json!({"sudo": true})),
                422,
            ),
        ] {
            assert_eq!(reply.status, status, "{route} {what}: {}", reply.body);
            reply.problem(status);
        }
        let missing = call(&token, "POST", route, &json!({}));
        assert_eq!(missing.status, 422, "{route}: {}", missing.body);
    }
    assert_eq!(
        status(&token),
        json!({"enabled": false, "recovery_codes_left": 0})
    );
    assert_eq!(app().login(&email, PASSWORD).status, 200);
}
