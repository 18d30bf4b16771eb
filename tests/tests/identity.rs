//! Identity end to end, under `spin up`, against real Postgres and Redis.

use std::sync::OnceLock;

use fin_e2e::dates::now;
use fin_e2e::tokens::{assembled, claims_for, sign};
use fin_e2e::{unique_email, App, AppOptions, Client, Reply, JWT_SECRET, PASSWORD};
use jsonwebtoken::Algorithm;
use serde_json::{json, Value};

const EMAIL_FAILURE_LIMIT: usize = 5;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "identity",
        redis_dbs: [3, 4, 4],
        variables: vec![
            (
                "login_max_failures_per_email",
                EMAIL_FAILURE_LIMIT.to_string(),
            ),
            // Every test logs in from 127.0.0.1; the address limit has its own binary.
            ("login_max_failures_per_address", "100000".into()),
            ("max_body_bytes", "4096".into()),
        ],
        ..AppOptions::default()
    })
}

fn client() -> Client {
    app().client()
}

fn register(email: &str) -> Reply {
    app().register(email)
}

fn login(email: &str, password: &str) -> Reply {
    app().login(email, password)
}

fn signed_in(tag: &str) -> (String, String) {
    app().sign_up(tag)
}

fn profile(token: &str) -> Reply {
    client().get("/auth/profile").bearer(token).send()
}

fn assert_unauthorized(reply: &Reply) -> Value {
    let body = reply.problem(401);
    let challenge = reply
        .header("www-authenticate")
        .expect("401 carries WWW-Authenticate");
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    body
}

// --- register -------------------------------------------------------------------------

