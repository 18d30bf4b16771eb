//! The composed profile under `spin up`: every WIT contract the repository declares, run.
//!
//! The default app links the contracts' code. The composed profile
//! (`fin_e2e::composed::manifest`, written from spin.toml) builds the same components
//! with their `composed` feature, so they take `fin:platform/tokens` from the tokens
//! component and `fin:billing/invoice-payments` and `fin:billing/event-feed` from
//! billing-service through Spin `dependencies`. One walk is made on both apps:
//! authentication on every component (a valid token, none, a forged one, an expired one,
//! one logged out), an event through the feed to the dashboard, and a settlement of each
//! kind. The walk's answers, with ids taken out, must be the same on both. A contract
//! whose implementation drifts from the linked library fails this test.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fin_e2e::stripe::{self, payment_intent};
use fin_e2e::{id, App, AppOptions, RedisServer, User};
use serde_json::{json, Value};

/// An app of its own Redis (events and key-value stores), from the manifest `manifest`
/// names (written once, when the app starts) or spin.toml.
fn start(
    slot: &'static OnceLock<App>,
    redis: &'static OnceLock<RedisServer>,
    name: &'static str,
    manifest: fn() -> Option<std::path::PathBuf>,
) -> &'static App {
    App::shared(slot, || {
        let redis = redis.get_or_init(RedisServer::start);
        AppOptions {
            name,
            redis_dbs: [1, 2, 3],
            events_redis: Some(redis),
            kv_redis: Some(redis),
            manifest: manifest(),
            ..AppOptions::default()
        }
    })
}

fn linked() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    static REDIS: OnceLock<RedisServer> = OnceLock::new();
    start(&APP, &REDIS, "composed_linked", || None)
}

fn composed() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    static REDIS: OnceLock<RedisServer> = OnceLock::new();
    start(&APP, &REDIS, "composed", || {
        Some(fin_e2e::composed::manifest(&App::repo_root()))
    })
}

/// One protected route of each component that checks tokens.
fn routes(invoice: &str) -> Vec<(&'static str, String)> {
    vec![
        ("identity", "/auth/profile".into()),
        ("clients", "/clients".into()),
        ("billing", "/invoices".into()),
        ("profile", "/business-profile".into()),
        ("sharing", format!("/invoices/{invoice}/share-links")),
        ("documents", format!("/invoices/{invoice}/pdf")),
        ("delivery", format!("/invoices/{invoice}/deliveries")),
        ("payments", "/payments".into()),
        ("analytics", "/dashboard".into()),
    ]
}

/// Each route's status (and the problem's detail when refused) for `token`.
fn answers(app: &App, invoice: &str, token: Option<&str>) -> Vec<Value> {
    routes(invoice)
        .into_iter()
        .map(|(component, path)| {
            let mut call = app.client().get(&path);
            if let Some(token) = token {
                call = call.bearer(token);
            }
            let reply = call.send();
            let detail = (reply.status >= 400).then(|| reply.json()["detail"].clone());
            json!({"component": component, "status": reply.status, "detail": detail})
        })
        .collect()
}

