//! "Pay now" under `spin up`: a freelancer connects Stripe (the key stored sealed, never
//! shown), the share page and the e-mail offer a card payment, the button makes a Stripe
//! Checkout Session at the stand-in for the balance with the invoice and owner in its
//! metadata, and the stand-in's pay button sends the signed webhook that marks the
//! invoice paid — after which there is nothing left to pay.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use fin_e2e::proxy::{Fault as Outage, Proxy};
use fin_e2e::shared::redis;
use fin_e2e::{id, App, AppOptions, Reply, User};
use fin_stripe_standin::checkout::Session;
use fin_stripe_standin::Standin;
use serde_json::{json, Value};

const KEY: &str = "sk_test_51PayNowE2eKey0000000000000000000000000000000K3yZ";

fn mail() -> &'static fin_mail_standin::Standin {
    static MAIL: OnceLock<fin_mail_standin::Standin> = OnceLock::new();
    MAIL.get_or_init(|| fin_mail_standin::Standin::start(0, None).expect("the mail stand-in"))
}

fn stripe() -> &'static Standin {
    static STRIPE: OnceLock<Standin> = OnceLock::new();
    STRIPE.get_or_init(|| Standin::start(0, None).expect("the Stripe stand-in"))
}

/// Between the app and Stripe's stand-in, so a test can make Stripe hang.
fn stripe_proxy() -> &'static Proxy {
    static PROXY: OnceLock<Proxy> = OnceLock::new();
    PROXY.get_or_init(|| Proxy::start(&format!("127.0.0.1:{}", stripe().port)))
}

const STRIPE_BREAKER_FAILURES: usize = 3;
const STRIPE_COOLDOWN: u64 = 3;
const STRIPE_TIMEOUT_MS: u64 = 2000;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "pay",
        redis_dbs: [1, 2, 3],
        events_redis: Some(redis()),
        kv_redis: Some(redis()),
        mail: Some(mail()),
        stripe: Some(stripe()),
        // Two replicas: the breaker's counts are shared through the key-value store.
        instances: 2,
        variables: vec![
            (
                "stripe_api_base_url",
                format!("http://{}", stripe_proxy().address()),
            ),
            ("stripe_call_timeout_ms", STRIPE_TIMEOUT_MS.to_string()),
            (
                "stripe_breaker_failures",
                STRIPE_BREAKER_FAILURES.to_string(),
            ),
            (
                "stripe_breaker_cooldown_seconds",
                STRIPE_COOLDOWN.to_string(),
            ),
        ],
        ..AppOptions::default()
    })
}

/// The stand-in's faults go to whichever call comes next: the tests run one at a time.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// A request that does not follow redirects: where "Pay now" sends the payer is the
/// answer under test.
fn open(path: &str) -> (u16, Option<String>, String) {
    open_at(0, path)
}

/// [`open`] on the `n`-th replica.
fn open_at(n: usize, path: &str) -> (u16, Option<String>, String) {
    let base = &app().base_urls[n % app().base_urls.len()];
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut answer = agent
        .get(format!("{base}{path}"))
        .call()
        .expect("an answer");
    let location = answer
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = answer.body_mut().read_to_string().unwrap_or_default();
    (answer.status().as_u16(), location, body)
}

/// A freelancer with a profile, a client with an address, and a sent invoice of
/// 3 × 150.00 EUR + 19 % (535.50 EUR) — and its share link's path.
fn seller(tag: &str) -> (User, String, String) {
    let user = User::sign_up(app(), tag);
    let put = user
        .call("PUT", "/business-profile")
        .json(&json!({
            "legal_name": "Zoë Ørsted ApS", "tax_id": "DE811907980", "email": "zoe@orsted.example",
            "address": {"line1": "Torstraße 1", "postal_code": "10119", "city": "Berlin", "country": "DE"}
        }))
        .send();
    assert_eq!(put.status, 201, "{}", put.body);
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Acme GmbH", "default_currency": "EUR", "email": format!("ap@{tag}.example"),
                "address": {"line1": "Ring 1", "postal_code": "80331", "city": "München", "country": "DE"}}),
    ));
    let invoice = id(&user.created(
        "/invoices",
        &json!({"client_id": client, "lines": [
            {"description": "Illustration, three rounds", "quantity": "3", "unit_price": 15000, "tax_rate": "19"}
        ]}),
    ));
    user.act(&invoice, "send");
    let link = user.created(&format!("/invoices/{invoice}/share"), &json!({}));
    let url = link["url"].as_str().expect("url");
    let path = url[url.find("/share/").expect("/share/")..].to_owned();
    (user, invoice, path)
}

