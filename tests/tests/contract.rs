//! docs/openapi.yaml is the contract, and this suite keeps it honest from both ends: the
//! routes the components and spin.toml declare are exactly the operations the spec names;
//! the spec is well formed and its enums are the app's own lists; the checker every e2e
//! reply goes through really catches drift; the app serves the spec as written and a
//! browser renders it. That request validation agrees with it: agreement.rs.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use fin_e2e::contract::spec;
use fin_e2e::{App, AppOptions, Reply};
use iso_currency::IntoEnumIterator;
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions::new("contract", [6, 6, 6]))
}

/// A component's route table as its source declares it: every `Route::new("/path",
/// &["GET", ...])`. Read from the source because the components cannot be linked into one
/// native binary (each exports the same `wasi:http` handler symbol).
struct Table {
    component: String,
    routes: Vec<(String, Vec<String>)>,
}

fn route_tables() -> Vec<Table> {
    let declaration =
        regex::Regex::new(r#"Route::new\(\s*"([^"]+)",\s*&\[([^\]]*)\]"#).expect("regex");
    let components = App::repo_root().join("components");
    let mut tables = Vec::new();
    for entry in std::fs::read_dir(&components)
        .expect("components/")
        .flatten()
    {
        let mut routes = Vec::new();
        for file in ["lib.rs", "http.rs"] {
            let source =
                std::fs::read_to_string(entry.path().join("src").join(file)).unwrap_or_default();
            for found in declaration.captures_iter(&source) {
                let methods = found[2]
                    .split(',')
                    .map(|m| m.trim().trim_matches('"').to_owned())
                    .filter(|m| !m.is_empty())
                    .collect();
                routes.push((found[1].to_owned(), methods));
            }
        }
        if !routes.is_empty() {
            tables.push(Table {
                component: entry.file_name().to_string_lossy().into_owned(),
                routes,
            });
        }
    }
    assert!(
        tables.len() >= 7,
        "found only {} route tables",
        tables.len()
    );
    tables
}

#[test]
fn the_routers_serve_exactly_the_operations_the_spec_names() {
    let routed: BTreeSet<(String, String)> = route_tables()
        .into_iter()
        .flat_map(|table| table.routes)
        .flat_map(|(path, methods)| methods.into_iter().map(move |m| (path.clone(), m)))
        .collect();
    let documented = spec().operations();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "routed but not in the spec: {undocumented:?}; in the spec but routed nowhere: {unrouted:?}"
    );
}

/// Whether Spin's route pattern (`/auth/...`, `/healthz`) takes `path`, and how
/// specifically: an exact route beats a wildcard, a longer prefix a shorter one.
fn spin_match(pattern: &str, path: &str) -> Option<usize> {
    match pattern.strip_suffix("/...") {
        Some(prefix) if path == prefix || path.starts_with(&format!("{prefix}/")) => {
            Some(prefix.len())
        }
        Some(_) => None,
        None if pattern == path => Some(usize::MAX),
        // `:name` segments: below an exact route, above any trailing wildcard.
        None => {
            let (want, have): (Vec<&str>, Vec<&str>) =
                (pattern.split('/').collect(), path.split('/').collect());
            (want.len() == have.len()
                && want
                    .iter()
                    .zip(&have)
                    .all(|(w, h)| w.starts_with(':') || w == h))
            .then_some(usize::MAX - 1)
        }
    }
}

