//! Accounts a person can trust, under `spin up` with the mailer and the e-mail
//! provider's stand-in: getting back in from a reset link in the outbox, proving the
//! address, changing the password, seeing and ending sessions, and the security log —
//! each refusing what it must and changing nothing when it does.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use fin_e2e::shared::{emails, link_token, mail, redis};
use fin_e2e::{unique_email, App, AppOptions, Client, Device, Reply, PASSWORD};
use serde_json::{json, Value};

const NEW_PASSWORD: &str = "a brand new horse battery";

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "recovery",
        redis_dbs: [5, 6, 6],
        variables: vec![
            // Every test asks from 127.0.0.1: the per-address limit has a test of its own
            // below, with a fresh count (the window is per quarter hour).
            ("password_reset_max_per_address", "100000".into()),
            ("max_body_bytes", "4096".into()),
        ],
        events_redis: Some(redis()),
        kv_redis: Some(redis()),
        mail: Some(mail()),
        ..AppOptions::default()
    })
}

/// Tests that count e-mails or limits run one at a time.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn client() -> Client {
    app().client()
}

fn log_in(email: &str, password: &str, agent: &str) -> Device {
    app().log_in(email, password, agent)
}

fn registered(tag: &str) -> String {
    let email = unique_email(tag);
    assert_eq!(app().register(&email).status, 202);
    email
}

fn profile(token: &str) -> Reply {
    client().get("/auth/profile").bearer(token).send()
}

fn refresh(cookie: &str) -> Reply {
    client()
        .post("/auth/refresh")
        .header("cookie", cookie)
        .send()
}

fn ask_reset(email: &str) -> Reply {
    client().post_json("/auth/password-reset", &json!({"email": email}))
}

fn confirm(token: &str, password: &str) -> Reply {
    client().post_json(
        "/auth/password-reset/confirm",
        &json!({"token": token, "password": password}),
    )
}

fn password_of(email: &str) -> String {
    let rows = app()
        .db()
        .query(
            "SELECT password_hash FROM users WHERE email = $1",
            &[&email],
        )
        .expect("query");
    rows[0].get(0)
}

// --- reset -----------------------------------------------------------------------------

#[test]
fn a_forgotten_password_is_reset_from_the_emailed_link_and_every_session_ends() {
    let _serial = serial();
    let email = registered("forgot");
    let laptop = log_in(&email, PASSWORD, "Laptop");
    let phone = log_in(&email, PASSWORD, "Phone");

    let asked = ask_reset(&email);
    assert_eq!(asked.status, 202, "{}", asked.body);
    let token = link_token(&email, "Reset your password", 1);
    let sent = &emails(&email, "Reset your password", 1)[0];
    assert!(
        sent.email
            .text
            .as_deref()
            .unwrap_or_default()
            .contains("30 minutes"),
        "the e-mail says how long the link works"
    );
    assert!(
        sent.idempotency_key
            .as_deref()
            .is_some_and(|k| k.starts_with("fin-account-mail/")),
        "sent once, under one key"
    );

    let reset = confirm(&token, NEW_PASSWORD);
    assert_eq!(reset.status, 204, "{}", reset.body);
    for device in [&laptop, &phone] {
        profile(&device.token).problem(401);
        refresh(&device.cookie).problem(401);
    }
    assert_eq!(app().login(&email, PASSWORD).status, 401);
    let back = log_in(&email, NEW_PASSWORD, "Laptop");
    assert_eq!(
        profile(&back.token).json()["email_verified"],
        true,
        "the link proved the mailbox"
    );

    let notice = emails(&email, "Your password was changed", 1);
    assert_eq!(notice.len(), 1, "the owner is told");
    let again = confirm(&token, "yet another password");
    assert_eq!(again.problem(400)["type"], "/problems/invalid-link");
    assert_eq!(
        app().login(&email, NEW_PASSWORD).status,
        200,
        "the spent link changed nothing"
    );
}