/// The next calls to Stripe's stand-in are answered with these statuses.
fn faults(statuses: Value) {
    let answer = ureq::post(format!("{}/_standin/faults", stripe().url()))
        .header("content-type", "application/json")
        .send(json!({"next": statuses}).to_string().as_bytes())
        .expect("faults queued");
    assert_eq!(answer.status(), 200);
}

fn connect(user: &User, body: &Value) -> Reply {
    user.call("PUT", "/payments/stripe-connection")
        .json(body)
        .send()
}

fn sessions_for(invoice: &str) -> Vec<Session> {
    stripe()
        .sessions()
        .into_iter()
        .filter(|s| s.metadata.get("invoice_id").map(String::as_str) == Some(invoice))
        .collect()
}

fn invoice_once(user: &User, invoice: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = user.get(&format!("/invoices/{invoice}")).json();
        if now["status"] == status || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_stripe_key_is_stored_sealed_shown_only_by_its_last_four_and_refused_when_wrong() {
    let _serial = serial();
    let user = User::sign_up(app(), "pay-connect");
    let before = user.get("/payments/stripe-connection");
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!(before.json()["connected"], false);

    let put = connect(&user, &json!({"secret_key": KEY}));
    assert_eq!(put.status, 200, "{}", put.body);
    let shown = user.get("/payments/stripe-connection");
    for reply in [&put, &shown] {
        let v = reply.json();
        assert_eq!(
            (
                v["connected"].clone(),
                v["mode"].clone(),
                v["key_last4"].clone()
            ),
            (json!(true), json!("test"), json!("K3yZ"))
        );
        assert!(
            !reply.body.contains("PayNowE2e"),
            "the key is never answered: {}",
            reply.body
        );
    }
    let sealed: Vec<u8> = app()
        .db()
        .query_one(
            "SELECT sealed_key FROM stripe_connections WHERE owner_id::text = $1",
            &[&user.user_id()],
        )
        .expect("a row")
        .get(0);
    assert!(
        !sealed.windows(12).any(|w| w == &KEY.as_bytes()[8..20]),
        "the database holds the key sealed, not as text"
    );

    // Every bad request is a clear 4xx and leaves the connection as it was.
    let too_big = format!("{{\"secret_key\": \"sk_test_{}\"}}", "a".repeat(20_000));
    let refusals: Vec<(u16, Reply)> = vec![
        (
            422,
            connect(
                &user,
                &json!({"secret_key": "pk_test_51PayNowPublishableKey"}),
            ),
        ),
        (422, connect(&user, &json!({"secret_key": "sk_test_short"}))),
        (422, connect(&user, &json!({"secret_key": 42}))),
        (422, connect(&user, &json!({}))),
        (
            422,
            connect(&user, &json!({"secret_key": KEY, "livemode": true})),
        ),
        (
            400,
            user.call("PUT", "/payments/stripe-connection")
                .raw("application/json", b"{\"secret_key\": ".to_vec())
                .send(),
        ),
        (
            413,
            user.call("PUT", "/payments/stripe-connection")
                .raw("application/json", too_big.into_bytes())
                .send(),
        ),
        (
            415,
            user.call("PUT", "/payments/stripe-connection")
                .raw("text/plain", KEY.as_bytes().to_vec())
                .send(),
        ),
        (
            401,
            app()
                .client()
                .request("PUT", "/payments/stripe-connection")
                .json(&json!({"secret_key": KEY}))
                .send(),
        ),
        (
            401,
            app()
                .client()
                .get("/payments/stripe-connection")
                .bearer(&user.expired_token())
                .send(),
        ),
        (
            401,
            app()
                .client()
                .request("DELETE", "/payments/stripe-connection")
                .bearer("not.a.token")
                .send(),
        ),
    ];
    for (status, reply) in refusals {
        assert_eq!(reply.status, status, "{}", reply.body);
        assert!(!reply.body.contains("PayNowE2e"), "{}", reply.body);
    }
    let pk = connect(
        &user,
        &json!({"secret_key": "pk_test_51PayNowPublishableKey"}),
    );
    assert!(
        pk.body.contains("publishable"),
        "the usual mistake is named: {}",
        pk.body
    );
    assert_eq!(
        user.get("/payments/stripe-connection").json()["key_last4"],
        "K3yZ"
    );

    // Another freelancer sees only their own (none).
    let other = User::sign_up(app(), "pay-connect-other");
    assert_eq!(
        other.get("/payments/stripe-connection").json()["connected"],
        false
    );

    assert_eq!(user.delete("/payments/stripe-connection").status, 204);
    assert_eq!(
        user.get("/payments/stripe-connection").json()["connected"],
        false
    );
    assert_eq!(
        user.delete("/payments/stripe-connection").status,
        204,
        "idempotent"
    );
}

#[test]
fn pay_now_is_a_checkout_for_the_balance_that_the_webhook_settles() {
    let _serial = serial();
    let (user, invoice, share) = seller("pay-now");
    assert_eq!(connect(&user, &json!({"secret_key": KEY})).status, 200);
    // A partial payment by bank first: the card is asked for the rest.
    let paid = user.post(
        &format!("/invoices/{invoice}/payments"),
        &json!({"amount": 10_000}),
    );
    assert_eq!(paid.status, 201, "{}", paid.body);

    let (status, _, page) = open(&share);
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(
            "href=\"{share}/pay\" rel=\"nofollow\">Pay 435.50 EUR now by card</a>"
        )),
        "{page}"
    );

    let (status, location, _) = open(&format!("{share}/pay"));
    assert_eq!(status, 303);
    let sessions = sessions_for(&invoice);
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert_eq!(
        location.as_deref(),
        Some(s.url.as_str()),
        "to Stripe's page"
    );
    assert_eq!(
        (s.amount_total, s.currency.as_str()),
        (43_550, "eur"),
        "the balance"
    );
    let owner = user.user_id();
    for metadata in [&s.metadata, &s.payment_intent_metadata] {
        assert_eq!(metadata.get("invoice_id"), Some(&invoice));
        assert_eq!(metadata.get("owner_id"), Some(&owner));
    }
    let public = format!("{}{share}", app().base_url);
    assert_eq!(s.success_url, format!("{public}?checkout=done"));
    assert_eq!(s.cancel_url.as_deref(), Some(public.as_str()));
    assert_eq!(s.customer_email.as_deref(), Some("ap@pay-now.example"));

    // A second click (or a mail scanner) is the same session, not a second one.
    let (_, again, _) = open(&format!("{share}/pay"));
    assert_eq!(again, location);
    assert_eq!(sessions_for(&invoice).len(), 1);

    // Back from Stripe before its webhook: "being confirmed", and no second button.
    let (_, _, page) = open(&format!("{share}?checkout=done"));
    assert!(page.contains("your payment is being confirmed"), "{page}");
    assert!(
        !page.contains("by card"),
        "no second payment offered: {page}"
    );

    // The payer pays on Stripe's page: the signed webhook settles the invoice.
    let statuses = stripe().complete(&s.id).expect("completed");
    assert_eq!(statuses, [200, 200], "both events accepted");
    let settled = invoice_once(&user, &invoice, "paid");
    assert_eq!(
        (settled["status"].clone(), settled["balance_due"].clone()),
        (json!("paid"), json!(0))
    );
    let card = settled["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .filter(|p| p["amount"] == 43_550)
        .count();
    assert_eq!(card, 1, "once, though Stripe announced it twice: {settled}");

    let (_, _, page) = open(&format!("{share}?checkout=done"));
    assert!(page.contains("Paid in full"), "{page}");
    assert!(!page.contains("by card"), "nothing left to pay: {page}");
    let calls = stripe().calls();
    let (status, location, _) = open(&format!("{share}/pay"));
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(share.as_str())),
        "back to the page that says paid"
    );
    assert_eq!(stripe().calls(), calls, "Stripe is not asked again");
}