#[test]
fn register_creates_a_user_with_a_normalised_email_and_no_hash() {
    let email = unique_email("Reg");
    let reply = client().post_json(
        "/auth/register",
        &json!({"email": format!("  {}  ", email.to_uppercase()), "password": PASSWORD, "name": "  Ada  "}),
    );
    assert_eq!(reply.status, 202, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let token = login(&email, PASSWORD).json()["access_token"]
        .as_str()
        .expect("the new account logs in")
        .to_owned();
    let user = profile(&token).json();
    assert_eq!(user["email"], email.to_lowercase());
    assert_eq!(user["email_verified"], false, "{user}");
    assert_eq!(user["name"], "Ada");
    assert!(
        user["id"].as_str().is_some_and(|id| id.len() == 36),
        "{user}"
    );
    assert!(
        user["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{user}"
    );
    let text = reply.body.to_lowercase();
    assert!(
        !text.contains("hash") && !text.contains("password") && !text.contains("argon"),
        "{text}"
    );
}

/// A registration must not tell who has an account: a taken address gets the same
/// answer, and the account stays as it was (its owner is told by e-mail: accounts.rs).
#[test]
fn register_answers_a_taken_email_alike_and_changes_nothing() {
    let email = unique_email("dup");
    let first = register(&email);
    assert_eq!(first.status, 202);
    let again = client().post_json(
        "/auth/register",
        &json!({"email": format!(" {} ", email.to_uppercase()), "password": "another password", "name": "Eve"}),
    );
    assert_eq!((again.status, &again.body), (202, &first.body));
    assert_eq!(app().users_with_email(&email), 1);
    assert_eq!(login(&email, "another password").status, 401);
    assert_eq!(login(&email, PASSWORD).status, 200);
}

#[test]
fn register_reports_each_invalid_field_and_stores_nothing() {
    let email = unique_email("invalid");
    let cases = [
        (json!({"password": PASSWORD, "name": "A"}), "email"),
        (json!({"email": email, "name": "A"}), "password"),
        (json!({"email": email, "password": PASSWORD}), "name"),
        (
            json!({"email": "not-an-email", "password": PASSWORD, "name": "A"}),
            "email",
        ),
        (
            json!({"email": email, "password": "short", "name": "A"}),
            "password",
        ),
        (
            json!({"email": email, "password": "x".repeat(129), "name": "A"}),
            "password",
        ),
        (
            json!({"email": email, "password": PASSWORD, "name": "   "}),
            "name",
        ),
        (
            json!({"email": 42, "password": PASSWORD, "name": "A"}),
            "email",
        ),
        (
            json!({"email": email, "password": ["a"], "name": "A"}),
            "password",
        ),
        (
            json!({"email": email, "password": PASSWORD, "name": null}),
            "name",
        ),
        (
            json!({"email": email, "password": PASSWORD, "name": "A", "id": "x"}),
            "id",
        ),
    ];
    for (body, field) in cases {
        let problem = client().post_json("/auth/register", &body).problem(422);
        let errors = problem["errors"].as_array().expect("errors listed");
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "expected an error on `{field}` for {body}: {problem}"
        );
    }
    assert_eq!(app().users_with_email(&email), 0);
}

#[test]
fn register_rejects_malformed_json_wrong_type_and_oversized_bodies() {
    let email = unique_email("bad-body");
    let valid = json!({"email": email, "password": PASSWORD, "name": "A"}).to_string();
    let c = client();

    let broken = c
        .post("/auth/register")
        .raw("application/json", b"{\"email\": ".to_vec())
        .send();
    assert!(broken.problem(400)["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("not valid JSON"));
    c.post("/auth/register")
        .raw("application/json", Vec::new())
        .send()
        .problem(400);
    c.post("/auth/register")
        .raw("application/json", b"[]".to_vec())
        .send()
        .problem(422);
    c.post("/auth/register")
        .raw("text/plain", valid.clone().into_bytes())
        .send()
        .problem(415);
    c.post("/auth/register")
        .raw("application/x-www-form-urlencoded", b"email=a".to_vec())
        .send()
        .problem(415);

    let padding = " ".repeat(5000);
    let oversized = format!(
        "{{\"email\": \"{email}\",{padding} \"password\": \"{PASSWORD}\", \"name\": \"A\"}}"
    );
    let body = c
        .post("/auth/register")
        .raw("application/json", oversized.into_bytes())
        .send()
        .problem(413);
    assert!(body["detail"].as_str().unwrap_or_default().contains("4096"));
    // Without Content-Length the limit is enforced while the body streams in.
    let chunked = format!("{{\"email\": \"{email}\",{padding} \"name\": \"A\"}}");
    c.post("/auth/register")
        .raw("application/json", chunked.into_bytes())
        .chunked()
        .send()
        .problem(413);

    assert_eq!(
        app().users_with_email(&email),
        0,
        "no bad request created the user"
    );
    assert_eq!(
        c.post("/auth/register")
            .raw("application/json", valid.into_bytes())
            .send()
            .status,
        202
    );
}

#[test]
fn twenty_concurrent_registrations_of_one_email_make_exactly_one_user() {
    let email = unique_email("race");
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..20)
            .map(|_| s.spawn(|| register(&email).status))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    assert!(statuses.iter().all(|s| *s == 202), "{statuses:?}");
    assert_eq!(app().users_with_email(&email), 1);
}

// --- login ------------------------------------------------------------------------------

#[test]
fn login_returns_a_bearer_token_that_opens_the_profile() {
    let email = unique_email("login");
    assert_eq!(register(&email).status, 202);
    let reply = login(&email.to_uppercase(), PASSWORD);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let token = reply.json();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 900);
    let access = token["access_token"].as_str().expect("access token");
    assert_eq!(access.split('.').count(), 3, "a JWT");

    let me = profile(access);
    assert_eq!(me.status, 200, "{}", me.body);
    let me = me.json();
    assert_eq!(me["email"], email.to_lowercase());
    assert_eq!(me["name"], "Ada Lovelace");
    assert_eq!(me["email_verified"], false);
}

#[test]
fn unknown_email_and_wrong_password_get_the_same_answer() {
    let email = unique_email("same");
    register(&email);
    let wrong_password = login(&email, "not the password");
    let unknown_email = login(&unique_email("nobody"), PASSWORD);
    assert_unauthorized(&wrong_password);
    assert_eq!(wrong_password.status, unknown_email.status);
    assert_eq!(wrong_password.body, unknown_email.body);
}

#[test]
fn login_validates_its_body() {
    client()
        .post_json("/auth/login", &json!({"email": "a@b.c"}))
        .problem(422);
    client()
        .post_json("/auth/login", &json!({"email": 1, "password": "x"}))
        .problem(422);
    client()
        .post("/auth/login")
        .raw("application/json", b"{".to_vec())
        .send()
        .problem(400);
    client()
        .post("/auth/login")
        .raw("text/plain", b"{}".to_vec())
        .send()
        .problem(415);
}

#[test]
fn repeated_failures_for_one_email_are_throttled_with_retry_after() {
    let email = unique_email("throttle");
    register(&email);
    for attempt in 1..=EMAIL_FAILURE_LIMIT {
        assert_eq!(
            login(&email, "wrong password").status,
            401,
            "attempt {attempt}"
        );
    }
    let throttled = login(&email, PASSWORD);
    throttled.problem(429);
    let retry: u64 = throttled
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=900).contains(&retry), "{retry}");

    // Another account from the same address is not locked out.
    let (other, _) = signed_in("neighbour");
    assert_eq!(login(&other, PASSWORD).status, 200);
}

