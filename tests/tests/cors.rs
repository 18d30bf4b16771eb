//! Browsers on other origins (CORS): preflights answered on every route, the allowed
//! origin echoed with the headers a client must read exposed, a disallowed origin given
//! no CORS headers — and a real headless Chromium running a page on another origin that
//! registers, logs in, creates, reads an ETag and sends with `If-Match`, while the same
//! page from a disallowed origin is refused by the browser itself.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::OnceLock;

use fin_e2e::{App, AppOptions, Client, PASSWORD};
use serde_json::Value;

/// A web server of the test's own, serving the page on its own origin.
struct Site {
    port: u16,
}

impl Site {
    fn start(page: fn(api: &str) -> String) -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind site");
        let port = listener.local_addr().expect("site address").port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let body = page(&app().base_url);
                let mut stream = &stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Site { port }
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn allowed_site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| Site::start(page))
}

fn other_site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| Site::start(page))
}

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "cors",
        redis_dbs: [14, 14, 14],
        variables: vec![
            (
                "cors_allowed_origins",
                format!("{}, https://app.example", allowed_site().origin()),
            ),
            // No figures for a scraper here (the default of a fresh deployment).
            ("metrics_token", String::new()),
        ],
        ..AppOptions::default()
    })
}

/// A frontend's first steps, in the browser; the outcome lands in `<pre id="out">`.
/// The account is made (and its address confirmed, which sending needs) before the page
/// is served; the page's own registration of it answers the same 202 as a new one.
fn page(api: &str) -> String {
    let (email, _) = app().sign_up("browser");
    format!(
        r#"<!doctype html><html><body><pre id="out">pending</pre><script>
const api = "{api}";
const json = {{"content-type": "application/json"}};
async function run() {{
  const out = {{}};
  try {{
    const reg = await fetch(api + "/auth/register", {{method: "POST", headers: json,
      body: JSON.stringify({{email: "{email}", password: "{PASSWORD}", name: "Browser"}})}});
    out.register = reg.status;
    const login = await fetch(api + "/auth/login", {{method: "POST", headers: json,
      body: JSON.stringify({{email: "{email}", password: "{PASSWORD}"}})}});
    const token = (await login.json()).access_token;
    const auth = {{"authorization": "Bearer " + token}};
    const client = await fetch(api + "/clients", {{method: "POST", headers: {{...auth, ...json}},
      body: JSON.stringify({{name: "Browser Ltd", default_currency: "EUR"}})}});
    out.client = client.status;
    out.location = client.headers.get("location");
    const clientId = (await client.json()).id;
    const invoice = await fetch(api + "/invoices", {{method: "POST",
      headers: {{...auth, ...json, "idempotency-key": "browser-1"}},
      body: JSON.stringify({{client_id: clientId, lines: [{{description: "Work", quantity: 1, unit_price: 100}}]}})}});
    out.invoice = invoice.status;
    out.etag = invoice.headers.get("etag");
    const id = (await invoice.json()).id;
    const sent = await fetch(api + "/invoices/" + id + "/send", {{method: "POST",
      headers: {{...auth, "if-match": out.etag}}}});
    out.sent = sent.status;
    const stale = await fetch(api + "/invoices/" + id, {{method: "DELETE",
      headers: {{...auth, "if-match": out.etag}}}});
    out.stale = stale.status;
    out.currentEtag = stale.headers.get("etag");
    const denied = await fetch(api + "/clients");
    out.denied = denied.status;
    out.challenge = denied.headers.get("www-authenticate") !== null;
  }} catch (e) {{
    out.error = String(e);
  }}
  document.getElementById("out").textContent = JSON.stringify(out);
}}
run();
</script></body></html>"#
    )
}