#[test]
fn without_a_connection_there_is_no_button_and_links_that_open_nothing_are_404() {
    let _serial = serial();
    let (user, invoice, share) = seller("pay-none");
    let calls = stripe().calls();
    let (_, _, page) = open(&share);
    assert!(page.contains("Invoice"), "{page}");
    assert!(!page.contains("by card"), "{page}");
    let (status, location, _) = open(&format!("{share}/pay"));
    assert_eq!((status, location.as_deref()), (303, Some(share.as_str())));
    assert_eq!(stripe().calls(), calls);

    for path in [
        "/share/not-a-token/pay".to_owned(),
        format!("/share/{}/pay", "A".repeat(43)),
        format!("/share/{}%00/pay", "A".repeat(40)),
    ] {
        let (status, _, body) = open(&path);
        assert_eq!(status, 404, "{path}: {body}");
        assert!(body.contains("\"status\":404"), "problem+json: {body}");
    }
    // A revoked link stops paying too (the mailer made one of its own for its e-mail).
    let links = user.get(&format!("/invoices/{invoice}/share-links")).json();
    for link in links["items"].as_array().expect("links") {
        let link = link["id"].as_str().expect("an id");
        assert_eq!(
            user.delete(&format!("/invoices/{invoice}/share-links/{link}"))
                .status,
            204
        );
    }
    assert_eq!(open(&format!("{share}/pay")).0, 404);
    assert_eq!(stripe().calls(), calls, "nothing reached Stripe");
}