// --- logout and tokens ------------------------------------------------------------------

#[test]
fn logout_revokes_the_token_only() {
    let (email, token) = signed_in("logout");
    let second = login(&email, PASSWORD).json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned();

    let reply = client().post("/auth/logout").bearer(&token).send();
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert!(reply.body.is_empty());

    let reused = assert_unauthorized(&profile(&token));
    assert!(
        reused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("revoked"),
        "{reused}"
    );
    assert_unauthorized(&client().post("/auth/logout").bearer(&token).send());
    assert_eq!(
        profile(&second).status,
        200,
        "other sessions stay signed in"
    );
}

// --- refresh (browser sessions) -------------------------------------------------------

/// The `fin_refresh=<token>` pair of a reply's `Set-Cookie`, as a browser would send it
/// back, after checking the attributes that keep it from script and other sites.
fn refresh_cookie(reply: &Reply) -> String {
    let set = reply.header("set-cookie").expect("a refresh cookie");
    for attribute in [
        "Path=/auth/refresh",
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
    ] {
        assert!(set.contains(attribute), "{set}");
    }
    let pair = set.split(';').next().expect("name=value").to_owned();
    assert!(pair.len() > "fin_refresh=".len() + 40, "{set}");
    pair
}

fn refresh_with(cookie: &str) -> Reply {
    client()
        .post("/auth/refresh")
        .header("cookie", cookie)
        .send()
}

fn signed_in_with_cookie(tag: &str) -> (String, String) {
    let email = unique_email(tag);
    assert_eq!(register(&email).status, 202);
    let reply = login(&email, PASSWORD);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(
        !reply
            .body
            .contains(&refresh_cookie(&reply)["fin_refresh=".len()..]),
        "the refresh token is never in a body script can read"
    );
    let token = reply.json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    (token, refresh_cookie(&reply))
}

#[test]
fn a_refresh_renews_the_access_token_and_rotates_the_cookie() {
    let (_, first) = signed_in_with_cookie("refresh");
    let renewed = refresh_with(&first);
    assert_eq!(renewed.status, 200, "{}", renewed.body);
    assert_eq!(renewed.header("cache-control"), Some("no-store"));
    let body = renewed.json();
    assert_eq!(body["token_type"], "Bearer");
    let token = body["access_token"].as_str().expect("token");
    assert_eq!(profile(token).status, 200, "the new access token works");
    let second = refresh_cookie(&renewed);
    assert_ne!(first, second, "every use hands out the next token");
    let third = refresh_cookie(&refresh_with(&second));
    assert_eq!(refresh_with(&third).status, 200);
}

#[test]
fn a_replayed_refresh_token_ends_the_whole_session() {
    let (_, first) = signed_in_with_cookie("replay");
    let second = refresh_cookie(&refresh_with(&first));
    let replay = refresh_with(&first);
    assert_unauthorized(&replay);
    assert!(
        replay
            .header("set-cookie")
            .is_some_and(|c| c.contains("Max-Age=0")),
        "a refused cookie is cleared"
    );
    assert_unauthorized(&refresh_with(&second));
}

#[test]
fn a_replay_racing_its_own_first_use_renews_at_most_once() {
    let (_, first) = signed_in_with_cookie("race");
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let racers: Vec<_> = (0..6).map(|_| s.spawn(|| refresh_with(&first))).collect();
        racers
            .into_iter()
            .map(|r| r.join().expect("racer"))
            .collect()
    });
    let renewed: Vec<&Reply> = replies.iter().filter(|r| r.status == 200).collect();
    assert!(renewed.len() <= 1, "one token, one renewal");
    assert!(replies.iter().all(|r| r.status == 200 || r.status == 401));
    for winner in renewed {
        assert_unauthorized(&refresh_with(&refresh_cookie(winner)));
    }
}

#[test]
fn ending_the_session_revokes_the_cookie_and_the_access_token() {
    let (token, cookie) = signed_in_with_cookie("end");
    let (_, other_device) = signed_in_with_cookie("end-other");
    let ended = client()
        .request("DELETE", "/auth/refresh")
        .header("cookie", &cookie)
        .bearer(&token)
        .send();
    assert_eq!(ended.status, 204, "{}", ended.body);
    assert!(ended
        .header("set-cookie")
        .is_some_and(|c| c.starts_with("fin_refresh=;") && c.contains("Max-Age=0")));
    assert_unauthorized(&refresh_with(&cookie));
    assert_unauthorized(&profile(&token));
    assert_eq!(
        refresh_with(&other_device).status,
        200,
        "only this session ends"
    );
    let again = client()
        .request("DELETE", "/auth/refresh")
        .header("cookie", &cookie)
        .send();
    assert_eq!(again.status, 204, "logging out twice is no error");
}

