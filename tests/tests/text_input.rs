//! Characters the API refuses to store, sent through every input the spec names — every
//! string field of every JSON body (nested ones too), every query parameter, every path
//! parameter — with the operations taken from docs/openapi.yaml, so a new route or field
//! is covered the day it is documented:
//! - **U+0000** is refused everywhere: a 4xx (422 naming the field where a field can be
//!   named, 404 for an id, 400 for a signed webhook event), never a 500;
//! - **other control characters** (bell, DEL, C1's NEL) are refused wherever the spec's
//!   schema refuses them, and never a 5xx where it allows them (a password may hold any);
//! - **lone surrogates** (`"\ud800"`) are malformed JSON: 400;
//! - **header values that are not UTF-8** or hold a tab reach the app on this Spin
//!   (`../shared/spin`): an `Idempotency-Key` with them is refused by name.
//!
//! After every refusal the whole database is exactly as before: nothing half-written.

use std::sync::OnceLock;

use fin_e2e::contract::{spec, Spec};
use fin_e2e::dates::now;
use fin_e2e::stripe::{payment_intent, signature};
use fin_e2e::{App, AppOptions, Fixture, Reply, User, WEBHOOK_SECRET};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions::new("text_input", [7, 7, 7]))
}

/// A value with U+0000 inside, and the other characters refused in stored text.
const NUL: &str = "a\u{0}b";
const OTHERS: [&str; 3] = ["a\u{7}b", "a\u{7f}b", "a\u{85}b"];

/// One step into a JSON document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    First,
}

/// A field as problem details name it: `lines[0].description`.
fn name(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => out.push_str(&format!(".{k}")),
            Step::First => out.push_str("[0]"),
        }
    }
    out
}