/// The dashboard once it shows `sent` sent invoices (the projector caught up).
fn dashboard_with(user: &User, sent: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let dashboard = user.get("/dashboard").json();
        if dashboard["counts"]["sent"] == sent || Instant::now() > deadline {
            return dashboard;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// What one webhook delivery came to, as Stripe is told.
fn settle(app: &App, tag: &str, intent: &str, amount: i64, currency: &str, invoice: &str) -> Value {
    let event = payment_intent(
        &format!("evt_{tag}_{}", fin_e2e::dates::now()),
        intent,
        amount,
        currency,
        json!({"invoice_id": invoice}),
    );
    let reply = stripe::delivery(&app.client(), &event).send();
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    json!({"outcome": body["outcome"], "reason": body["reason"], "duplicate": body["duplicate_delivery"]})
}

/// The walk: everything one app answered, ids left out.
fn walk(app: &App, tag: &str) -> Value {
    let user = User::sign_up(app, tag);
    let profile = user
        .call("PUT", "/business-profile")
        .json(&json!({"legal_name": "Ada Lovelace", "email": "ada@lovelace.example",
                      "address": {"line1": "1 Strand", "postal_code": "WC2N 5HR", "city": "London", "country": "GB"}}))
        .send();
    assert_eq!(profile.status, 201, "{}", profile.body);
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Babbage Ltd", "default_currency": "GBP"}),
    ));
    let draft = user.created(
        "/invoices",
        &json!({"client_id": client, "lines": [{"description": "Engine", "quantity": "1", "unit_price": 10_000}]}),
    );
    let invoice = id(&draft);
    let sent = user.act(&invoice, "send");
    assert_eq!(sent["status"], "sent");

    // fin:platform/tokens: issued at sign-up, checked by every component.
    let mut forged_claims: Value =
        jsonwebtoken::dangerous::insecure_decode_claims(&user.token).expect("claims");
    forged_claims["sub"] = json!("00000000-0000-4000-8000-000000000000");
    let forged = fin_e2e::tokens::sign(
        &forged_claims,
        jsonwebtoken::Algorithm::HS256,
        b"not the app's key, not the app's key",
    );
    let valid = answers(app, &invoice, Some(&user.token));
    let without = answers(app, &invoice, None);
    let forged = answers(app, &invoice, Some(&forged));
    let expired = answers(app, &invoice, Some(&user.expired_token()));

    // fin:billing/event-feed: the send reaches the dashboard through the projector.
    let dashboard = dashboard_with(&user, 1);

    // fin:billing/invoice-payments: a settlement of each kind.
    let settlements = json!([
        settle(
            app,
            "part",
            &format!("pi_part_{tag}"),
            4_000,
            "gbp",
            &invoice
        ),
        settle(
            app,
            "again",
            &format!("pi_part_{tag}"),
            4_000,
            "gbp",
            &invoice
        ),
        settle(
            app,
            "currency",
            &format!("pi_eur_{tag}"),
            100,
            "eur",
            &invoice
        ),
        settle(
            app,
            "nowhere",
            &format!("pi_none_{tag}"),
            100,
            "gbp",
            "5d0c3f0e-0000-4000-8000-000000000000"
        ),
        settle(
            app,
            "rest",
            &format!("pi_rest_{tag}"),
            6_000,
            "gbp",
            &invoice
        ),
    ]);
    let paid = user.get(&format!("/invoices/{invoice}")).json();

    // Logged out (revoked through the contract): refused everywhere.
    let logout = user.call("POST", "/auth/logout").send();
    assert_eq!(logout.status, 204, "{}", logout.body);
    let revoked = answers(app, &invoice, Some(&user.token));

    json!({
        "valid": valid, "without": without, "forged": forged, "expired": expired,
        "revoked": revoked,
        "dashboard_counts": dashboard["counts"],
        "settlements": settlements,
        "paid": {"status": paid["status"], "amount_paid": paid["amount_paid"], "balance_due": paid["balance_due"]},
    })
}

#[test]
fn the_composed_profile_answers_exactly_as_the_linked_one() {
    let composed_walk = walk(composed(), "composed");
    // What the composed profile must do, whatever the linked one does.
    for answer in composed_walk["valid"].as_array().expect("valid") {
        let status = answer["status"].as_u64().unwrap_or_default();
        assert!(
            status == 200,
            "a valid token through the contract: {answer}"
        );
    }
    for kind in ["without", "forged", "expired", "revoked"] {
        for answer in composed_walk[kind].as_array().expect(kind) {
            assert_eq!(answer["status"], 401, "{kind}: {answer}");
        }
    }
    assert_eq!(
        composed_walk["dashboard_counts"]["sent"], 1,
        "{composed_walk}"
    );
    assert_eq!(composed_walk["settlements"][0]["outcome"], "applied");
    assert_eq!(
        composed_walk["settlements"][2]["reason"],
        "currency_mismatch"
    );
    assert_eq!(
        composed_walk["settlements"][3]["reason"],
        "invoice_not_found"
    );
    assert_eq!(composed_walk["paid"]["status"], "paid");

    // And the same, answer for answer, as the linked build.
    assert_eq!(walk(linked(), "linked"), composed_walk);
}
