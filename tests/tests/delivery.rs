//! Delivery under `spin up`: sending an invoice e-mails it through the mailer (its own
//! supervised process on the Redis trigger) to the provider's stand-in, exactly once —
//! with the PDF (read back with `pdftotext`) and the e-invoice attached — and what each
//! e-mail came to is on `GET /invoices/{id}/deliveries`.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use fin_e2e::metrics::METRICS_TOKEN;
use fin_e2e::shared::{mail, redis};
use fin_e2e::{id, App, AppOptions, User};
use fin_mail_standin::{Fault, Received};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "delivery",
        redis_dbs: [1, 2, 3],
        variables: vec![
            ("mail_first_retry_seconds", "1".into()),
            // `sweep YYYY-MM-DD` on the channel sets the reminder sweep's day.
            ("mail_test_clock", "true".into()),
        ],
        events_redis: Some(redis()),
        kv_redis: Some(redis()),
        mail: Some(mail()),
        ..AppOptions::default()
    })
}

/// The stand-in's faults go to whichever call comes next: the tests run one at a time.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// A freelancer with a profile, and a German client with (or without) an address.
fn freelancer(tag: &str, client_email: Option<&str>) -> (User, String) {
    let user = User::sign_up(app(), tag);
    let put = user
        .call("PUT", "/business-profile")
        .json(&json!({
            "legal_name": "Ada Lovelace", "trading_name": "Lovelace Analytics",
            "tax_id": "DE811907980", "email": "ada@lovelace.example",
            "address": {"line1": "Torstraße 1", "postal_code": "10119", "city": "Berlin", "country": "DE"}
        }))
        .send();
    assert_eq!(put.status, 201, "{}", put.body);
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Acme GmbH", "default_currency": "EUR", "email": client_email,
                "tax_id": "DE136695976",
                "address": {"line1": "Ring 1", "postal_code": "80331", "city": "München", "country": "DE"}}),
    ));
    (user, client)
}

fn sent(user: &User, client: &str, description: &str) -> Value {
    let draft = user.created(
        "/invoices",
        &json!({"client_id": client, "lines": [{"description": description, "quantity": "3", "unit_price": 12_000, "tax_rate": "19"}]}),
    );
    user.act(&id(&draft), "send")
}

/// The e-mails the stand-in has for an invoice (numbers are per freelancer, so the
/// invoice's recipient names it too), once `count` of them are there.
fn emails_for(to: &str, number: &str, count: usize) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found: Vec<Received> = mail()
            .messages()
            .into_iter()
            .filter(|m| m.email.subject.contains(number) && m.email.to == [to])
            .collect();
        if found.len() >= count || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The invoice's deliveries once the first is in `status`.