/// Whether a property's schema lets it be a string: by its own `type` or `enum`, by
/// what its `$ref` says, or as one of its choices.
fn takes_text(schema: &Value) -> bool {
    let typed = match &schema["type"] {
        Value::String(t) => t == "string",
        Value::Array(types) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    let enumerated = schema["enum"]
        .as_array()
        .is_some_and(|e| e.iter().any(Value::is_string));
    let referred = schema.get("$ref").and_then(Value::as_str).is_some_and(|r| {
        let (target, _) = spec()
            .resolve(r.trim_start_matches('#').to_owned())
            .expect("ref");
        takes_text(target)
    });
    let choices = ["anyOf", "oneOf"]
        .iter()
        .flat_map(|k| schema[*k].as_array().into_iter().flatten())
        .any(takes_text);
    typed || enumerated || referred || choices
}

/// Every string field an object schema has, at any depth (a list's first item).
fn text_fields(pointer: &str, at: Vec<Step>, found: &mut Vec<Vec<Step>>) {
    for (key, property) in spec().properties(pointer) {
        let mut path = at.clone();
        path.push(Step::Key(key));
        if takes_text(&property) {
            found.push(path.clone());
        }
        if let Some((inner, list)) = Spec::object_schema(&property) {
            if list {
                path.push(Step::First);
            }
            text_fields(&inner, path, found);
        }
    }
}

/// `body` with `value` at `path`, making the objects and lists on the way.
fn with(body: &Value, path: &[Step], value: &str) -> Value {
    let mut body = body.clone();
    let mut slot = &mut body;
    for step in path {
        slot = match step {
            Step::Key(key) => {
                if !slot.is_object() {
                    *slot = json!({});
                }
                &mut slot[key.as_str()]
            }
            Step::First => {
                if slot.as_array().is_none_or(Vec::is_empty) {
                    *slot = json!([{}]);
                }
                &mut slot[0]
            }
        };
    }
    *slot = json!(value);
    body
}

/// The body the spec gives the operation, for `target`; for the webhook, which the spec
/// gives none, a Stripe event paying one cent of its sent invoice.
fn body(target: &Fixture, template: &str, method: &str) -> Option<Value> {
    if template == "/payments/webhook" {
        return Some(payment_intent(
            "evt_text_input",
            "pi_text_input",
            1,
            "eur",
            json!({"invoice_id": target.sent, "owner_id": target.user.user_id()}),
        ));
    }
    target.body(template, method)
}

/// `method path` as `target`'s user, with `body` as JSON text (signed for the webhook).
fn send(target: &Fixture, method: &str, path: &str, body: Option<String>) -> Reply {
    let mut call = target.user.call(method, path).header("if-match", "*");
    if let Some(body) = body {
        if path == "/payments/webhook" {
            let signed = signature(WEBHOOK_SECRET, now(), body.as_bytes());
            call = call.header("stripe-signature", &signed);
        }
        call = call.raw("application/json", body.into_bytes());
    }
    call.send()
}

/// Every row of every table, as text: what "nothing was written" is checked against.
fn database(app: &App) -> Vec<String> {
    let mut db = app.db();
    let tables: Vec<String> = db
        .query(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
            &[],
        )
        .expect("tables")
        .iter()
        .map(|row| row.get(0))
        .collect();
    let mut rows = Vec::new();
    for table in tables {
        let query = format!("SELECT row_to_json(t)::text FROM {table} t ORDER BY 1");
        for row in db.query(&query, &[]).expect(&table) {
            rows.push(format!("{table}: {}", row.get::<_, String>(0)));
        }
    }
    rows
}

/// Sends, and holds the answer to what a refusal must be: a 4xx problem, and nothing
/// in the database changed.
fn refused(app: &App, what: &str, send: impl FnOnce() -> Reply) -> Reply {
    let before = database(app);
    let reply = send();
    assert!(
        (400..500).contains(&reply.status),
        "{what}: {} {}",
        reply.status,
        reply.body
    );
    if !reply.body.is_empty() {
        reply.problem(reply.status);
    }
    assert_eq!(database(app), before, "{what}: a refused request wrote");
    reply
}

#[test]
fn refused_characters_through_every_input_of_every_operation() {
    let app = app();
    let target = Fixture::new(app, "text-input");
    let (mut bodies, mut queries, mut ids) = (0, 0, 0);

    for (template, method) in spec().operations() {
        let operation = &spec().document()["paths"][&template][method.to_ascii_lowercase()];
        let path = target.path(&template);

        // Every string field of the body.
        if let Some(valid) = body(&target, &template, &method) {
            let schema = spec().request_schema(&template, &method);
            let mut fields = Vec::new();
            // A body without text (a share link's lifetime) has nothing to refuse here;
            // the floor below keeps the walk honest.
            text_fields(&schema, Vec::new(), &mut fields);
            for field in &fields {
                let field_name = name(field);
                let what = format!("{method} {template} with U+0000 in {field_name}");
                let body = with(&valid, field, NUL).to_string();
                let reply = refused(app, &what, || send(&target, &method, &path, Some(body)));
                if reply.status == 422 {
                    assert!(
                        reply.fields().contains(&field_name),
                        "{what}: {}",
                        reply.body
                    );
                }
                bodies += 1;

                for text in OTHERS {
                    let body = with(&valid, field, text);
                    let what = format!("{method} {template} with {text:?} in {field_name}");
                    if spec().validate(&schema, &body).is_err() {
                        refused(app, &what, || {
                            send(&target, &method, &path, Some(body.to_string()))
                        });
                    } else {
                        let reply = send(&target, &method, &path, Some(body.to_string()));
                        assert!(
                            reply.status < 500,
                            "{what}: {} {}",
                            reply.status,
                            reply.body
                        );
                    }
                }
                // A lone surrogate cannot be a `Value`: written into the text by hand.
                let lone = with(&valid, field, "LONE")
                    .to_string()
                    .replace("LONE", "\\ud800");
                let what = format!("{method} {template} with a lone surrogate in {field_name}");
                let reply = refused(app, &what, || send(&target, &method, &path, Some(lone)));
                assert_eq!(reply.status, 400, "{what}: {}", reply.body);
            }
        }

        // Every query parameter, and a parameter whose name holds U+0000.
        let parameters: Vec<Value> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| match p.get("$ref").and_then(Value::as_str) {
                Some(r) => spec()
                    .resolve(r.trim_start_matches('#').to_owned())
                    .expect("parameter")
                    .0
                    .clone(),
                None => p.clone(),
            })
            .collect();
        let in_query: Vec<&str> = parameters
            .iter()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str())
            .collect();
        for parameter in &in_query {
            let what = format!("{method} {template}?{parameter}= with U+0000");
            let url = format!("{path}?{parameter}=a%00b");
            let reply = refused(app, &what, || send(&target, &method, &url, None));
            assert_eq!(reply.fields(), [*parameter], "{what}: {}", reply.body);
            queries += 1;
        }
        if !in_query.is_empty() {
            let what = format!("{method} {template} with U+0000 in a parameter's name");
            let url = format!("{path}?a%00b=1");
            let reply = refused(app, &what, || send(&target, &method, &url, None));
            assert_eq!(reply.status, 422, "{what}: {}", reply.body);
        }

        // Every path parameter: an id with U+0000 names nothing.
        if template.contains("{id}") {
            for bad in ["%00", "a%00b"] {
                let what = format!("{method} {template} with id {bad}");
                let url = template.replace("{id}", bad);
                let body = body(&target, &template, &method).map(|b| b.to_string());
                let reply = refused(app, &what, || send(&target, &method, &url, body));
                assert_eq!(reply.status, 404, "{what}: {}", reply.body);
                ids += 1;
            }
        }
    }
    eprintln!("text_input: {bodies} body fields, {queries} query parameters, {ids} ids");
    // Every body, query and id the spec has today is reached (a floor, so a spec that
    // lost its bodies or parameters cannot pass by testing nothing).
    assert!(bodies >= 40, "only {bodies} body fields");
    assert!(queries >= 10, "only {queries} query parameters");
    assert!(ids >= 18, "only {ids} ids");
}

