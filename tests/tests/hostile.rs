//! Every protected route under attack, the routes taken from docs/openapi.yaml so a new
//! route is attacked the day it is documented:
//! - **auth**: missing, malformed, expired, not-yet-valid, forged, `alg: none`, HS/RS
//!   confusion, other issuer or audience, revoked — each 401 with `WWW-Authenticate`;
//! - **cross-tenant (BOLA)**: another freelancer's token with every id of the victim's,
//!   on every method — 404, as if the id did not exist;
//! - **very long query strings** on every list: a clear 4xx, never a crash;
//!
//! and afterwards the victim's rows, read straight from Postgres, are exactly as before.

use std::sync::OnceLock;

use fin_e2e::contract::spec;
use fin_e2e::dates::now;
use fin_e2e::tokens::{assembled, claims_for as claims, sign};
use fin_e2e::{id, App, AppOptions, Fixture, Reply, User, JWT_SECRET};
use jsonwebtoken::Algorithm;
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions::new("hostile", [4, 4, 4]))
}

/// A freelancer with one of everything (a [`Fixture`]), the sent invoice paid in part so
/// that it has a payment.
fn victim(app: &App) -> Fixture {
    let victim = Fixture::new(app, "victim");
    let paid = victim
        .user
        .call("POST", &format!("/invoices/{}/payments", victim.sent))
        .json(&json!({"amount": 1_000}))
        .send();
    assert_eq!(paid.status, 201, "{}", paid.body);
    victim
}

/// Everything stored for this freelancer, as Postgres has it.
fn rows(app: &App, victim: &Fixture) -> Vec<String> {
    let mut db = app.db();
    let owner = victim.user.user_id();
    let mut rows = Vec::new();
    for table in [
        "clients",
        "invoices",
        "payments",
        "credit_notes",
        "idempotency_keys",
        "outbox",
        "business_profiles",
        "share_links",
    ] {
        let query = format!(
            "SELECT row_to_json(t)::text FROM {table} t WHERE owner_id::text = $1 ORDER BY 1"
        );
        for row in db.query(&query, &[&owner]).expect(table) {
            rows.push(format!("{table}: {}", row.get::<_, String>(0)));
        }
    }
    let user: String = db
        .query_one(
            "SELECT row_to_json(u)::text FROM users u WHERE id::text = $1",
            &[&owner],
        )
        .expect("user")
        .get(0);
    rows.push(user);
    rows
}

