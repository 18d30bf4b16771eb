//! The mailer when things go wrong, under `spin up`: two mailers at once, a mailer
//! killed while the provider holds its answer, the provider failing or unreachable for a
//! while (the breaker the two mailers share opens, holds the queue and lets it go),
//! Postgres and the events Redis down — and each time every invoice gets its e-mail, and
//! none gets two.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use fin_e2e::proxy::{Fault as Outage, Proxy};
use fin_e2e::shared::{mail, redis};
use fin_e2e::{id, App, AppOptions, RedisServer, User};
use fin_mail_standin::Fault;
use serde_json::{json, Value};

/// The key-value stores' (tokens are checked against the blocklist there): kept up.
fn kv() -> &'static RedisServer {
    static KV: OnceLock<RedisServer> = OnceLock::new();
    KV.get_or_init(RedisServer::start)
}

/// Between the mailers and the provider.
fn provider() -> &'static Proxy {
    static PROXY: OnceLock<Proxy> = OnceLock::new();
    PROXY.get_or_init(|| Proxy::start(&format!("127.0.0.1:{}", mail().port)))
}

/// Between the app (mailers included) and Postgres.
fn database() -> &'static Proxy {
    static PROXY: OnceLock<Proxy> = OnceLock::new();
    PROXY.get_or_init(|| Proxy::start("127.0.0.1:5432"))
}

const MAIL_BREAKER_FAILURES: usize = 3;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "mailers",
        redis_dbs: [1, 2, 3],
        variables: vec![
            // Retries after 3, 12, 48 s: a minute's outage is over by the fourth attempt.
            ("mail_first_retry_seconds", "3".into()),
            // The provider's breaker opens soon and tries again soon.
            ("mail_breaker_failures", MAIL_BREAKER_FAILURES.to_string()),
            ("mail_breaker_cooldown_seconds", "5".into()),
            // A mailer that dies lets go of its delivery soon.
            ("mail_lease_seconds", "3".into()),
        ],
        events_redis: Some(redis()),
        kv_redis: Some(kv()),
        db_proxy: Some(database()),
        mail: Some(mail()),
        mail_proxy: Some(provider()),
        mailers: 2,
        ..AppOptions::default()
    })
}

fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // Faults a failed test left queued must not fail the next one.
    mail().heal();
    guard
}

/// A freelancer with a profile and a client at `to`.
fn freelancer(tag: &str, to: &str) -> (User, String) {
    let user = User::sign_up(app(), tag);
    let put = user
        .call("PUT", "/business-profile")
        .json(&json!({"legal_name": "Ada Lovelace", "email": "ada@lovelace.example",
                      "address": {"line1": "1 Strand", "postal_code": "WC2N 5HR", "city": "London", "country": "GB"}}))
        .send();
    assert_eq!(put.status, 201, "{}", put.body);
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Babbage Ltd", "default_currency": "GBP", "email": to}),
    ));
    (user, client)
}

/// `n` invoices sent to the client: their numbers.
fn send(user: &User, client: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|k| {
            let draft = user.created(
                "/invoices",
                &json!({"client_id": client, "lines": [{"description": format!("Work {k}"), "quantity": "1", "unit_price": 10_000}]}),
            );
            user.act(&id(&draft), "send")["number"]
                .as_str()
                .expect("number")
                .to_owned()
        })
        .collect()
}