#[test]
fn reset_links_that_are_altered_superseded_or_expired_change_nothing() {
    let _serial = serial();
    let email = registered("links");
    let before = password_of(&email);
    assert_eq!(ask_reset(&email).status, 202);
    let first = link_token(&email, "Reset your password", 1);
    assert_eq!(ask_reset(&email).status, 202);
    let second = link_token(&email, "Reset your password", 2);

    let mut altered = second.clone().into_bytes();
    altered[10] = if altered[10] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).expect("ascii");
    for (what, token) in [
        ("altered", altered.as_str()),
        ("superseded by a newer link", first.as_str()),
        ("not a token at all", "../../etc/passwd"),
        ("empty", ""),
    ] {
        let reply = confirm(token, NEW_PASSWORD);
        assert_eq!(reply.status, 400, "{what}: {}", reply.body);
    }
    app()
        .db()
        .execute(
            "UPDATE account_tokens SET expires_at = now() - interval '1 second'
             WHERE user_id = (SELECT id FROM users WHERE email = $1)",
            &[&email],
        )
        .expect("expire the links");
    assert_eq!(confirm(&second, NEW_PASSWORD).status, 400, "expired");
    assert_eq!(password_of(&email), before, "nothing changed");
    assert_eq!(app().login(&email, PASSWORD).status, 200);
}

#[test]
fn a_reset_needs_a_password_that_keeps_the_rules_and_spends_nothing_until_then() {
    let _serial = serial();
    let email = registered("rules");
    assert_eq!(ask_reset(&email).status, 202);
    let token = link_token(&email, "Reset your password", 1);
    let short = confirm(&token, "short");
    assert_eq!(short.problem(422)["errors"][0]["field"], "password");
    assert_eq!(
        confirm(&token, NEW_PASSWORD).status,
        204,
        "the link was not spent"
    );
}

/// Nobody learns who has an account: the same status and body, and times that differ by
/// less than the spread of the answers themselves.
#[test]
fn reset_and_registration_answer_alike_for_known_and_unknown_addresses() {
    let _serial = serial();
    const TRIES: usize = 15;
    let known: Vec<String> = (0..TRIES).map(|_| registered("known")).collect();
    let mut known_ms = Vec::new();
    let mut unknown_ms = Vec::new();
    let mut answers = std::collections::BTreeSet::new();
    for email in &known {
        let unknown = unique_email("nobody");
        for (address, times) in [(email, &mut known_ms), (&unknown, &mut unknown_ms)] {
            let started = Instant::now();
            let reply = ask_reset(address);
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            answers.insert((reply.status, reply.body));
        }
    }
    assert_eq!(answers.len(), 1, "one answer for all: {answers:?}");
    assert_alike("password reset", &known_ms, &unknown_ms);

    let mut taken_ms = Vec::new();
    let mut free_ms = Vec::new();
    let mut answers = std::collections::BTreeSet::new();
    for email in known.iter().take(8) {
        let fresh = unique_email("fresh");
        for (address, times) in [(email, &mut taken_ms), (&fresh, &mut free_ms)] {
            let started = Instant::now();
            let reply = app().register(address);
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            answers.insert((reply.status, reply.body));
        }
    }
    assert_eq!(answers.len(), 1, "one answer for all: {answers:?}");
    assert_alike("registration", &taken_ms, &free_ms);
    // The owners of the taken addresses were told, once each.
    assert_eq!(emails(&known[0], "Someone tried to sign up", 1).len(), 1);
}

/// The medians differ by less than the bound measured from the samples themselves: the
/// interquartile range of all the answers (how much one answer's time varies on this
/// machine), and never less than 5 ms.
fn assert_alike(what: &str, a: &[f64], b: &[f64]) {
    let sorted = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v
    };
    let median = |v: &[f64]| sorted(v)[v.len() / 2];
    let all = sorted(&[a, b].concat());
    let spread = all[all.len() * 3 / 4] - all[all.len() / 4];
    let bound = spread.max(5.0);
    let diff = (median(a) - median(b)).abs();
    assert!(
        diff < bound,
        "{what}: medians {:.1} ms and {:.1} ms differ by more than {bound:.1} ms",
        median(a),
        median(b)
    );
}