#[test]
fn spin_toml_sends_every_route_to_the_component_that_serves_it() {
    let manifest: toml::Value = toml::from_str(
        &std::fs::read_to_string(App::repo_root().join("spin.toml")).unwrap_or_default(),
    )
    .expect("spin.toml");
    let triggers: Vec<(String, String)> = manifest["trigger"]["http"]
        .as_array()
        .expect("[[trigger.http]]")
        .iter()
        .map(|t| {
            (
                t["route"].as_str().expect("route").to_owned(),
                t["component"].as_str().expect("component").to_owned(),
            )
        })
        .collect();
    let tables = route_tables();
    for table in &tables {
        let component = table.component.as_str();
        for (template, _) in &table.routes {
            // `{id}` stands for any one segment.
            let path = template.replace("{id}", "x");
            let chosen = triggers
                .iter()
                .filter_map(|(pattern, c)| spin_match(pattern, &path).map(|rank| (rank, c)))
                .max_by_key(|(rank, _)| *rank)
                .map(|(_, c)| c.as_str());
            assert_eq!(
                chosen,
                Some(component),
                "spin.toml routes {path} elsewhere than to {component}"
            );
        }
    }
    // And every trigger but the catch-all lands on a component with a route table.
    for (pattern, component) in &triggers {
        assert!(
            component == "web" || tables.iter().any(|t| &t.component == component),
            "{pattern} goes to {component}, which has no route table here"
        );
    }
}

/// Every `$ref` in `node`, with where it is.
fn refs(node: &Value, at: String, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => out.push((at.clone(), r.clone())),
                    _ => refs(value, format!("{at}/{key}"), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                refs(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_spec_is_well_formed() {
    let document = spec().document();
    assert_eq!(document["openapi"], "3.1.0");
    let mut ids = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if method == "parameters" {
                continue;
            }
            let id = operation["operationId"].as_str();
            assert!(
                id.is_some_and(|id| ids.insert(id.to_owned())),
                "{method} {path}: operationId missing or used twice"
            );
            assert!(
                operation["responses"]
                    .as_object()
                    .is_some_and(|r| !r.is_empty()),
                "{method} {path} documents no response"
            );
        }
    }
    let mut all = Vec::new();
    refs(document, String::new(), &mut all);
    for (at, reference) in all {
        let pointer = reference.strip_prefix('#').unwrap_or(&reference);
        assert!(
            document.pointer(pointer).is_some(),
            "{at}: {reference} resolves to nothing"
        );
    }
    // Every schema compiles (a validation error is fine; a broken schema is not).
    for name in document["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .keys()
    {
        if let Err(e) = spec().validate(&format!("/components/schemas/{name}"), &Value::Null) {
            assert!(!e.starts_with("schema at"), "{e}");
        }
    }
}

#[test]
fn request_examples_are_valid_against_their_own_schemas() {
    let document = spec().document();
    let mut seen = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let body = &operation["requestBody"]["content"]["application/json"];
            if let Some(example) = body.get("example") {
                let pointer = spec().request_schema(path, method);
                if let Err(e) = spec().validate(&pointer, example) {
                    panic!("the example of {method} {path} breaks its schema: {e}");
                }
                seen += 1;
            }
        }
    }
    assert!(seen >= 7, "only {seen} request examples");
}

fn enum_of(schema: &str) -> BTreeSet<String> {
    spec().document()["components"]["schemas"][schema]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{schema} has no enum"))
        .iter()
        .map(|v| v.as_str().expect("a code").to_owned())
        .collect()
}

#[test]
fn currency_and_country_enums_are_the_codes_the_app_accepts() {
    let invoiceable: BTreeSet<String> = iso_currency::Currency::iter()
        .filter(|c| c.exponent().is_some())
        .map(|c| c.code().to_owned())
        .collect();
    assert_eq!(enum_of("CurrencyCode"), invoiceable);
    let countries: BTreeSet<String> = isocountry::CountryCode::iter()
        .map(|c| c.alpha2().to_owned())
        .collect();
    assert_eq!(enum_of("CountryCode"), countries);
}

fn reply(status: u16, headers: &[(&str, &str)], body: &Value) -> Reply {
    Reply {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: if body.is_null() {
            String::new()
        } else {
            body.to_string()
        },
        bytes: Vec::new(),
    }
}

fn a_client() -> Value {
    json!({
        "id": "0b3c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11", "name": "Acme", "email": null,
        "phone": null, "company": null, "tax_id": null, "address": null,
        "default_currency": "EUR", "notes": null, "peppol_id": null, "registration_id": null,
        "archived_at": null, "created_at": "2026-11-26T10:00:00Z", "updated_at": "2026-11-26T10:00:00Z"
    })
}