fn send(app: &App, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Reply {
    let mut call = app.client().request(method, path).header("if-match", "*");
    if let Some(token) = token {
        call = call.header("authorization", token);
    }
    match body {
        Some(body) => call.json(body).send(),
        None => call.send(),
    }
}

/// Every kind of credential that must not open the victim's account: the
/// `Authorization` header to send (`None`: no header at all).
fn bad_credentials(app: &App, victim: &Fixture) -> Vec<(&'static str, Option<String>)> {
    let sub = victim.user.user_id();
    let secret = JWT_SECRET.as_bytes();
    let bearer = |token: String| Some(format!("Bearer {token}"));
    let with = |key: &str, value: Value| {
        let mut c = claims(&sub);
        c[key] = value;
        bearer(sign(&c, Algorithm::HS256, secret))
    };
    // A token of the victim's own, revoked by logging it out.
    let revoked = User::sign_up(app, "revoked");
    let logout = revoked.call("POST", "/auth/logout").send();
    assert_eq!(logout.status, 204, "{}", logout.body);

    vec![
        ("no Authorization", None),
        ("empty bearer", Some("Bearer ".into())),
        ("another scheme", Some("Basic dmljdGltOnNlY3JldA==".into())),
        ("not a JWT", bearer("not-a-token".into())),
        (
            "two parts",
            bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0".into()),
        ),
        ("tampered", bearer(format!("{}x", victim.user.token))),
        ("expired", with("exp", json!(now() - 60))),
        ("not valid yet (nbf)", with("nbf", json!(now() + 3600))),
        (
            "issued in the future (iat)",
            with("iat", json!(now() + 3600)),
        ),
        ("another issuer", with("iss", json!("evil"))),
        ("another audience", with("aud", json!("another-api"))),
        (
            "forged with another key",
            bearer(sign(
                &claims(&sub),
                Algorithm::HS256,
                b"not-the-server-secret-not-the-server",
            )),
        ),
        (
            "alg none",
            bearer(assembled(
                &json!({"alg": "none", "typ": "JWT"}),
                &claims(&sub),
                None,
            )),
        ),
        (
            "HS384",
            bearer(sign(&claims(&sub), Algorithm::HS384, secret)),
        ),
        (
            // HS/RS confusion: an RS256 header, HMAC-signed with the shared secret, which a
            // verifier trusting the header's `alg` would check with the wrong primitive.
            "RS256 header, HMAC signature",
            bearer(assembled(
                &json!({"alg": "RS256", "typ": "JWT"}),
                &claims(&sub),
                Some(secret),
            )),
        ),
        ("revoked (logged out)", bearer(revoked.token.clone())),
    ]
}

#[test]
fn every_protected_route_refuses_every_bad_credential_and_changes_nothing() {
    let app = app();
    let victim = victim(app);
    let before = rows(app, &victim);
    let operations = spec().protected_operations();
    assert!(
        operations.len() >= 17,
        "only {} protected operations",
        operations.len()
    );

    let credentials = bad_credentials(app, &victim);
    for (template, method) in &operations {
        let path = victim.path(template);
        let body = victim.body(template, method);
        for (what, credential) in &credentials {
            let reply = send(app, method, &path, credential.as_deref(), body.as_ref());
            assert_eq!(
                reply.status, 401,
                "{method} {template} with {what}: {}",
                reply.body
            );
            if method != "HEAD" {
                reply.problem(401);
            }
            let challenge = reply.header("www-authenticate").unwrap_or_default();
            assert!(
                challenge.starts_with("Bearer"),
                "{method} {template} with {what}: {challenge:?}"
            );
        }
    }
    assert_eq!(
        rows(app, &victim),
        before,
        "a refused request changed the victim's rows"
    );

    // The control: the same claims, properly signed, are believed.
    let good = sign(
        &claims(&victim.user.user_id()),
        Algorithm::HS256,
        JWT_SECRET.as_bytes(),
    );
    let reply = send(
        app,
        "GET",
        "/auth/profile",
        Some(&format!("Bearer {good}")),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn another_freelancer_cannot_reach_a_single_thing_of_the_victims() {
    let app = app();
    let victim = victim(app);
    let intruder = User::sign_up(app, "intruder");
    let intruder_client = intruder.client("EUR");
    let intruder_draft = id(&intruder.draft(&intruder_client, 5_000));
    let before = rows(app, &victim);
    let token = format!("Bearer {}", intruder.token);

    // Every route with an id, every method it has, the victim's id in the path.
    let with_ids: Vec<_> = spec()
        .protected_operations()
        .into_iter()
        .filter(|(template, _)| template.contains("{id}"))
        .collect();
    assert!(
        with_ids.len() >= 9,
        "only {} routes with an id",
        with_ids.len()
    );
    for (template, method) in &with_ids {
        let path = victim.path(template);
        let body = victim.body(template, method);
        let reply = send(app, method, &path, Some(&token), body.as_ref());
        if method != "HEAD" {
            reply.problem(404);
        }
        assert_eq!(
            reply.status, 404,
            "{method} {path} as the intruder: {}",
            reply.body
        );
    }

    // Ids in bodies and queries are the victim's too: refused or empty, never followed.
    let mut invoice = spec()
        .request_example("/invoices", "POST")
        .expect("example");
    invoice["client_id"] = json!(victim.client);
    let create = send(app, "POST", "/invoices", Some(&token), Some(&invoice));
    let error = create.problem(422);
    assert_eq!(error["errors"][0]["field"], "client_id", "{error}");
    let moved = send(
        app,
        "PATCH",
        &format!("/invoices/{intruder_draft}"),
        Some(&token),
        Some(&json!({"client_id": victim.client})),
    );
    assert_eq!(moved.problem(422)["errors"][0]["field"], "client_id");
    let listed = send(
        app,
        "GET",
        &format!("/invoices?client_id={}", victim.client),
        Some(&token),
        None,
    );
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.json()["items"], json!([]));
    for list in ["/clients", "/invoices", "/payments"] {
        let items = intruder.get(list).json()["items"].to_string();
        for id in [&victim.client, &victim.draft, &victim.sent] {
            assert!(
                !items.contains(id.as_str()),
                "{list} shows the victim's {id}"
            );
        }
    }
    let dashboard = intruder.get("/dashboard");
    assert_eq!(dashboard.status, 200);
    assert!(!dashboard.body.contains(&victim.client));

    assert_eq!(
        rows(app, &victim),
        before,
        "the intruder changed the victim's rows"
    );
    // And the 404s were about ownership: the victim still reaches each of them.
    for path in [
        format!("/clients/{}", victim.client),
        format!("/invoices/{}", victim.draft),
        format!("/invoices/{}", victim.sent),
    ] {
        assert_eq!(victim.user.get(&path).status, 200, "{path}");
    }
}

#[test]
fn very_long_query_strings_are_refused_on_every_list() {
    let app = app();
    let user = User::sign_up(app, "long-query");
    let lists: Vec<String> = spec()
        .protected_operations()
        .into_iter()
        .filter(|(template, method)| method == "GET" && !template.contains('{'))
        .filter(|(template, _)| {
            let parameters = &spec().document()["paths"][template]["get"]["parameters"];
            parameters.to_string().contains("Cursor")
        })
        .map(|(template, _)| template)
        .collect();
    assert_eq!(
        lists,
        [
            "/auth/security-log",
            "/clients",
            "/invoices",
            "/items",
            "/payments",
            "/quotes",
            "/recurring-invoices"
        ]
    );
    for list in &lists {
        // 60,000 characters reach the app: refused by name.
        let cursor = "A".repeat(60_000);
        let reply = user.get(&format!("{list}?cursor={cursor}"));
        assert_eq!(reply.problem(422)["errors"][0]["field"], "cursor", "{list}");
        let unknown = user.get(&format!("{list}?{}=1", "x".repeat(60_000)));
        unknown.problem(422);
        // Past Spin's limit on the request line (64 KiB) the host refuses it before any
        // component runs: 414, no body (docs/fuzzing.md).
        let status = raw_status(app, &format!("{list}?cursor={}", "A".repeat(100_000)));
        assert_eq!(status, "414", "{list}");
    }
}

/// The status of a GET sent over a bare socket: HTTP libraries refuse to send a URI
/// this long themselves.
fn raw_status(app: &App, path: &str) -> String {
    use std::io::{Read, Write};
    let address = app.base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.split(' ').nth(1).unwrap_or_default().to_owned()
}