#[test]
fn refresh_without_a_usable_cookie_is_refused() {
    let forged = format!("fin_refresh={}", "A".repeat(43));
    for cookie in [
        None,
        Some("theme=dark"),
        Some("fin_refresh="),
        Some("fin_refresh=short"),
        Some(forged.as_str()),
        Some("fin_refresh=%00%00"),
    ] {
        let mut call = client().post("/auth/refresh");
        if let Some(cookie) = cookie {
            call = call.header("cookie", cookie);
        }
        let reply = call.send();
        assert_unauthorized(&reply);
        assert!(reply.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("log in again"));
    }
    let (token, _) = signed_in_with_cookie("bearer-is-not-refresh");
    assert_unauthorized(&client().post("/auth/refresh").bearer(&token).send());
    let wrong_method = client().get("/auth/refresh").send();
    assert_eq!(wrong_method.status, 405, "{}", wrong_method.body);
}

#[test]
fn logout_and_profile_need_a_token() {
    for reply in [
        client().post("/auth/logout").send(),
        client().get("/auth/profile").send(),
    ] {
        assert_eq!(
            reply.header("www-authenticate"),
            Some("Bearer realm=\"fin-freelancer\""),
            "no error code without credentials (RFC 6750 §3.1)"
        );
        assert_unauthorized(&reply);
    }
    let basic = client()
        .get("/auth/profile")
        .header("authorization", "Basic YTpi")
        .send();
    assert_unauthorized(&basic);
}

#[test]
fn expired_forged_unsigned_and_misaddressed_tokens_are_refused() {
    let (_, token) = signed_in("forgery");
    let sub = profile(&token).json()["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let secret = JWT_SECRET.as_bytes();

    let mut expired = claims_for(&sub);
    expired["iat"] = json!(now() - 3600);
    expired["exp"] = json!(now() - 60);
    let mut wrong_audience = claims_for(&sub);
    wrong_audience["aud"] = json!("some-other-api");
    let mut wrong_issuer = claims_for(&sub);
    wrong_issuer["iss"] = json!("evil");

    // jsonwebtoken will not sign with `none`, so that token is assembled by hand.
    let alg_none = assembled(
        &json!({"alg": "none", "typ": "JWT"}),
        &claims_for(&sub),
        None,
    );
    let cases = [
        ("expired", sign(&expired, Algorithm::HS256, secret)),
        (
            "forged",
            sign(
                &claims_for(&sub),
                Algorithm::HS256,
                b"not-the-server-secret-not-the-server",
            ),
        ),
        (
            "other algorithm",
            sign(&claims_for(&sub), Algorithm::HS384, secret),
        ),
        ("alg none", alg_none),
        (
            "wrong audience",
            sign(&wrong_audience, Algorithm::HS256, secret),
        ),
        (
            "wrong issuer",
            sign(&wrong_issuer, Algorithm::HS256, secret),
        ),
        ("garbage", "not-a-token".to_owned()),
        ("tampered", format!("{token}x")),
    ];
    for (name, bad) in cases {
        let reply = profile(&bad);
        assert_eq!(reply.status, 401, "{name}: {}", reply.body);
        assert_unauthorized(&reply);
    }
    // The control: the same claims signed properly are accepted.
    assert_eq!(
        profile(&sign(&claims_for(&sub), Algorithm::HS256, secret)).status,
        200
    );
}

// --- routing ----------------------------------------------------------------------------

#[test]
fn unknown_routes_and_methods_answer_problems() {
    let c = client();
    c.get("/no/such/thing").send().problem(404);
    c.get("/auth/nothing-here").send().problem(404);
    c.get("/assets/no-such-file.js").send().problem(404);
    c.post("/app").send().problem(404);
    let put = c.request("PUT", "/auth/login").json(&json!({})).send();
    put.problem(405);
    assert_eq!(put.header("allow"), Some("POST"));
    let post_profile = c.post("/auth/profile").send();
    post_profile.problem(405);
    assert_eq!(post_profile.header("allow"), Some("GET"));
    c.get("/auth/register").send().problem(405);
    c.request("DELETE", "/auth/logout").send().problem(405);
}