/// What the page printed, run by headless Chromium from `site`.
fn run_in_chromium(site: &Site) -> Value {
    let dom = fin_e2e::browser::dump_dom(&format!("{}/", site.origin()));
    let text = dom
        .split_once(r#"<pre id="out">"#)
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(text, _)| text.replace("&quot;", "\""))
        .unwrap_or_else(|| panic!("no result in the page: {dom}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn a_page_on_an_allowed_origin_uses_the_api_in_a_real_browser() {
    app();
    let out = run_in_chromium(allowed_site());
    assert_eq!(out["error"], Value::Null, "{out}");
    assert_eq!(out["register"], 202);
    assert_eq!(out["client"], 201);
    assert!(
        out["location"]
            .as_str()
            .is_some_and(|l| l.starts_with("/clients/")),
        "Location is exposed: {out}"
    );
    assert_eq!(out["invoice"], 201);
    assert_eq!(out["etag"], "\"1\"", "ETag is exposed");
    assert_eq!(out["sent"], 200, "If-Match may be sent");
    assert_eq!(out["stale"], 412);
    assert_eq!(out["currentEtag"], "\"2\"");
    assert_eq!(out["denied"], 401);
    assert_eq!(out["challenge"], true, "WWW-Authenticate is exposed");
}

#[test]
fn the_same_page_on_another_origin_is_refused_by_the_browser() {
    app();
    let out = run_in_chromium(other_site());
    assert!(
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("Failed to fetch")),
        "the browser must refuse the answer: {out}"
    );
    assert_eq!(out["register"], Value::Null);
}

/// One path per route of spin.toml, with a method it takes.
const ROUTES: [(&str, &str); 14] = [
    ("POST", "/auth/register"),
    ("POST", "/auth/login"),
    ("GET", "/auth/profile"),
    ("GET", "/clients"),
    ("PATCH", "/clients/6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11"),
    ("POST", "/invoices"),
    ("DELETE", "/invoices/6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11"),
    (
        "POST",
        "/invoices/6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11/send",
    ),
    ("GET", "/payments"),
    ("POST", "/payments/webhook"),
    ("GET", "/dashboard"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/no/such/route"),
];

fn preflight(http: &Client, path: &str, origin: &str, method: &str) -> fin_e2e::Reply {
    http.request("OPTIONS", path)
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header(
            "access-control-request-headers",
            "authorization, content-type, if-match, idempotency-key",
        )
        .send()
}

#[test]
fn every_route_answers_preflights_for_allowed_origins_only() {
    let http = app().client();
    let allowed = allowed_site().origin();
    for (method, path) in ROUTES {
        let reply = preflight(&http, path, &allowed, method);
        assert_eq!(reply.status, 204, "{path}: {}", reply.body);
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some(allowed.as_str()),
            "{path}"
        );
        let methods = reply
            .header("access-control-allow-methods")
            .unwrap_or_default();
        assert!(methods.contains(method), "{path}: {methods}");
        let headers = reply
            .header("access-control-allow-headers")
            .unwrap_or_default()
            .to_ascii_lowercase();
        for needed in [
            "authorization",
            "content-type",
            "if-match",
            "idempotency-key",
        ] {
            assert!(headers.contains(needed), "{path}: {headers}");
        }
        assert_eq!(
            reply.header("access-control-allow-credentials"),
            None,
            "{path}"
        );

        let refused = preflight(&http, path, "https://evil.example", method);
        assert_eq!(refused.status, 204, "{path}");
        assert!(
            refused
                .headers
                .iter()
                .all(|(name, _)| !name.to_ascii_lowercase().starts_with("access-control-")),
            "{path}: a disallowed origin gets no CORS headers: {:?}",
            refused.headers
        );
    }
}

#[test]
fn answers_carry_cors_headers_only_for_an_allowed_origin() {
    let http = app().client();
    let with_origin = |origin: &str| http.get("/auth/profile").header("origin", origin).send();
    let reply = with_origin("https://app.example");
    reply.problem(401);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let exposed = reply
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    for header in ["etag", "location", "retry-after", "idempotent-replayed"] {
        assert!(exposed.contains(header), "{exposed}");
    }
    assert!(reply.header("vary").is_some_and(|v| v.contains("Origin")));
    let evil = with_origin("https://evil.example");
    assert_eq!(evil.header("access-control-allow-origin"), None);
    let plain = http.get("/auth/profile").send();
    assert_eq!(
        plain.header("access-control-allow-origin"),
        None,
        "no Origin, no CORS"
    );
}

#[test]
fn without_a_configured_metrics_token_there_are_no_figures_at_all() {
    for path in ["/metrics/health", "/metrics/delivery", "/metrics/analytics"] {
        for call in [
            app().client().get(path),
            app()
                .client()
                .get(path)
                .bearer(fin_e2e::metrics::METRICS_TOKEN),
            app().client().get(path).header("authorization", "Bearer "),
        ] {
            let reply = call.send();
            assert_eq!(reply.problem(404)["type"], "/problems/not-found", "{path}");
            assert!(!reply.body.contains("fin_"), "{path}");
        }
    }
}