/// An `Idempotency-Key` whose bytes are not UTF-8, or that holds a tab, sent over a bare
/// socket (HTTP libraries refuse to), is refused by name and creates nothing.
#[test]
fn an_idempotency_key_that_is_not_visible_ascii_is_refused_by_name() {
    use std::io::{Read, Write};
    let app = app();
    let user = User::sign_up(app, "text-input-key");
    let client = user.client("EUR");
    let body = json!({"client_id": client, "lines": [
        {"description": "Work", "quantity": 1, "unit_price": 100}
    ]})
    .to_string();
    let address = app.base_url.trim_start_matches("http://");
    for key in [&b"k\xe9y"[..], b"k\tey", b"\xff\xfe"] {
        let before = user.get("/invoices").json()["items"].clone();
        let mut request = format!(
            "POST /invoices HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
             Authorization: Bearer {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nIdempotency-Key: ",
            user.token,
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(key);
        request.extend_from_slice(format!("\r\n\r\n{body}").as_bytes());
        let mut stream = std::net::TcpStream::connect(address).expect("connect");
        stream.write_all(&request).expect("send");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 422"), "{key:?}: {answer}");
        assert!(answer.contains("\"field\":\"Idempotency-Key\""), "{answer}");
        assert_eq!(user.get("/invoices").json()["items"], before, "{key:?}");
    }
}

/// A cursor is opaque but comes back from the client: one forged to carry U+0000 (or
/// another control character) inside its valid base64 is refused by name, for every list
/// that pages.
#[test]
fn a_cursor_forged_to_carry_refused_characters_is_refused_by_name() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let app = app();
    let user = User::sign_up(app, "text-input-cursor");
    let forged = [
        ("/clients", r#"{"sort":{"key":"name","descending":false},"key":"a\u0000","id":"00000000-0000-0000-0000-000000000000"}"#),
        ("/clients", r#"{"sort":{"key":"name","descending":false},"key":"a\u0007","id":"00000000-0000-0000-0000-000000000000"}"#),
        ("/clients", "{\"sort\":{\"key\":\"name\",\"descending\":false},\"key\":\"a\0\",\"id\":\"00000000-0000-0000-0000-000000000000\"}"),
        ("/payments", "2026-01-01T00:00:00.000000Z|evt\0x"),
        ("/payments", "2026-01-01T00:00:00.000000Z|evt\u{85}x"),
        ("/invoices", "2026:\u{0}1"),
    ];
    for (list, text) in forged {
        let cursor = URL_SAFE_NO_PAD.encode(text);
        let reply = user.get(&format!("{list}?cursor={cursor}"));
        assert_eq!(
            reply.fields(),
            ["cursor"],
            "{list} {text:?}: {}",
            reply.body
        );
        reply.problem(422);
    }
}
