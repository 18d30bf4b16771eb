//! Erasing an account under `spin up`, with the projector and the mailer running: the
//! password (and a code when two factors are on) is asked for, the tokens are refused at
//! once, and afterwards no table with an owner column holds a row of the account —
//! while another account's rows are exactly as they were.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fin_e2e::shared::{mail, redis};
use fin_e2e::{App, AppOptions, Fixture, Reply, User, PASSWORD};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "erasure",
        redis_dbs: [9, 10, 10],
        variables: vec![("max_body_bytes", "4096".into())],
        events_redis: Some(redis()),
        kv_redis: Some(redis()),
        mail: Some(mail()),
        ..AppOptions::default()
    })
}

fn erase(user: &User, body: &Value) -> Reply {
    user.post("/auth/account/erase", body)
}

/// Per table, how many rows the owner has and a digest of them all.
fn holdings(owner: &str) -> Vec<(String, i64, String)> {
    let mut db = app().db();
    app()
        .owned_tables()
        .into_iter()
        .map(|(table, column)| {
            let row = db
                .query_one(
                    &format!(
                        "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')
                         FROM {table} t WHERE {column} = $1::text::uuid"
                    ),
                    &[&owner],
                )
                .expect("holdings");
            (table, row.get(0), row.get(1))
        })
        .collect()
}

#[test]
fn erasing_removes_every_row_of_the_account_and_none_of_another() {
    let gone = Fixture::busy(app(), "erased");
    let kept = Fixture::busy(app(), "kept");
    let (gone_id, kept_id) = (gone.user.user_id(), kept.user.user_id());
    app().settle();
    let before = holdings(&gone_id);
    for table in [
        "clients",
        "invoices",
        "payments",
        "share_links",
        "business_logos",
        "deliveries",
        "analytics_invoices",
        "sessions",
    ] {
        assert!(
            before.iter().any(|(t, n, _)| t == table && *n > 0),
            "the erased account had rows in {table}: {before:?}"
        );
    }
    let kept_before = holdings(&kept_id);

    let erased = erase(&gone.user, &json!({"password": PASSWORD}));
    assert_eq!(erased.status, 204, "{}", erased.body);
    assert!(erased
        .header("set-cookie")
        .is_some_and(|c| c.contains("Max-Age=0")));
    gone.user.get("/clients").problem(401);
    gone.user.get("/auth/profile").problem(401);
    app().settle();

    let left: Vec<_> = holdings(&gone_id)
        .into_iter()
        .filter(|(_, n, _)| *n > 0)
        .collect();
    assert!(left.is_empty(), "rows of the erased account: {left:?}");
    let users: i64 = app()
        .db()
        .query_one(
            "SELECT count(*) FROM users WHERE id = $1::text::uuid",
            &[&gone_id],
        )
        .expect("users")
        .get(0);
    assert_eq!(users, 0);
    assert_eq!(
        holdings(&kept_id),
        kept_before,
        "the other account is untouched"
    );
    assert_eq!(
        kept.user.get(&format!("/invoices/{}", kept.sent)).status,
        200
    );
    let share = app().client().get(&format!("/share/{}", gone.token)).send();
    assert_eq!(
        share.status, 404,
        "the erased account's share link opens nothing"
    );
}

#[test]
fn a_wrong_password_or_a_bad_body_erases_nothing() {
    let user = User::sign_up(app(), "careful");
    let owner = user.user_id();
    let client = user.client("EUR");
    let wrong = erase(&user, &json!({"password": "not my password"}));
    assert_eq!(wrong.problem(422)["errors"][0]["field"], "password");
    let missing = erase(&user, &json!({}));
    assert_eq!(missing.fields(), ["password"]);
    let typed = erase(&user, &json!({"password": 12}));
    assert_eq!(typed.problem(422)["errors"][0]["field"], "password");
    let unknown = erase(&user, &json!({"password": PASSWORD, "confirm": true}));
    unknown.problem(422);
    let broken = user
        .call("POST", "/auth/account/erase")
        .raw("application/json", b"{\"password\":".to_vec())
        .send();
    broken.problem(400);
    let huge = erase(&user, &json!({"password": "x".repeat(8000)}));
    huge.problem(413);
    for token in ["", "Bearer forged", &user.expired_token()] {
        let anonymous = app()
            .client()
            .post("/auth/account/erase")
            .header("authorization", &format!("Bearer {token}"))
            .json(&json!({"password": PASSWORD}))
            .send();
        anonymous.problem(401);
    }
    assert_eq!(user.get(&format!("/clients/{client}")).status, 200);
    assert!(holdings(&owner)
        .iter()
        .any(|(t, n, _)| t == "sessions" && *n == 1));
    assert_eq!(
        user.get("/auth/profile").status,
        200,
        "the account is there"
    );
}

#[test]
fn with_two_factors_on_erasing_needs_a_current_code() {
    let user = User::sign_up(app(), "guarded");
    let enrol = user.post("/auth/two-factor", &json!({"password": PASSWORD}));
    assert_eq!(enrol.status, 200, "{}", enrol.body);
    let uri = enrol.json()["otpauth_uri"]
        .as_str()
        .expect("uri")
        .to_owned();
    let authenticator = totp_rs::TOTP::from_url(&uri).expect("an authenticator reads it");
    let unix = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default()
    };
    // At least 15 s left in this step, so "the step before" stays the one spent below.
    if unix() % 30 > 15 {
        std::thread::sleep(Duration::from_secs((30 - unix() % 30) as u64));
    }
    let step = |n: i64| authenticator.generate((unix() + n * 30) as u64);
    let on = user.post("/auth/two-factor/confirm", &json!({"code": step(-1)}));
    assert_eq!(on.status, 200, "{}", on.body);

    let without = erase(&user, &json!({"password": PASSWORD}));
    assert_eq!(without.problem(422)["errors"][0]["field"], "code");
    let wrong = erase(&user, &json!({"password": PASSWORD, "code": "000000"}));
    assert_eq!(wrong.problem(422)["errors"][0]["field"], "code");
    let replayed = erase(&user, &json!({"password": PASSWORD, "code": step(-1)}));
    assert_eq!(
        replayed.problem(422)["errors"][0]["field"],
        "code",
        "a spent step"
    );
    assert_eq!(user.get("/auth/profile").status, 200, "nothing erased yet");

    let erased = erase(&user, &json!({"password": PASSWORD, "code": step(0)}));
    assert_eq!(erased.status, 204, "{}", erased.body);
    user.get("/auth/profile").problem(401);
    let owner = user.user_id();
    assert!(holdings(&owner).iter().all(|(_, n, _)| *n == 0));
}

#[test]
fn a_session_on_another_device_ends_with_the_account() {
    let user = User::sign_up(app(), "devices");
    let profile = user.get("/auth/profile").json();
    let email = profile["email"].as_str().expect("email");
    let phone = app().log_in(email, PASSWORD, "Phone");
    assert_eq!(erase(&user, &json!({"password": PASSWORD})).status, 204);
    app()
        .client()
        .get("/auth/profile")
        .bearer(&phone.token)
        .send()
        .problem(401);
    app()
        .client()
        .post("/auth/refresh")
        .header("cookie", &phone.cookie)
        .send()
        .problem(401);
    assert_eq!(app().login(email, PASSWORD).status, 401, "nobody signs in");
    assert_eq!(
        app().register(email).status,
        202,
        "the address is free again"
    );
    assert_eq!(app().users_with_email(email), 1);
}