fn deliveries_once(user: &User, invoice: &str, status: &str) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = user.get(&format!("/invoices/{invoice}/deliveries"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let items = reply.json()["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if items.first().is_some_and(|d| d["status"] == status) || Instant::now() > deadline {
            return items;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn one_send_is_one_email_to_the_client_with_the_pdf_and_the_einvoice() {
    let _serial = serial();
    let to = "ap-one@acme.example";
    let (user, client) = freelancer("delivery-one", Some(to));
    let invoice = sent(&user, &client, "Analytics workshop");
    let number = invoice["number"].as_str().expect("number");
    let got = emails_for(to, number, 1);
    assert_eq!(got.len(), 1, "one e-mail");
    let m = &got[0].email;
    assert_eq!(m.to, [to]);
    assert_eq!(m.reply_to, ["ada@lovelace.example"]);
    assert!(m.from.starts_with("\"Lovelace Analytics\" <"), "{}", m.from);
    assert_eq!(
        m.subject,
        format!("Rechnung {number} von Lovelace Analytics"),
        "German for a German client"
    );
    let text = m.text.as_deref().unwrap_or_default();
    assert!(text.contains("428,40 EUR"), "{text}");
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/share/"))
        .expect("a share link in the body");
    let page = fin_e2e::Client::new(&app().base_url)
        .get(&link[app().base_url.len()..])
        .send();
    assert_eq!(page.status, 200, "the link opens the invoice");
    let names: Vec<&str> = m.attachments.iter().map(|a| a.filename.as_str()).collect();
    assert_eq!(names, [format!("{number}.pdf"), format!("{number}.xml")]);
    let pdf = fin_e2e::pdf::text(&m.attachments[0].bytes, "delivery-mailed.pdf");
    assert!(
        pdf.contains(number) && pdf.contains("Analytics workshop"),
        "{pdf}"
    );
    let xml = String::from_utf8_lossy(&m.attachments[1].bytes).into_owned();
    assert!(xml.contains(&format!("<cbc:ID>{number}</cbc:ID>")), "{xml}");
    fin_e2e::ubl::conforms("mailed", &m.attachments[1].bytes).expect("the e-mailed e-invoice");

    let deliveries = deliveries_once(&user, &id(&invoice), "sent");
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0]["kind"], "invoice");
    assert_eq!(deliveries[0]["recipient"], to);
    assert_eq!(deliveries[0]["attempts"], 1);
    assert_eq!(
        got[0].idempotency_key.as_deref(),
        Some(
            format!(
                "fin-delivery/{}",
                deliveries[0]["id"].as_str().unwrap_or_default()
            )
            .as_str()
        )
    );

    // Every later nudge and every replayed event changes nothing.
    redis().publish(&format!("fin-events-e2e-{}", "delivery"), "catch-up");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(emails_for(to, number, 2).len(), 1, "still one e-mail");
}

#[test]
fn a_provider_500_then_200_is_one_email_and_a_422_fails_with_the_reason() {
    let _serial = serial();
    let to = "ap-faults@acme.example";
    let (user, client) = freelancer("delivery-faults", Some(to));
    mail().fail_next(&[Fault::Status(500), Fault::Status(503)]);
    let retried = sent(&user, &client, "Retried");
    let number = retried["number"].as_str().expect("number");
    assert_eq!(emails_for(to, number, 1).len(), 1);
    let d = deliveries_once(&user, &id(&retried), "sent");
    assert_eq!(d[0]["attempts"], 3, "{d:?}");

    let given_up = || {
        app()
            .scrape("/metrics/delivery")
            .expect("fin_delivery_failed_last_hour", &[("queue", "invoice")])
    };
    let before = given_up();
    mail().fail_next(&[Fault::Status(422)]);
    let refused = sent(&user, &client, "Refused");
    let d = deliveries_once(&user, &id(&refused), "failed");
    assert!(given_up() > before, "the operator sees it given up on");
    assert_eq!(d[0]["status"], "failed", "{d:?}");
    assert_eq!(d[0]["attempts"], 1, "no retry after a 422");
    assert!(
        d[0]["last_error"]
            .as_str()
            .unwrap_or_default()
            .contains("suppression"),
        "{d:?}"
    );
    let refused_number = refused["number"].as_str().expect("number");
    assert!(emails_for(to, refused_number, 1).is_empty());
}

#[test]
fn a_client_without_an_address_is_a_failed_delivery_that_says_so() {
    let _serial = serial();
    let (user, client) = freelancer("delivery-nobody", None);
    let invoice = sent(&user, &client, "Nobody to tell");
    let d = deliveries_once(&user, &id(&invoice), "failed");
    assert_eq!(d[0]["last_error"], "the client has no e-mail address");
    assert_eq!(
        user.get("/dashboard").json()["failed_deliveries"],
        1,
        "the dashboard counts it"
    );
    assert_eq!(d[0]["attempts"], 1, "given up on at once");
    assert_eq!(
        d[0]["recipient"],
        Value::Null,
        "there was no one to send it to"
    );
}

#[test]
fn deliveries_are_only_the_owners_and_drafts_have_none() {
    let _serial = serial();
    let (owner, client) = freelancer("delivery-owner", Some("ap-owner@acme.example"));
    let invoice = sent(&owner, &client, "Private");
    let other = User::sign_up(app(), "delivery-other");
    let theirs = other.get(&format!("/invoices/{}/deliveries", id(&invoice)));
    theirs.problem(404);
    let draft = owner.draft(&client, 1_000);
    let none = owner.get(&format!("/invoices/{}/deliveries", id(&draft)));
    assert_eq!(none.json()["items"], json!([]));
    owner.get("/invoices/not-a-uuid/deliveries").problem(404);
    let anonymous = fin_e2e::Client::new(&app().base_url)
        .get(&format!("/invoices/{}/deliveries", id(&invoice)))
        .send();
    anonymous.problem(401);
    let expired = fin_e2e::Client::new(&app().base_url)
        .get(&format!("/invoices/{}/deliveries", id(&invoice)))
        .bearer(&owner.expired_token())
        .send();
    expired.problem(401);
}

#[test]
fn the_freelancers_settings_word_the_next_email_and_bad_ones_change_nothing() {
    let _serial = serial();
    let to = "ap-settings@acme.example";
    let (user, client) = freelancer("delivery-settings", Some(to));
    let defaults = user.get("/delivery-settings").json();
    assert_eq!(defaults["reminders_enabled"], false);
    assert_eq!(defaults["reminder_days"], json!([3, 10, 30]));
    assert_eq!(defaults["sender_name"], Value::Null);

    let put = user
        .call("PUT", "/delivery-settings")
        .json(
            &json!({"sender_name": "Ada L.", "invoice_subject": "Invoice {number} ({amount})",
                      "reminder_days": [7, 21], "final_notice": "Final notice."}),
        )
        .send();
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        user.get("/delivery-settings").json()["sender_name"],
        "Ada L."
    );
    let other = User::sign_up(app(), "delivery-settings-other");
    assert_eq!(
        other.get("/delivery-settings").json()["sender_name"],
        Value::Null,
        "settings are the owner's"
    );

    let invoice = sent(&user, &client, "Worded");
    let number = invoice["number"].as_str().expect("number");
    let got = emails_for(to, number, 1);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].email.subject,
        format!("Invoice {number} (428,40 EUR)")
    );
    assert!(
        got[0].email.from.starts_with("\"Ada L.\" <"),
        "{}",
        got[0].email.from
    );

    let refused = |body: &Value, field: &str| {
        let reply = user.call("PUT", "/delivery-settings").json(body).send();
        let problem = reply.problem(422);
        assert!(reply.fields().contains(&field.to_owned()), "{problem}");
    };
    refused(&json!({"invoice_body": "Pay {amont}"}), "invoice_body");
    refused(&json!({"reminder_days": [10, 10]}), "reminder_days");
    user.call("PUT", "/delivery-settings")
        .json(&json!([null, null]))
        .send()
        .problem(422);
    refused(&json!({"sender_name": "Ada <x@y.example>"}), "sender_name");
    let malformed = user
        .call("PUT", "/delivery-settings")
        .raw("application/json", b"{".to_vec())
        .send();
    malformed.problem(400);
    let wrong_type = user
        .call("PUT", "/delivery-settings")
        .json(&json!({"reminders_enabled": "yes"}))
        .send();
    assert!(
        matches!(wrong_type.status, 400 | 422),
        "{}",
        wrong_type.body
    );
    let huge = user
        .call("PUT", "/delivery-settings")
        .json(&json!({"invoice_body": "x".repeat(40_000)}))
        .send();
    huge.problem(413);
    fin_e2e::Client::new(&app().base_url)
        .get("/delivery-settings")
        .send()
        .problem(401);
    assert_eq!(
        user.get("/delivery-settings").json()["sender_name"],
        "Ada L.",
        "nothing refused was stored"
    );
    // JSON Schema's integer takes 291.0 as the spec's clients may write it; 291.5 is
    // refused in words, never in a Rust type's name.
    let whole = user
        .call("PUT", "/delivery-settings")
        .json(&json!({"reminder_days": [171, 291.0]}))
        .send();
    assert_eq!(whole.status, 200, "{}", whole.body);
    assert_eq!(whole.json()["reminder_days"], json!([171, 291]));
    let fraction = user
        .call("PUT", "/delivery-settings")
        .json(&json!({"reminder_days": [171, 291.5]}))
        .send();
    let problem = fraction.problem(422);
    assert_eq!(problem["errors"][0]["field"], "reminder_days[1]");
    let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("expected an integer"), "{message}");
    assert!(
        !message.contains("i64") && !message.contains("floating"),
        "{message}"
    );
}