#[test]
fn reset_requests_are_limited_per_mailbox_without_saying_so() {
    let _serial = serial();
    let email = registered("flood");
    for _ in 0..5 {
        assert_eq!(ask_reset(&email).status, 202);
    }
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        emails(&email, "Reset your password", 5).len(),
        3,
        "three e-mails a quarter hour, whatever is asked"
    );
}

// --- verification ----------------------------------------------------------------------

#[test]
fn the_address_is_verified_from_the_link_sent_at_registration() {
    let _serial = serial();
    let email = registered("verify");
    let device = log_in(&email, PASSWORD, "Laptop");
    assert_eq!(profile(&device.token).json()["email_verified"], false);
    let token = link_token(&email, "Confirm your e-mail address", 1);
    let verify = |token: &str| client().post_json("/auth/verify-email", &json!({"token": token}));
    assert_eq!(verify(&token).status, 204);
    assert_eq!(profile(&device.token).json()["email_verified"], true);
    assert_eq!(verify(&token).status, 400, "a link works once");
    let resend = client()
        .post("/auth/verify-email/resend")
        .bearer(&device.token)
        .send();
    resend.problem(409);
}

#[test]
fn a_new_verification_link_supersedes_the_old_and_asking_is_limited() {
    let _serial = serial();
    let email = registered("resend");
    let device = log_in(&email, PASSWORD, "Laptop");
    let first = link_token(&email, "Confirm your e-mail address", 1);
    let resend = || {
        client()
            .post("/auth/verify-email/resend")
            .bearer(&device.token)
            .send()
    };
    assert_eq!(resend().status, 202);
    let second = link_token(&email, "Confirm your e-mail address", 2);
    let verify = |token: &str| client().post_json("/auth/verify-email", &json!({"token": token}));
    assert_eq!(verify(&first).status, 400, "superseded");
    assert_eq!(resend().status, 202);
    assert_eq!(resend().status, 202);
    let limited = resend();
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.header("retry-after").is_some());
    let third = link_token(&email, "Confirm your e-mail address", 4);
    assert_eq!(verify(&second).status, 400, "superseded too");
    assert_eq!(verify(&third).status, 204);
}

// --- password --------------------------------------------------------------------------

#[test]
fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let _serial = serial();
    let email = registered("change");
    let laptop = log_in(&email, PASSWORD, "Laptop");
    let phone = log_in(&email, PASSWORD, "Phone");
    let change = |current: &str, new: &str| {
        client()
            .post("/auth/password")
            .bearer(&laptop.token)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };
    let wrong = change("not my password", NEW_PASSWORD);
    assert_eq!(wrong.problem(422)["errors"][0]["field"], "current_password");
    let weak = change(PASSWORD, "short");
    assert_eq!(weak.problem(422)["errors"][0]["field"], "new_password");
    assert_eq!(
        app().login(&email, PASSWORD).status,
        200,
        "nothing changed yet"
    );

    assert_eq!(change(PASSWORD, NEW_PASSWORD).status, 204);
    profile(&phone.token).problem(401);
    refresh(&phone.cookie).problem(401);
    assert_eq!(profile(&laptop.token).status, 200, "this session goes on");
    assert_eq!(refresh(&laptop.cookie).status, 200);
    assert_eq!(app().login(&email, NEW_PASSWORD).status, 200);
    assert_eq!(emails(&email, "Your password was changed", 1).len(), 1);
}