/// The checker the e2e clients run on every reply must refuse each kind of drift, or the
/// whole contract is decorative.
#[test]
fn the_reply_checker_catches_every_kind_of_drift() {
    let check = |method, path, r: &Reply| spec().check(method, path, r);
    let json = [("content-type", "application/json")];
    let path = "/clients/0b3c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11";
    check("GET", path, &reply(200, &json, &a_client())).expect("a faithful reply passes");

    let mut missing = a_client();
    missing.as_object_mut().map(|o| o.remove("archived_at"));
    let mut extra = a_client();
    extra["secret"] = json!("leaked");
    let mut retyped = a_client();
    retyped["name"] = json!(42);
    let mut bad_currency = a_client();
    bad_currency["default_currency"] = json!("XAU");
    for (what, r) in [
        ("a missing field", reply(200, &json, &missing)),
        ("an extra field", reply(200, &json, &extra)),
        ("a retyped field", reply(200, &json, &retyped)),
        ("a value outside the enum", reply(200, &json, &bad_currency)),
        ("an undocumented status", reply(418, &json, &a_client())),
        (
            "another media type",
            reply(200, &[("content-type", "text/plain")], &a_client()),
        ),
    ] {
        assert!(check("GET", path, &r).is_err(), "{what} passed");
    }

    let problem = [("content-type", "application/problem+json")];
    let not_allowed = json!({"type": "/problems/method-not-allowed", "title": "Method not allowed", "status": 405});
    let allow = |methods| [problem[0], ("allow", methods)];
    check(
        "PUT",
        path,
        &reply(405, &allow("GET, PATCH, DELETE"), &not_allowed),
    )
    .expect("405 with the spec's methods passes");
    assert!(check("PUT", path, &reply(405, &allow("GET"), &not_allowed)).is_err());
    let unknown = json!({"type": "/problems/not-found", "title": "Not found", "status": 404});
    check("GET", "/nowhere", &reply(404, &problem, &unknown)).expect("404 problem");
    assert!(check("GET", "/nowhere", &reply(200, &json, &a_client())).is_err());

    // A required header: a single invoice's ETag.
    let invoice_path = "/invoices/0b3c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11";
    let gone = json!({"type": "/problems/not-found", "title": "Not found", "status": 404});
    check("GET", invoice_path, &reply(404, &problem, &gone)).expect("404");
    let err = check("GET", invoice_path, &reply(200, &json, &json!({})))
        .expect_err("no ETag, no invoice");
    assert!(err.contains("ETag") || err.contains("body"), "{err}");
}

#[test]
fn the_app_serves_the_spec_as_written_without_a_token() {
    let app = app();
    let written = std::fs::read_to_string(App::repo_root().join("docs/openapi.yaml"))
        .expect("docs/openapi.yaml");
    let yaml = app.client().get("/openapi.yaml").send();
    assert_eq!(yaml.status, 200);
    assert_eq!(yaml.body, written, "/openapi.yaml is the file itself");
    let json = app.client().get("/openapi.json").send();
    assert_eq!(json.status, 200);
    assert_eq!(
        &json.json(),
        spec().document(),
        "/openapi.json says the same"
    );
}

#[test]
fn the_reference_page_renders_every_operation_in_a_browser() {
    let app = app();
    let dom = fin_e2e::browser::dump_dom(&format!("{}/docs", app.base_url));
    let operations = spec().operations().len();
    assert!(
        dom.contains(&format!(r#"data-operations="{operations}""#)),
        "the page did not render {operations} operations: {dom}"
    );
    for operation in [
        "POST /auth/register",
        "GET /dashboard",
        "POST /invoices/{id}/payments",
    ] {
        let (method, path) = operation.split_once(' ').expect("method path");
        assert!(
            dom.contains(method) && dom.contains(path),
            "{operation} missing"
        );
    }
}