/// Tells the mailer what day it is and waits for what that queues to go out.
fn sweep_on(day: i64) {
    redis().publish(
        "fin-events-e2e-delivery",
        &format!("sweep {}", fin_e2e::dates::date(day)),
    );
    std::thread::sleep(Duration::from_secs(3));
}

fn kinds(user: &User, invoice: &str) -> Vec<(String, String)> {
    let reply = user.get(&format!("/invoices/{invoice}/deliveries"));
    let mut kinds: Vec<(String, String)> = reply.json()["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap_or_default().to_owned(),
                d["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    kinds.sort();
    kinds
}

#[test]
fn reminders_go_once_per_step_and_never_for_paid_void_draft_or_when_off() {
    let _serial = serial();
    let to = "ap-reminders@acme.example";
    let (user, client) = freelancer("delivery-reminders", Some(to));
    let settings = user
        .call("PUT", "/delivery-settings")
        .json(&json!({"reminders_enabled": true, "reminder_days": [3, 10], "final_notice": "Letzte Mahnung."}))
        .send();
    assert_eq!(settings.status, 200, "{}", settings.body);
    let overdue = sent(&user, &client, "Overdue work");
    let paid = sent(&user, &client, "Paid work");
    let pay = user
        .call("POST", &format!("/invoices/{}/payments", id(&paid)))
        .json(&json!({"amount": paid["total"]}))
        .send();
    assert_eq!(pay.status, 201, "{}", pay.body);
    let void = sent(&user, &client, "Voided work");
    user.act(&id(&void), "void");
    let draft = user.draft(&client, 5_000);
    let number = overdue["number"].as_str().expect("number");
    assert_eq!(
        emails_for(to, number, 1).len(),
        1,
        "the invoice itself first"
    );
    let due = fin_e2e::dates::today() + 30;

    sweep_on(due + 2);
    assert_eq!(
        kinds(&user, &id(&overdue)),
        [("invoice".into(), "sent".into())],
        "not yet"
    );
    sweep_on(due + 3);
    sweep_on(due + 4);
    let first: Vec<Received> = emails_for(to, number, 2)
        .into_iter()
        .filter(|m| m.email.subject.starts_with("Zahlungserinnerung"))
        .collect();
    assert_eq!(first.len(), 1, "the 3-day reminder, once");
    assert!(first[0]
        .email
        .text
        .as_deref()
        .unwrap_or_default()
        .contains("offen sind noch 428,40 EUR"));
    assert!(!first[0]
        .email
        .text
        .as_deref()
        .unwrap_or_default()
        .contains("Letzte Mahnung"));
    sweep_on(due + 12);
    sweep_on(due + 40);
    let reminders: Vec<Received> = emails_for(to, number, 3)
        .into_iter()
        .filter(|m| m.email.subject.starts_with("Zahlungserinnerung"))
        .collect();
    assert_eq!(reminders.len(), 2, "each step once");
    assert!(
        reminders[1]
            .email
            .text
            .as_deref()
            .unwrap_or_default()
            .ends_with("Letzte Mahnung."),
        "the last step carries the final notice"
    );
    assert_eq!(
        kinds(&user, &id(&overdue)),
        [
            ("invoice".into(), "sent".into()),
            ("reminder:10".into(), "sent".into()),
            ("reminder:3".into(), "sent".into())
        ]
    );
    for settled in [&paid, &void] {
        assert!(
            kinds(&user, &id(settled))
                .iter()
                .all(|(k, _)| k == "invoice"),
            "no reminder for {}",
            settled["status"]
        );
    }
    assert_eq!(kinds(&user, &id(&draft)), Vec::<(String, String)>::new());

    // An owner who leaves reminders off gets none, however late.
    let quiet_to = "ap-quiet@acme.example";
    let (quiet, quiet_client) = freelancer("delivery-quiet", Some(quiet_to));
    let late = sent(&quiet, &quiet_client, "Late but quiet");
    assert_eq!(
        emails_for(quiet_to, late["number"].as_str().expect("number"), 1).len(),
        1
    );
    sweep_on(due + 40);
    assert_eq!(
        kinds(&quiet, &id(&late)),
        [("invoice".into(), "sent".into())]
    );
}

#[test]
fn the_figures_answer_the_operators_token_and_nobody_else() {
    let user = User::sign_up(app(), "delivery-figures");
    for path in ["/metrics/health", "/metrics/delivery", "/metrics/analytics"] {
        let refused = [
            ("no credentials", app().client().get(path)),
            (
                "a freelancer's own token",
                app().client().get(path).bearer(&user.token),
            ),
            (
                "a wrong token",
                app()
                    .client()
                    .get(path)
                    .bearer("e2e-metrics-token-0123456788"),
            ),
            (
                "the token as a cookie",
                app()
                    .client()
                    .get(path)
                    .header("cookie", &format!("token={METRICS_TOKEN}")),
            ),
        ];
        for (what, call) in refused {
            let reply = call.send();
            reply.problem(401);
            assert!(
                reply
                    .header("www-authenticate")
                    .is_some_and(|c| c.starts_with("Bearer")),
                "{path} with {what}"
            );
            assert!(
                !reply.body.contains("fin_"),
                "{path} with {what} shows figures"
            );
        }
        let scrape = app().scrape(path);
        assert!(
            scrape.text.contains("# TYPE fin_"),
            "{path}: {}",
            scrape.text
        );
    }
    // Each family once, typed, and the queues' and the readers' samples there.
    let delivery = app().scrape("/metrics/delivery");
    for queue in ["invoice", "account"] {
        assert!(delivery.expect("fin_delivery_due", &[("queue", queue)]) >= 0.0);
    }
    assert!(delivery.expect("fin_feed_lag_seconds", &[("reader", "mailer")]) >= 0.0);
    let analytics = app().scrape("/metrics/analytics");
    assert!(analytics.expect("fin_feed_lag_seconds", &[("reader", "projector")]) >= 0.0);
    let health = app().scrape("/metrics/health");
    for breaker in ["clients", "stripe", "mail"] {
        assert_eq!(
            health.expect("fin_breaker_state", &[("breaker", breaker)]),
            0.0,
            "{breaker}"
        );
    }
    assert_eq!(
        health.expect("fin_dependency_up", &[("dependency", "postgres")]),
        1.0
    );
}
