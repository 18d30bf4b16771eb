//! Request validation and docs/openapi.yaml agree. For every JSON body but the webhook's
//! (signed by Stripe, refused before it is read) the spec's own example is accepted; and
//! each value the spec's keywords forbid — a wrong type, one character over `maxLength`,
//! one under `minimum` or over `maximum`, a value outside an enum, an empty list where
//! one item is required, strings a `pattern` or `format` refuses, an unknown property —
//! at the top level and inside addresses and invoice lines, is first confirmed invalid by
//! the spec, then sent, and must be refused with 422 naming that field.

use std::sync::OnceLock;

use fin_e2e::contract::{spec, Spec};
use fin_e2e::{id, App, AppOptions, Reply, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions::new("agreement", [6, 6, 6]))
}

/// The operation's example body, with the caller's own ids where it names some.
fn example(path: &str, method: &str, fresh: &Value) -> Value {
    let mut body = spec().request_example(path, method).expect("an example");
    for (key, value) in body.as_object_mut().expect("an object example") {
        if let Some(v) = fresh.get(key) {
            *value = v.clone();
        }
    }
    body
}

/// Values the property's own keywords forbid (`$ref`s to other schemas followed once).
fn violations(schema: &Value) -> Vec<Value> {
    let document = spec().document();
    let mut schema = schema.clone();
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = document
            .pointer(r.trim_start_matches('#'))
            .cloned()
            .expect("ref");
        for (k, v) in target.as_object().into_iter().flatten() {
            schema
                .as_object_mut()
                .map(|o| o.entry(k.clone()).or_insert(v.clone()));
        }
    }
    let mut bad = vec![json!({"unexpected": true})];
    if let Some(n) = schema["maxLength"].as_u64() {
        bad.push(json!("x".repeat(n as usize + 1)));
    }
    if let Some(n) = schema["minimum"].as_i64() {
        bad.push(json!(n - 1));
    }
    if let Some(n) = schema["maximum"].as_i64() {
        bad.push(json!(n + 1));
    }
    if schema.get("enum").is_some() {
        bad.push(json!("ZZZ"));
    }
    if schema.get("pattern").is_some() || schema.get("format").is_some() {
        // Whichever of these the spec refuses must be refused by the app too.
        for text in [
            "",
            " ",
            "\u{7}bell",
            "x\u{85}y",
            "not valid!",
            "2026-13-45",
            "a@",
        ] {
            bad.push(json!(text));
        }
    }
    if schema["minItems"].as_u64() == Some(1) {
        bad.push(json!([]));
    }
    bad
}

/// Sends `body` and expects it refused with `field` (or a field inside it) named.
fn assert_refused(r: &Reply, field: &str, body: &Value) {
    assert_eq!(
        r.status, 422,
        "{body} was not refused: {} {}",
        r.status, r.body
    );
    let named = r.fields();
    assert!(
        named.iter().any(|f| f == field
            || f.starts_with(&format!("{field}."))
            || f.starts_with(&format!("{field}["))),
        "{body}: refused, but {field} is not among {named:?}"
    );
}

#[test]
fn request_validation_agrees_with_the_spec() {
    let app = app();
    let user = User::sign_up(app, "contract");
    let client_id = user.client("EUR");
    let draft = id(&user.draft(&client_id, 10_000));
    let sent = id(&user.sent_invoice("EUR", 1_000_000));
    // Someone who signed up with the login example's password, to log in as.
    let login = spec()
        .request_example("/auth/login", "post")
        .expect("example");
    let email = fin_e2e::unique_email("agree-login");
    let mut account = spec()
        .request_example("/auth/register", "post")
        .expect("example");
    account["email"] = json!(email);
    account["password"] = login["password"].clone();
    assert_eq!(user.http.post_json("/auth/register", &account).status, 202);
    let ids = json!({"client_id": client_id});

    // (path template, concrete path, method, the caller's own values for the example)
    let operations = [
        (
            "/auth/register",
            "/auth/register".to_owned(),
            "post",
            json!({}),
        ),
        (
            "/auth/login",
            "/auth/login".to_owned(),
            "post",
            json!({"email": email}),
        ),
        ("/clients", "/clients".to_owned(), "post", ids.clone()),
        (
            "/clients/{id}",
            format!("/clients/{client_id}"),
            "patch",
            ids.clone(),
        ),
        ("/invoices", "/invoices".to_owned(), "post", ids.clone()),
        (
            "/invoices/{id}",
            format!("/invoices/{draft}"),
            "patch",
            ids.clone(),
        ),
        (
            "/invoices/{id}/payments",
            format!("/invoices/{sent}/payments"),
            "post",
            ids.clone(),
        ),
        (
            "/business-profile",
            "/business-profile".to_owned(),
            "put",
            json!({}),
        ),
    ];
    for (template, path, method, fresh) in operations {
        let schema = spec().request_schema(template, method);
        let valid = example(template, method, &fresh);
        let valid_email = valid["email"].clone();
        let send = |body: &Value| {
            let mut body = body.clone();
            // An account per registration: the example's address, made unique.
            if template == "/auth/register" && body["email"] == valid_email {
                body["email"] = json!(fin_e2e::unique_email("agree"));
            }
            let method = match method {
                "post" => "POST",
                "put" => "PUT",
                _ => "PATCH",
            };
            user.call(method, &path)
                .header("if-match", "*")
                .json(&body)
                .send()
        };

        spec()
            .validate(&schema, &valid)
            .expect("the example is valid");
        let r = send(&valid);
        assert!(
            (200..300).contains(&r.status),
            "{method} {template}: the spec's example was refused: {} {}",
            r.status,
            r.body
        );

        let mut unknown = valid.clone();
        unknown["surprise"] = json!(1);
        assert!(spec().validate(&schema, &unknown).is_err());
        assert_refused(&send(&unknown), "surprise", &unknown);

        // Each property's forbidden values, then those of the fields inside it (an
        // address, the first line of an invoice), wherever the example has them.
        let mut cases: Vec<(String, Value)> = Vec::new();
        for (name, property) in spec().properties(&schema) {
            for value in violations(&property) {
                let mut body = valid.clone();
                body[&name] = value;
                cases.push((name.clone(), body));
            }
            let Some((inner, list)) = Spec::object_schema(&property) else {
                continue;
            };
            for (field, field_schema) in spec().properties(&inner) {
                for value in violations(&field_schema) {
                    let mut body = valid.clone();
                    let slot = body
                        .get_mut(&name)
                        .and_then(|v| if list { v.get_mut(0) } else { Some(v) })
                        .filter(|v| v.is_object());
                    let Some(slot) = slot else { continue };
                    slot[&field] = value;
                    let path = match list {
                        true => format!("{name}[0].{field}"),
                        false => format!("{name}.{field}"),
                    };
                    cases.push((path, body));
                }
            }
        }
        for (field, body) in cases {
            if spec().validate(&schema, &body).is_ok() {
                continue; // e.g. a longer string where the schema has no limit
            }
            assert_refused(&send(&body), &field, &body);
        }
    }
}