/// How many e-mails to `to` the provider accepted for each of `numbers`, once every one
/// has at least one (or the wait is over).
fn emails_per_invoice(to: &str, numbers: &[String], wait: Duration) -> Vec<usize> {
    let deadline = Instant::now() + wait;
    loop {
        let messages = mail().messages();
        let counts: Vec<usize> = numbers
            .iter()
            .map(|n| {
                messages
                    .iter()
                    .filter(|m| m.email.to == [to] && m.email.subject.contains(n.as_str()))
                    .count()
            })
            .collect();
        if counts.iter().all(|&c| c > 0) || Instant::now() > deadline {
            return counts;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn deliveries(user: &User) -> Vec<Value> {
    let invoices = user.get("/invoices?limit=100").json();
    invoices["items"]
        .as_array()
        .expect("items")
        .iter()
        .flat_map(|i| {
            let reply = user.get(&format!(
                "/invoices/{}/deliveries",
                i["id"].as_str().unwrap_or_default()
            ));
            reply.json()["items"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn two_mailers_send_each_of_twelve_invoices_once() {
    let _serial = serial();
    let deadline = Instant::now() + Duration::from_secs(20);
    while app().mailers().len() < 2 {
        assert!(Instant::now() < deadline, "two mailers run");
        std::thread::sleep(Duration::from_millis(250));
    }
    let to = "ap@two-mailers.example";
    let (user, client) = freelancer("mailers-two", to);
    let numbers = send(&user, &client, 12);
    let counts = emails_per_invoice(to, &numbers, Duration::from_secs(60));
    assert_eq!(counts, vec![1; 12], "one e-mail each");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        emails_per_invoice(to, &numbers, Duration::ZERO),
        vec![1; 12],
        "and no late second one"
    );
    let d = deliveries(&user);
    assert_eq!(d.len(), 12);
    assert!(d.iter().all(|d| d["status"] == "sent"), "{d:?}");
}

#[test]
fn a_mailer_killed_while_the_provider_holds_its_answer_leaves_one_email() {
    let _serial = serial();
    let to = "ap@killed-mailer.example";
    let (user, client) = freelancer("mailers-killed", to);
    // The provider records the e-mail, then holds its answer past the kill.
    mail().fail_next(&[Fault::Timeout]);
    let calls = mail().calls();
    let numbers = send(&user, &client, 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    while mail().calls() == calls {
        assert!(Instant::now() < deadline, "no mailer called the provider");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Which mailer is waiting does not matter: both are killed, and restarted by their
    // supervisors; the lease runs out and one of them sends again with the same key.
    for pid in app().mailers() {
        app().kill(pid);
    }
    let counts = emails_per_invoice(to, &numbers, Duration::from_secs(40));
    assert_eq!(counts, [1], "the provider accepted the e-mail once");
    let deadline = Instant::now() + Duration::from_secs(40);
    let delivery = loop {
        let d = deliveries(&user);
        if d.first().is_some_and(|d| d["status"] == "sent") || Instant::now() > deadline {
            break d;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    assert_eq!(delivery[0]["status"], "sent", "{delivery:?}");
    assert!(
        mail().calls() >= calls + 2,
        "it was sent again, and de-duplicated by its key"
    );
    assert_eq!(emails_per_invoice(to, &numbers, Duration::ZERO), [1]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while app().mailers().len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the supervisors restart the mailers"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The provider's breaker as `/readyz` reports it, once it says `state` (or the wait is over).
fn mail_breaker_becomes(state: &str, wait: Duration) -> Option<String> {
    let deadline = Instant::now() + wait;
    loop {
        let now = app().breaker_state("mail");
        if now.as_deref() == Some(state) || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_failing_provider_opens_the_breaker_and_every_queued_email_goes_out_once_it_heals() {
    let _serial = serial();
    let to = "ap@provider-down.example";
    let (user, client) = freelancer("mailers-down", to);
    // Every call fails: the two mailers' failures open the breaker they share.
    mail().fail_next(&[Fault::Status(503); 40]);
    let calls = mail().calls();
    let numbers = send(&user, &client, 4);
    assert_eq!(
        mail_breaker_becomes("open", Duration::from_secs(30)).as_deref(),
        Some("open")
    );
    // The operator's page says so too, moments after (the cool-down is 5 s).
    let breaker = |name| {
        app()
            .scrape("/metrics/health")
            .expect(name, &[("breaker", "mail")])
    };
    assert_eq!(breaker("fin_breaker_state"), 2.0, "open");
    assert!((1.0..=5.0).contains(&breaker("fin_breaker_retry_after_seconds")));
    // A call admitted just before the opening may still be on its way: let it land.
    std::thread::sleep(Duration::from_secs(1));
    let at_opening = mail().calls();
    assert!(
        (calls + MAIL_BREAKER_FAILURES..=calls + MAIL_BREAKER_FAILURES + 1).contains(&at_opening),
        "opened after {} failures (one more may race it in): {calls} → {at_opening}",
        MAIL_BREAKER_FAILURES
    );
    // Open: the mailers keep being nudged, yet no call is made and nothing is given up.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(mail().calls(), at_opening, "no call while open");
    let waiting = deliveries(&user);
    assert_eq!(waiting.len(), 4);
    for d in &waiting {
        assert_eq!(d["status"], "queued", "waiting, not given up: {d}");
    }
    let spent: usize = waiting
        .iter()
        .map(|d| d["attempts"].as_u64().unwrap_or_default() as usize)
        .sum();
    assert_eq!(
        spent,
        at_opening - calls,
        "an attempt per call, none spent while open: {waiting:?}"
    );
    // What the operator is paged with: the breaker open, the queue holding, retries owed.
    // Open (2), or — on a slow machine, past the 5 s cool-down — trying again (1).
    let state = breaker("fin_breaker_state");
    assert!(
        state == 2.0 || state == 1.0,
        "not closed while failing: {state}"
    );
    let queue = |name| {
        app()
            .scrape("/metrics/delivery")
            .expect(name, &[("queue", "invoice")])
    };
    let queued_while_open = queue("fin_delivery_queued");
    assert!(queued_while_open >= 4.0, "{queued_while_open} queued");
    assert!(
        queue("fin_delivery_retrying") >= 1.0,
        "the failed ones wait to retry"
    );
    assert_eq!(
        queue("fin_delivery_failed_last_hour"),
        0.0,
        "none given up on"
    );
    // The provider heals: after the cool-down one trial goes through and closes the
    // breaker, and every queued e-mail goes out, once.
    mail().heal();
    let counts = emails_per_invoice(to, &numbers, Duration::from_secs(60));
    assert_eq!(counts, [1, 1, 1, 1]);
    assert_eq!(
        mail_breaker_becomes("closed", Duration::from_secs(5)).as_deref(),
        Some("closed")
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        emails_per_invoice(to, &numbers, Duration::ZERO),
        [1, 1, 1, 1],
        "none twice"
    );
    assert_eq!(breaker("fin_breaker_state"), 0.0, "closed");
    assert_eq!(breaker("fin_breaker_failures"), 0.0);
    assert!(
        queue("fin_delivery_queued") <= queued_while_open - 4.0,
        "the four sent are no longer queued"
    );
    let lag = app()
        .scrape("/metrics/delivery")
        .expect("fin_feed_lag_seconds", &[("reader", "mailer")]);
    assert_eq!(lag, 0.0, "the mailer is at the end of billing's feed");
}

#[test]
fn the_provider_unreachable_loses_no_email() {
    let _serial = serial();
    let to = "ap@provider-away.example";
    let (user, client) = freelancer("mailers-away", to);
    provider().set(Outage::Refuse);
    let numbers = send(&user, &client, 3);
    assert_eq!(
        mail_breaker_becomes("open", Duration::from_secs(30)).as_deref(),
        Some("open"),
        "refused connections count like 5xx"
    );
    assert_eq!(emails_per_invoice(to, &numbers, Duration::ZERO), [0, 0, 0]);
    provider().set(Outage::Pass);
    let counts = emails_per_invoice(to, &numbers, Duration::from_secs(60));
    assert_eq!(counts, [1, 1, 1]);
}

#[test]
fn postgres_or_the_events_redis_down_loses_no_email_and_sends_none_twice() {
    let _serial = serial();
    let to = "ap@outages.example";
    let (user, client) = freelancer("mailers-outages", to);
    // Queued while the provider is away, then Postgres goes too: nothing can be claimed.
    provider().set(Outage::Refuse);
    let queued = send(&user, &client, 2);
    std::thread::sleep(Duration::from_secs(2));
    database().set(Outage::Refuse);
    provider().set(Outage::Pass);
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(emails_per_invoice(to, &queued, Duration::ZERO), [0, 0]);
    database().set(Outage::Pass);
    assert_eq!(
        emails_per_invoice(to, &queued, Duration::from_secs(60)),
        [1, 1]
    );

    // The events Redis down: sending still answers at once (the event waits in billing's
    // outbox); the mailers reconnect and catch up when it is back.
    redis().stop();
    let started = Instant::now();
    let late = send(&user, &client, 1);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "send is not held up by Redis"
    );
    std::thread::sleep(Duration::from_secs(2));
    redis().resume();
    assert_eq!(emails_per_invoice(to, &late, Duration::from_secs(60)), [1]);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        emails_per_invoice(to, &queued, Duration::ZERO),
        [1, 1],
        "none twice"
    );
}
