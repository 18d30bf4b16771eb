//! Moving an account to another e-mail address, under `spin up` with the mailer and the
//! e-mail provider's stand-in: asked for with the password, done only from the link in
//! the new mailbox, undone from the link the old one gets — each refusal changing
//! nothing, and no answer telling who has an account.

use std::sync::{Mutex, MutexGuard, OnceLock};

use fin_e2e::shared::{emails, link_token, mail, redis};
use fin_e2e::{unique_email, App, AppOptions, Client, Device, Reply, PASSWORD};
use serde_json::json;

const CONFIRM: &str = "Confirm your new e-mail address";
const CHANGED: &str = "Your e-mail address was changed";
const RESTORED: &str = "Your e-mail address was put back";

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "email_change",
        redis_dbs: [7, 8, 8],
        variables: vec![("max_body_bytes", "4096".into())],
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

fn registered(tag: &str) -> String {
    let email = unique_email(tag);
    assert_eq!(app().register(&email).status, 202);
    email
}

fn ask(device: &Device, password: &str, new_email: &str) -> Reply {
    client()
        .post("/auth/email")
        .bearer(&device.token)
        .json(&json!({"password": password, "new_email": new_email}))
        .send()
}

fn open(path: &str, token: &str) -> Reply {
    client().post_json(path, &json!({"token": token}))
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

fn email_of(user_id: &str) -> String {
    let rows = app()
        .db()
        .query(
            "SELECT email FROM users WHERE id = $1::text::uuid",
            &[&user_id],
        )
        .expect("query");
    rows[0].get(0)
}

fn id_of(token: &str) -> String {
    let me = profile(token);
    assert_eq!(me.status, 200, "{}", me.body);
    me.json()["id"].as_str().expect("id").to_owned()
}

/// Change links the account has waiting (none is written for a refused request).
fn waiting_links(user_id: &str) -> i64 {
    let rows = app()
        .db()
        .query(
            "SELECT count(*) FROM account_tokens
             WHERE user_id = $1::text::uuid AND purpose = 'change_email'
               AND used_at IS NULL AND superseded_at IS NULL",
            &[&user_id],
        )
        .expect("query");
    rows[0].get(0)
}

fn mail_text(to: &str, subject: &str) -> String {
    let got = emails(to, subject, 1);
    assert_eq!(got.len(), 1, "one e-mail to {to} about {subject:?}");
    got[0].email.text.clone().unwrap_or_default()
}

#[test]
fn the_new_mailbox_confirms_the_move_and_the_old_one_can_undo_it() {
    let _serial = serial();
    let old = registered("mover");
    let new = unique_email("moved");
    let laptop = app().log_in(&old, PASSWORD, "Laptop");
    let phone = app().log_in(&old, PASSWORD, "Phone");
    let user = id_of(&laptop.token);

    let asked = ask(&laptop, PASSWORD, &new.to_uppercase());
    assert_eq!(asked.status, 202, "{}", asked.body);
    assert_eq!(
        email_of(&user),
        old,
        "nothing moves before the link is opened"
    );
    assert_eq!(app().login(&old, PASSWORD).status, 200);
    let token = link_token(&new, CONFIRM, 1);
    assert!(mail_text(&new, CONFIRM).contains("24 hours"));

    let confirmed = open("/auth/email/confirm", &token);
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.json()["email"], new.as_str());
    let me = profile(&laptop.token).json();
    assert_eq!(me["email"], new.as_str());
    assert_eq!(
        me["email_verified"], true,
        "the link proved the new mailbox"
    );
    profile(&phone.token).problem(401);
    refresh(&phone.cookie).problem(401);
    assert_eq!(
        refresh(&laptop.cookie).status,
        200,
        "the asking session goes on"
    );
    assert_eq!(app().login(&old, PASSWORD).status, 401);
    assert_eq!(app().login(&new, PASSWORD).status, 200);
    open("/auth/email/confirm", &token).problem(400);

    let told = mail_text(&old, CHANGED);
    assert!(told.contains(&new), "the old address hears where it went");
    assert!(told.contains("7 days"), "{told}");
    // While the way back is open, nobody can take the old address.
    assert_eq!(app().register(&old).status, 202, "the same answer as ever");
    assert_eq!(app().users_with_email(&old), 0, "but no account");

    let undo = link_token(&old, CHANGED, 1);
    assert_eq!(open("/auth/email/undo", &undo).status, 204);
    assert_eq!(email_of(&user), old);
    profile(&laptop.token).problem(401);
    refresh(&laptop.cookie).problem(401);
    assert_eq!(app().login(&new, PASSWORD).status, 401);
    assert_eq!(app().login(&old, PASSWORD).status, 200);
    assert!(mail_text(&old, RESTORED).contains("/app/forgot-password"));
    open("/auth/email/undo", &undo).problem(400);
    assert_eq!(email_of(&user), old, "a spent undo link changes nothing");
    let log = client()
        .get("/auth/security-log")
        .bearer(&app().log_in(&old, PASSWORD, "Laptop").token)
        .send()
        .json();
    let kinds: Vec<&str> = log["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for kind in [
        "email.change_requested",
        "email.changed",
        "email.change_undone",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[test]
fn a_wrong_password_or_address_is_refused_and_nothing_is_sent() {
    let _serial = serial();
    let email = registered("refused");
    let device = app().log_in(&email, PASSWORD, "Laptop");
    let user = id_of(&device.token);
    let free = unique_email("free");

    let wrong = ask(&device, "not my password", &free);
    assert_eq!(wrong.problem(422)["errors"][0]["field"], "password");
    for bad in ["not an address", "", &email.to_uppercase()] {
        let reply = ask(&device, PASSWORD, bad);
        assert_eq!(
            reply.problem(422)["errors"][0]["field"],
            "new_email",
            "{bad}"
        );
    }
    let missing = client()
        .post("/auth/email")
        .bearer(&device.token)
        .json(&json!({}))
        .send();
    assert_eq!(missing.fields(), ["password", "new_email"]);
    let typed = client()
        .post("/auth/email")
        .bearer(&device.token)
        .json(&json!({"password": PASSWORD, "new_email": 7}))
        .send();
    assert_eq!(typed.problem(422)["errors"][0]["field"], "new_email");
    let broken = client()
        .post("/auth/email")
        .bearer(&device.token)
        .raw("application/json", b"{\"password\": ".to_vec())
        .send();
    broken.problem(400);
    let huge = client()
        .post("/auth/email")
        .bearer(&device.token)
        .json(&json!({"password": PASSWORD, "new_email": "x".repeat(8000)}))
        .send();
    huge.problem(413);
    for token in ["", "Bearer forged", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"] {
        let anonymous = client()
            .post("/auth/email")
            .header("authorization", token)
            .json(&json!({"password": PASSWORD, "new_email": free}))
            .send();
        anonymous.problem(401);
    }
    assert_eq!(waiting_links(&user), 0, "no link for a refused request");
    assert_eq!(email_of(&user), email);
}

#[test]
fn an_address_with_an_account_gets_a_notice_and_the_asker_the_same_answer() {
    let _serial = serial();
    let asker = registered("asker");
    let owner = registered("owner");
    let device = app().log_in(&asker, PASSWORD, "Laptop");
    let user = id_of(&device.token);

    let taken = ask(&device, PASSWORD, &owner);
    let free = ask(&device, PASSWORD, &unique_email("free"));
    assert_eq!(taken.status, 202);
    assert_eq!((taken.status, &taken.body), (free.status, &free.body));
    let notice = mail_text(&owner, "Someone tried to use your address");
    assert!(!notice.contains("#token="), "no link to a taken address");
    assert_eq!(emails(&owner, CONFIRM, 0).len(), 0);
    assert_eq!(
        waiting_links(&user),
        1,
        "only the free address's link waits"
    );
}

#[test]
fn altered_superseded_expired_or_wrong_purpose_links_change_nothing() {
    let _serial = serial();
    let email = registered("links");
    let device = app().log_in(&email, PASSWORD, "Laptop");
    let user = id_of(&device.token);
    let first = unique_email("first");
    let second = unique_email("second");
    assert_eq!(ask(&device, PASSWORD, &first).status, 202);
    assert_eq!(ask(&device, PASSWORD, &second).status, 202);
    let superseded = link_token(&first, CONFIRM, 1);
    let live = link_token(&second, CONFIRM, 1);
    let verify = link_token(&email, "Confirm your e-mail address", 1);

    let mut altered = live.clone().into_bytes();
    altered[5] = if altered[5] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).expect("ascii");
    for (what, token) in [
        ("superseded", superseded.as_str()),
        ("altered", altered.as_str()),
        ("a verification link", verify.as_str()),
        ("not a token", "../../etc/passwd"),
    ] {
        let reply = open("/auth/email/confirm", token);
        assert_eq!(
            reply.problem(400)["type"],
            "/problems/invalid-link",
            "{what}"
        );
    }
    open("/auth/email/undo", &live).problem(400);
    app()
        .db()
        .execute(
            "UPDATE account_tokens SET expires_at = now() - interval '1 second'
             WHERE user_id = $1::text::uuid AND purpose = 'change_email'",
            &[&user],
        )
        .expect("expire the links");
    open("/auth/email/confirm", &live).problem(400);
    assert_eq!(email_of(&user), email, "nothing moved");
}

#[test]
fn an_address_taken_before_the_link_is_opened_is_a_conflict() {
    let _serial = serial();
    let email = registered("racer");
    let device = app().log_in(&email, PASSWORD, "Laptop");
    let user = id_of(&device.token);
    let wanted = unique_email("wanted");
    assert_eq!(ask(&device, PASSWORD, &wanted).status, 202);
    let token = link_token(&wanted, CONFIRM, 1);
    assert_eq!(app().register(&wanted).status, 202);

    let late = open("/auth/email/confirm", &token);
    assert!(late.problem(409)["detail"]
        .as_str()
        .is_some_and(|d| d.contains("Another account")));
    assert_eq!(email_of(&user), email);
    assert_eq!(profile(&device.token).status, 200, "no session ended");
}

#[test]
fn undoing_removes_a_second_factor_set_up_after_the_change() {
    let _serial = serial();
    let email = registered("thief");
    let device = app().log_in(&email, PASSWORD, "Laptop");
    let user = id_of(&device.token);
    let new = unique_email("thiefs");
    assert_eq!(ask(&device, PASSWORD, &new).status, 202);
    assert_eq!(
        open("/auth/email/confirm", &link_token(&new, CONFIRM, 1)).status,
        200
    );
    let mut db = app().db();
    db.execute(
        "INSERT INTO two_factor (user_id, sealed_key, key_id, enabled_at)
         VALUES ($1::text::uuid, '\\x00', 'thief', now())",
        &[&user],
    )
    .expect("a second factor of the thief's");
    assert_eq!(app().login(&new, PASSWORD).status, 202, "two steps now");

    assert_eq!(
        open("/auth/email/undo", &link_token(&email, CHANGED, 1)).status,
        204
    );
    assert_eq!(
        app().login(&email, PASSWORD).status,
        200,
        "the owner signs in with the password alone again"
    );
}

#[test]
fn asking_is_limited_per_account_and_wrong_passwords_are_counted() {
    let _serial = serial();
    let email = registered("limits");
    let device = app().log_in(&email, PASSWORD, "Laptop");
    for n in 0..5 {
        let reply = ask(&device, PASSWORD, &unique_email("many"));
        assert_eq!(reply.status, 202, "request {n}: {}", reply.body);
    }
    let limited = ask(&device, PASSWORD, &unique_email("many"));
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.header("retry-after").is_some());

    // Wrong passwords here and at `POST /auth/password` fill one count: five in a
    // quarter hour, then even the right one waits.
    let guesser = registered("guesser");
    let device = app().log_in(&guesser, PASSWORD, "Laptop");
    let target = unique_email("target");
    for _ in 0..3 {
        assert_eq!(ask(&device, "a wrong guess", &target).status, 422);
    }
    for _ in 0..2 {
        let guess = client()
            .post("/auth/password")
            .bearer(&device.token)
            .json(&json!({"current_password": "another guess", "new_password": "whatever it is"}))
            .send();
        assert_eq!(guess.status, 422, "{}", guess.body);
    }
    assert_eq!(ask(&device, PASSWORD, &target).status, 429, "counted");
    assert_eq!(emails(&target, CONFIRM, 0).len(), 0);
}