#[test]
fn stripe_down_is_a_503_to_retry_and_a_refused_key_a_409_that_says_what_to_do() {
    let _serial = serial();
    let (user, invoice, share) = seller("pay-faults");
    assert_eq!(connect(&user, &json!({"secret_key": KEY})).status, 200);
    faults(json!([500]));
    let (status, _, body) = open(&format!("{share}/pay"));
    assert_eq!(status, 503, "{body}");
    faults(json!([401]));
    let (status, _, body) = open(&format!("{share}/pay"));
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("bank transfer"), "{body}");
    assert!(!body.contains("PayNowE2e"), "{body}");
    // Stripe back: the next click works.
    let (status, location, _) = open(&format!("{share}/pay"));
    assert_eq!(status, 303);
    assert!(location.is_some_and(|l| l.starts_with(&stripe().url())));
    assert_eq!(sessions_for(&invoice).len(), 1);
}

#[test]
fn the_email_of_a_sent_invoice_carries_a_working_pay_link() {
    let _serial = serial();
    let user = User::sign_up(app(), "pay-mail");
    assert_eq!(connect(&user, &json!({"secret_key": KEY})).status, 200);
    let put = user
        .call("PUT", "/business-profile")
        .json(&json!({"legal_name": "Ada Lovelace", "email": "ada@lovelace.example",
                      "address": {"line1": "Torstraße 1", "postal_code": "10119", "city": "Berlin", "country": "DE"}}))
        .send();
    assert_eq!(put.status, 201, "{}", put.body);
    let to = "ap@pay-mail.example";
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Babbage Ltd", "default_currency": "GBP", "email": to,
                "address": {"line1": "1 Strand", "postal_code": "WC2N 5HR", "city": "London", "country": "GB"}}),
    ));
    let invoice = id(&user.created(
        "/invoices",
        &json!({"client_id": client, "lines": [{"description": "Engine review", "quantity": "1", "unit_price": 90_000}]}),
    ));
    user.act(&invoice, "send");
    let deadline = Instant::now() + Duration::from_secs(30);
    let text = loop {
        let found = mail().messages().into_iter().find(|m| m.email.to == [to]);
        if let Some(m) = found {
            break m.email.text.unwrap_or_default();
        }
        assert!(Instant::now() < deadline, "no e-mail arrived");
        std::thread::sleep(Duration::from_millis(200));
    };
    let line = text
        .lines()
        .find(|l| l.starts_with("Pay 900.00 GBP now by card: "))
        .unwrap_or_else(|| panic!("no pay line in {text}"));
    let url = line.rsplit(' ').next().expect("a link");
    let path = &url[url.find("/share/").expect("a share link")..];
    assert!(path.ends_with("/pay"), "{path}");
    let (status, location, _) = open(path);
    assert_eq!(status, 303);
    let session = sessions_for(&invoice);
    assert_eq!(session.len(), 1);
    assert_eq!(
        (session[0].amount_total, session[0].currency.as_str()),
        (90_000, "gbp")
    );
    assert_eq!(location.as_deref(), Some(session[0].url.as_str()));
}

