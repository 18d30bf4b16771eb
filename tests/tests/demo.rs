//! `make demo` against a running app, as a newcomer runs it: the real `fin-demo`
//! binary, twice. Everything is checked through the API.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::OnceLock;

use fin_e2e::demo::{EMAIL, PASSWORD};
use fin_e2e::shared::{mail, redis};
use fin_e2e::{App, AppOptions, Client};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        events_redis: Some(redis()),
        mail: Some(mail()),
        ..AppOptions::new("demo", [13, 13, 13])
    })
}

fn run_demo() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_fin-demo"))
        .arg(&app().base_url)
        .env("MAIL_URL", mail().url())
        .output()
        .expect("fin-demo");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "fin-demo failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Every page of a list.
fn all(http: &Client, token: &str, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit=100&cursor={c}"),
            None => format!("{path}?limit=100"),
        };
        let page = http.get(&url).bearer(token).send().json();
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

#[test]
fn the_demo_seeds_every_state_through_the_api_and_a_second_run_changes_nothing() {
    let first = run_demo();
    assert!(first.contains(EMAIL) && first.contains("curl"), "{first}");
    assert!(first.contains("accept: application/xml"), "{first}");
    let http = app().client();
    let login = http.post_json(
        "/auth/login",
        &json!({"email": EMAIL, "password": PASSWORD}),
    );
    assert_eq!(login.status, 200, "the printed login works: {}", login.body);
    let token = login.json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned();

    let clients = all(&http, &token, "/clients");
    let invoices = all(&http, &token, "/invoices");
    assert_eq!(clients.len(), 12);
    let catalogue = all(&http, &token, "/items");
    assert_eq!(catalogue.len(), 3, "the catalogue is seeded");
    let recurring = all(&http, &token, "/recurring-invoices");
    assert_eq!(
        (
            recurring.len(),
            &recurring[0]["frequency"],
            &recurring[0]["status"]
        ),
        (1, &json!("monthly"), &json!("active")),
        "a monthly retainer"
    );
    let quotes = all(&http, &token, "/quotes");
    let states: Vec<&Value> = quotes.iter().map(|q| &q["status"]).collect();
    assert_eq!(
        states,
        [
            &json!("draft"),
            &json!("sent"),
            &json!("sent"),
            &json!("declined"),
            &json!("accepted")
        ],
        "quotes in every state (the one valid until today expires tomorrow)"
    );
    assert_eq!(quotes[2]["valid_until"], quotes[2]["issue_date"]);
    assert!(
        quotes[4]["invoice_id"].is_string(),
        "the accepted one is invoiced"
    );
    assert!(
        quotes[1..].iter().all(|q| q["emailed_to"].is_string()),
        "each sent one was e-mailed to the client"
    );
    let countries: std::collections::BTreeSet<&str> = clients
        .iter()
        .filter_map(|c| c["address"]["country"].as_str())
        .collect();
    let currencies: std::collections::BTreeSet<&str> = invoices
        .iter()
        .filter_map(|i| i["currency"].as_str())
        .collect();
    assert!(countries.len() >= 10, "{countries:?}");
    assert!(currencies.len() >= 5, "{currencies:?}");
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for invoice in &invoices {
        let mut status = invoice["status"].as_str().expect("status").to_owned();
        if status == "sent" && invoice["amount_paid"].as_i64() > Some(0) {
            status = "partly paid".into();
        }
        if status == "sent" && invoice["amount_credited"].as_i64() > Some(0) {
            status = "partly credited".into();
        }
        *by_status.entry(status).or_default() += 1;
    }
    for state in [
        "draft",
        "sent",
        "overdue",
        "partly paid",
        "partly credited",
        "paid",
        "void",
    ] {
        assert!(
            by_status.contains_key(state),
            "no {state} invoice: {by_status:?}"
        );
    }
    let issued: Vec<&str> = invoices
        .iter()
        .filter_map(|i| i["issue_date"].as_str())
        .collect();
    let months: std::collections::BTreeSet<&str> = issued.iter().map(|d| &d[..7]).collect();
    assert!(months.len() >= 6, "spread over the year: {months:?}");

    // Every invoice of every state is an e-invoice the official schema and rules accept,
    // and the printed share link opens the newest sent one for anyone.
    let mut documents = Vec::new();
    for invoice in &invoices {
        let id = invoice["id"].as_str().expect("id");
        let xml = http
            .get(&format!("/invoices/{id}"))
            .bearer(&token)
            .header("accept", "application/xml")
            .send();
        assert_eq!(xml.status, 200, "{}: {}", invoice["number"], xml.body);
        let name = format!("demo-{}", invoice["number"].as_str().unwrap_or("x"));
        documents.push((name, xml.bytes.clone()));
    }
    if let Err(errors) = fin_e2e::ubl::all_conform(&documents) {
        panic!("{errors}");
    }
    // Clients Peppol reaches get Peppol documents; the others plain EN 16931 ones.
    let peppol = documents
        .iter()
        .filter(|(_, xml)| {
            String::from_utf8_lossy(xml).contains("poacc:billing:3.0</cbc:CustomizationID>")
        })
        .count();
    assert!(
        peppol > 0 && peppol < documents.len(),
        "{peppol} of {} claim Peppol",
        documents.len()
    );
    let share = first
        .lines()
        .map(str::trim)
        .find(|l| l.contains("/share/"))
        .expect("a share link is printed");
    let page = http
        .get(&share[share.find("/share/").expect("path")..])
        .send();
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Dana Demo Design"), "{}", page.body);

    let second = run_demo();
    assert!(
        second.contains("0 client(s) and 0 invoice(s) created, 0 action(s)"),
        "{second}"
    );
    assert_eq!(
        all(&http, &token, "/clients"),
        clients,
        "no new or changed clients"
    );
    assert_eq!(all(&http, &token, "/items"), catalogue, "no new items");
    assert_eq!(
        all(&http, &token, "/recurring-invoices"),
        recurring,
        "no new retainer"
    );
    assert_eq!(all(&http, &token, "/quotes"), quotes, "no new quotes");
    let again = all(&http, &token, "/invoices");
    assert_eq!(again.len(), invoices.len(), "no new invoices");
    for (before, after) in invoices.iter().zip(&again) {
        assert_eq!(
            before["version"], after["version"],
            "{} untouched",
            before["number"]
        );
    }
}