#[test]
fn wrong_current_passwords_are_throttled() {
    let _serial = serial();
    let email = registered("guess");
    let device = log_in(&email, PASSWORD, "Laptop");
    let change = |current: &str| {
        client()
            .post("/auth/password")
            .bearer(&device.token)
            .json(&json!({"current_password": current, "new_password": NEW_PASSWORD}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(change("a wrong guess").status, 422);
    }
    assert_eq!(
        change(PASSWORD).status,
        429,
        "even the right one, until the window ends"
    );
    assert_eq!(app().login(&email, PASSWORD).status, 200, "unchanged");
}

// --- sessions --------------------------------------------------------------------------

fn sessions(token: &str) -> Vec<Value> {
    let reply = client().get("/auth/sessions").bearer(token).send();
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn the_owner_sees_each_session_and_ends_one_or_all_others() {
    let email = registered("sessions");
    let laptop = log_in(&email, PASSWORD, "Laptop browser");
    let phone = log_in(&email, PASSWORD, "Phone app");
    let tablet = log_in(&email, PASSWORD, "Tablet");
    let listed = sessions(&laptop.token);
    assert_eq!(listed.len(), 3, "{listed:?}");
    let current: Vec<&Value> = listed.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["user_agent"], "Laptop browser");
    assert_eq!(current[0]["address"], "127.0.0.1");
    let phone_id = listed
        .iter()
        .find(|s| s["user_agent"] == "Phone app")
        .and_then(|s| s["id"].as_str())
        .expect("the phone's session")
        .to_owned();

    // Another account cannot end it, nor see it.
    let other = registered("sessions-other");
    let stranger = log_in(&other, PASSWORD, "Stranger");
    let end = |token: &str, id: &str| {
        client()
            .request("DELETE", &format!("/auth/sessions/{id}"))
            .bearer(token)
            .send()
    };
    end(&stranger.token, &phone_id).problem(404);
    assert_eq!(sessions(&stranger.token).len(), 1);
    assert_eq!(profile(&phone.token).status, 200);

    assert_eq!(end(&laptop.token, &phone_id).status, 204);
    profile(&phone.token).problem(401);
    refresh(&phone.cookie).problem(401);
    end(&laptop.token, &phone_id).problem(404);
    end(&laptop.token, "not-a-uuid").problem(404);
    assert_eq!(sessions(&laptop.token).len(), 2);

    let others = client()
        .request("DELETE", "/auth/sessions")
        .bearer(&laptop.token)
        .send();
    assert_eq!(others.status, 204);
    profile(&tablet.token).problem(401);
    refresh(&tablet.cookie).problem(401);
    assert_eq!(profile(&laptop.token).status, 200);
    assert_eq!(sessions(&laptop.token).len(), 1);
    assert_eq!(
        profile(&stranger.token).status,
        200,
        "another account is untouched"
    );
}

#[test]
fn logging_out_ends_the_session_not_just_the_token() {
    let email = registered("logout");
    let device = log_in(&email, PASSWORD, "Laptop");
    let renewed = refresh(&device.cookie);
    let second = renewed.json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(
        client()
            .post("/auth/logout")
            .bearer(&device.token)
            .send()
            .status,
        204
    );
    profile(&second).problem(401);
    let cookie = renewed
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_owned();
    refresh(&cookie).problem(401);
}

// --- security log ----------------------------------------------------------------------

fn log_of(token: &str, query: &str) -> Reply {
    client()
        .get(&format!("/auth/security-log{query}"))
        .bearer(token)
        .send()
}

#[test]
fn the_security_log_tells_the_owner_what_happened_and_nothing_of_others() {
    let email = registered("log");
    assert_eq!(app().login(&email, "a wrong password").status, 401);
    let device = log_in(&email, PASSWORD, "Laptop");
    let other = registered("log-other");
    assert_eq!(app().login(&other, "a wrong password").status, 401);
    let kinds: Vec<String> = log_of(&device.token, "").json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        kinds,
        ["login", "login.failed"],
        "newest first, only this account's"
    );

    let first = log_of(&device.token, "?limit=1").json();
    assert_eq!(first["items"][0]["kind"], "login");
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = log_of(&device.token, &format!("?limit=1&cursor={cursor}")).json();
    assert_eq!(second["items"][0]["kind"], "login.failed");
    assert_eq!(second["next_cursor"], Value::Null);
    for bad in [
        "?limit=0",
        "?cursor=bm90LWEtdXVpZA",
        "?sort=kind",
        "?cursor=%00",
    ] {
        assert_eq!(log_of(&device.token, bad).status, 422, "{bad}");
    }
}

// --- hostile input ---------------------------------------------------------------------

#[test]
fn every_account_route_refuses_bad_bodies_and_bad_tokens_and_changes_nothing() {
    let email = registered("hostile");
    let device = log_in(&email, PASSWORD, "Laptop");
    let before = password_of(&email);
    let bodies: [(&str, bool); 4] = [
        ("/auth/password-reset", false),
        ("/auth/password-reset/confirm", false),
        ("/auth/verify-email", false),
        ("/auth/password", true),
    ];
    for (path, bearer) in bodies {
        let call = |body: Vec<u8>| {
            let c = client().post(path).raw("application/json", body);
            if bearer { c.bearer(&device.token) } else { c }.send()
        };
        assert_eq!(call(b"{not json".to_vec()).status, 400, "{path}: malformed");
        assert_eq!(call(b"{}".to_vec()).status, 422, "{path}: missing fields");
        let wrong_types = call(br#"{"email": 1, "token": [], "password": {}, "current_password": 2, "new_password": true}"#.to_vec());
        assert!(
            matches!(wrong_types.status, 400 | 422),
            "{path}: {}",
            wrong_types.body
        );
        let huge = format!(r#"{{"email": "{}"}}"#, "a".repeat(8000)).into_bytes();
        assert_eq!(call(huge).status, 413, "{path}: oversized");
    }
    let forged = fin_e2e::tokens::sign(
        &fin_e2e::tokens::claims_for("6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11"),
        jsonwebtoken::Algorithm::HS256,
        b"not-the-secret-not-the-secret-not-the-secret",
    );
    for (method, path) in [
        ("POST", "/auth/password"),
        ("POST", "/auth/verify-email/resend"),
        ("GET", "/auth/sessions"),
        ("DELETE", "/auth/sessions"),
        (
            "DELETE",
            "/auth/sessions/6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11",
        ),
        ("GET", "/auth/security-log"),
    ] {
        for token in [forged.as_str(), "not-a-token"] {
            let reply = client().request(method, path).bearer(token).send();
            assert_eq!(reply.status, 401, "{method} {path}: {}", reply.body);
        }
        assert_eq!(
            client().request(method, path).send().status,
            401,
            "{method} {path}: none"
        );
    }
    assert_eq!(password_of(&email), before, "nothing changed");
    assert_eq!(sessions(&device.token).len(), 1);
}

// --- what waits for a confirmed address ------------------------------------------------

#[test]
fn invoices_are_sent_and_stripe_connected_only_from_a_confirmed_address() {
    let _serial = serial();
    let email = registered("unconfirmed");
    let device = log_in(&email, PASSWORD, "Laptop");
    let call = |method: &str, path: &str, body: Option<Value>| {
        let c = client().request(method, path).bearer(&device.token);
        match body {
            Some(body) => c.json(&body).send(),
            None => c.send(),
        }
    };
    let client_id = call(
        "POST",
        "/clients",
        Some(json!({"name": "Acme GmbH", "default_currency": "EUR", "email": "ap@acme.example"})),
    )
    .json()["id"]
        .as_str()
        .expect("client")
        .to_owned();
    let draft = call(
        "POST",
        "/invoices",
        Some(
            json!({"client_id": client_id, "lines": [{"description": "Work", "quantity": "1", "unit_price": 10_000}]}),
        ),
    );
    assert_eq!(draft.status, 201, "{}", draft.body);
    let invoice = draft.json()["id"].as_str().expect("invoice").to_owned();

    let refused = call("POST", &format!("/invoices/{invoice}/send"), None);
    assert_eq!(refused.problem(403)["type"], "/problems/email-unverified");
    let stripe = call(
        "PUT",
        "/payments/stripe-connection",
        Some(json!({"secret_key": "sk_test_51Unconfirmed0000000000000000000000000000000000"})),
    );
    assert_eq!(stripe.problem(403)["type"], "/problems/email-unverified");
    let still = call("GET", &format!("/invoices/{invoice}"), None).json();
    assert_eq!(still["status"], "draft", "nothing was sent");

    let token = link_token(&email, "Confirm your e-mail address", 1);
    let verified = client().post_json("/auth/verify-email", &json!({"token": token}));
    assert_eq!(verified.status, 204);
    let sent = call("POST", &format!("/invoices/{invoice}/send"), None);
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.json()["status"], "sent");
}