#[test]
fn stripe_failing_or_hanging_opens_its_breaker_which_hides_pay_now_until_a_trial_closes_it() {
    let _serial = serial();
    let (user, invoice, share) = seller("pay-breaker");
    assert_eq!(connect(&user, &json!({"secret_key": KEY})).status, 200);
    let pay = format!("{share}/pay");
    assert!(open(&share).2.contains("by card"), "offered while closed");

    // Failures on either replica count together: a 500, then Stripe hanging past the
    // call timeout, twice.
    faults(json!([500]));
    assert_eq!(open_at(0, &pay).0, 503);
    stripe_proxy().set(Outage::Stall);
    // Both hangs on replica 1, where the successful trial is clicked below too: a stalled
    // request the proxy lets through late then carries the same body under the same
    // idempotency key (the replicas' share URLs differ by port).
    for _ in 1..STRIPE_BREAKER_FAILURES {
        let started = Instant::now();
        let (status, _, body) = open_at(1, &pay);
        assert_eq!(status, 503, "{body}");
        assert!(
            started.elapsed() < Duration::from_millis(STRIPE_TIMEOUT_MS + 2000),
            "the call timeout ends a hanging call ({:?})",
            started.elapsed()
        );
    }
    stripe_proxy().set(Outage::Pass);

    // Open: every replica answers at once, says why, and makes no call; the share page
    // hides "Pay now"; an operator sees it on /readyz.
    let calls = stripe().calls();
    for n in 0..4 {
        let started = Instant::now();
        let (status, _, body) = open_at(n, &pay);
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("Stripe is not answering"), "{body}");
        assert!(started.elapsed() < Duration::from_secs(1), "at once");
    }
    assert_eq!(stripe().calls(), calls, "no call while open");
    assert!(
        !open(&share).2.contains("by card"),
        "Pay now is hidden while open"
    );
    assert_eq!(app().breaker_state("stripe").as_deref(), Some("open"));

    // Half-open: of four concurrent clicks one makes the trial; it fails, so open again.
    std::thread::sleep(Duration::from_secs(STRIPE_COOLDOWN + 1));
    faults(json!([500]));
    let pay_path = pay.as_str();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let clicks: Vec<_> = (0..4)
            .map(|n| s.spawn(move || open_at(n, pay_path).0))
            .collect();
        clicks
            .into_iter()
            .map(|c| c.join().expect("click"))
            .collect()
    });
    assert_eq!(statuses, [503; 4]);
    assert_eq!(stripe().calls(), calls + 1, "a single trial call");

    // Half-open again: this trial goes through, closes the breaker, and is the payer's
    // Checkout; the button is back.
    std::thread::sleep(Duration::from_secs(STRIPE_COOLDOWN + 1));
    let (status, location, _) = open_at(1, &pay);
    assert_eq!(status, 303);
    assert!(location.is_some_and(|l| l.starts_with(&stripe().url())));
    assert_eq!(app().breaker_state("stripe").as_deref(), Some("closed"));
    assert!(open(&share).2.contains("by card"));
    assert_eq!(sessions_for(&invoice).len(), 1);
}
