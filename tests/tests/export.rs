//! Exporting an account under `spin up`, with the projector and the mailer running: the
//! ZIP holds every row the account owns in Postgres — each table with an owner column is
//! either found in the export, id for id, or named here with the reason it is left out —
//! and nothing of another account. Bad requests get their 4xx and no archive.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::sync::OnceLock;

use fin_e2e::contract::spec;
use fin_e2e::shared::{mail, redis};
use fin_e2e::{id, App, AppOptions, Fixture, Reply, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "export",
        redis_dbs: [13, 14, 14],
        events_redis: Some(redis()),
        kv_redis: Some(redis()),
        mail: Some(mail()),
        ..AppOptions::default()
    })
}

/// An export's entries by name.
struct Export(BTreeMap<String, Vec<u8>>);

impl Export {
    fn of(user: &User) -> Export {
        let reply = user.get("/account/export");
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.header("content-type"), Some("application/zip"));
        assert!(reply
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment; filename=\"fin-freelancer-export-")));
        let mut zip = zip::ZipArchive::new(Cursor::new(reply.bytes)).expect("a whole ZIP");
        let mut entries = BTreeMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("entry reads");
            entries.insert(entry.name().to_owned(), bytes);
        }
        Export(entries)
    }

    fn json(&self, name: &str) -> Value {
        let bytes = self
            .0
            .get(name)
            .unwrap_or_else(|| panic!("{name} in {:?}", self.names()));
        serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn names(&self) -> Vec<&String> {
        self.0.keys().collect()
    }

    /// The `field` of every element of the JSON arrays in files `matching`.
    fn ids(&self, matching: impl Fn(&str) -> bool, field: &str) -> BTreeSet<String> {
        self.0
            .keys()
            .filter(|name| matching(name))
            .flat_map(|name| self.json(name).as_array().cloned().unwrap_or_default())
            .filter_map(|element| element[field].as_str().map(str::to_owned))
            .collect()
    }

    /// The rows of a CSV file, header first.
    fn csv(&self, name: &str) -> Vec<Vec<String>> {
        let bytes = self.0.get(name).unwrap_or_else(|| panic!("{name}"));
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice())
            .records()
            .map(|row| row.expect("a CSV row").iter().map(str::to_owned).collect())
            .collect()
    }
}

/// The ids (`column` as text) of `table`'s rows of `owner`.
fn rows(table: &str, column: &str, id: &str, owner: &str) -> BTreeSet<String> {
    app()
        .db()
        .query(
            &format!("SELECT {id}::text FROM {table} WHERE {column} = $1::text::uuid"),
            &[&owner],
        )
        .expect("rows")
        .iter()
        .map(|row| row.get(0))
        .collect()
}

/// Tables the export leaves out, and why: secrets, the app's own bookkeeping, and what is
/// computed from what the export holds.
const LEFT_OUT: &[(&str, &str)] = &[
    (
        "account_mail",
        "the app's own e-mails to the account holder: in their mailbox, their links secrets",
    ),
    ("account_tokens", "hashes of the links in those e-mails"),
    (
        "refresh_tokens",
        "hashes of sign-in cookies (sessions.json lists the sessions)",
    ),
    ("login_tickets", "minutes-lived second-step tickets"),
    ("two_factor", "the authenticator secret"),
    ("recovery_codes", "hashes of recovery codes"),
    ("idempotency_keys", "replay records of requests"),
    ("quote_idempotency_keys", "replay records of requests"),
    ("recurring_idempotency_keys", "replay records of requests"),
    (
        "invoice_counters",
        "the next invoice number, read off invoices.json",
    ),
    (
        "credit_note_counters",
        "the next credit-note number, read off invoices.json",
    ),
    (
        "quote_mail",
        "the quotes' e-mails: each sent one to the address in quotes.json's emailed_to, each answer's to you, in quotes.json",
    ),
    (
        "quote_counters",
        "the next quote number, read off quotes.json",
    ),
    (
        "outbox",
        "events between contexts, already applied to what is exported",
    ),
    (
        "delivery_invoices",
        "the delivery context's copy of invoice facts",
    ),
    (
        "recurring_runs",
        "the periods' record: each invoice made is in invoices.json, the newest periods in recurring-invoices.json",
    ),
];

/// The `id`s of the objects an array of `items` holds under `path`, an array in an array:
/// `["credit_notes", "refunds"]` is every refund of every credit note of every item.
fn nested_ids(items: &Value, path: &[&str]) -> BTreeSet<String> {
    let mut level: Vec<Value> = items.as_array().cloned().unwrap_or_default();
    for key in path {
        level = level
            .iter()
            .flat_map(|item| item[*key].as_array().cloned().unwrap_or_default())
            .collect();
    }
    level
        .iter()
        .filter_map(|item| item["id"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn the_export_holds_every_row_the_account_owns_and_none_of_another() {
    let mine = Fixture::busy(app(), "exporter");
    let theirs = Fixture::busy(app(), "bystander");
    // Paid, then credited, then the credit paid back: a refund to export.
    let refunded = id(&mine.user.sent_invoice("EUR", 10_000));
    let paid = mine.user.post(
        &format!("/invoices/{refunded}/payments"),
        &json!({"amount": 10_000}),
    );
    assert_eq!(paid.status, 201, "{}", paid.body);
    let credited = mine.user.created(
        &format!("/invoices/{refunded}/credit-notes"),
        &json!({"amount": 1_000}),
    );
    let note = id(&credited["credit_notes"][0]);
    mine.user.created(
        &format!("/invoices/{refunded}/credit-notes/{note}/refunds"),
        &json!({"amount": 1_000, "method": "bank transfer"}),
    );
    app().settle();
    let owner = mine.user.user_id();
    let export = Export::of(&mine.user);

    for (table, column) in app().owned_tables() {
        let owned = |id: &str| rows(&table, &column, id, &owner);
        let exported = match table.as_str() {
            "clients" => export.ids(|n| n == "clients.json", "id"),
            "catalogue_items" => export.ids(|n| n == "items.json", "id"),
            "recurring_templates" => export.ids(|n| n == "recurring-invoices.json", "id"),
            "quotes" => export.ids(|n| n == "quotes.json", "id"),
            "quote_links" => nested_ids(&export.json("quotes.json"), &["links"]),
            "invoices" => export.ids(|n| n == "invoices.json", "id"),
            "payments" => nested_ids(&export.json("invoices.json"), &["payments"]),
            "credit_notes" => nested_ids(&export.json("invoices.json"), &["credit_notes"]),
            "credit_note_refunds" => {
                nested_ids(&export.json("invoices.json"), &["credit_notes", "refunds"])
            }
            "deliveries" => export.ids(|n| n.ends_with(".deliveries.json"), "id"),
            "share_links" => export.ids(|n| n.ends_with(".share-links.json"), "id"),
            "security_events" => export.ids(|n| n == "security-log.json", "id"),
            "sessions" => export.ids(|n| n == "sessions.json", "id"),
            "provider_events" => export.ids(|n| n == "stripe-payments.json", "event_id"),
            "business_logos" => export
                .0
                .keys()
                .filter_map(|n| n.strip_prefix("logos/"))
                .map(|n| n.split('.').next().unwrap_or_default().to_owned())
                .collect(),
            "business_profiles" | "delivery_settings" | "stripe_connections" => {
                let file = match table.as_str() {
                    "business_profiles" => "business-profile.json",
                    "delivery_settings" => "delivery-settings.json",
                    _ => "stripe-connection.json",
                };
                let held = !owned(&column).is_empty();
                assert!(
                    !held || export.0.contains_key(file),
                    "{table}: {file} missing"
                );
                continue;
            }
            t if t.starts_with("analytics_") => continue, // computed from invoices and payments
            t if LEFT_OUT.iter().any(|(left, _)| *left == t) => continue,
            other => {
                panic!("decide whether the export holds `{other}` (or add it to LEFT_OUT with why)")
            }
        };
        let id = match table.as_str() {
            "provider_events" => "event_id",
            "business_logos" => "sha256",
            _ => "id",
        };
        assert_eq!(
            exported,
            owned(id),
            "{table}: the export and Postgres differ"
        );
    }
    for (table, at_least) in [
        ("invoices", 2),
        ("clients", 1),
        ("payments", 1),
        ("credit_notes", 1),
        ("credit_note_refunds", 1),
        ("recurring_templates", 1),
        ("quotes", 1),
        ("quote_links", 1),
        ("share_links", 1),
        ("business_logos", 1),
        ("security_events", 1),
    ] {
        let column = if table == "security_events" {
            "user_id"
        } else {
            "owner_id"
        };
        let id = if table == "business_logos" {
            "sha256"
        } else {
            "id"
        };
        assert!(
            rows(table, column, id, &owner).len() >= at_least,
            "the fixture owns {table}"
        );
    }

    // Nothing of the other account, anywhere in any file.
    let strangers = [
        theirs.client.as_str(),
        theirs.sent.as_str(),
        theirs.draft.as_str(),
        theirs.link.as_str(),
    ];
    for (name, bytes) in &export.0 {
        let text = String::from_utf8_lossy(bytes);
        for stranger in strangers {
            assert!(
                !text.contains(stranger),
                "{name} holds {stranger} of another account"
            );
        }
    }
}

#[test]
fn tables_documents_and_logos_agree_with_the_json() {
    let mine = Fixture::busy(app(), "tables");
    let example = spec()
        .request_example("/clients", "POST")
        .expect("the spec's client example");
    let client = id(&mine.user.created("/clients", &example));
    let e_invoiced = id(&mine
        .user
        .act(&id(&mine.user.draft(&client, 20_000)), "send"));
    app().settle();
    let export = Export::of(&mine.user);
    let invoices = export.json("invoices.json");
    let invoices = invoices.as_array().expect("an array");
    assert_eq!(invoices.len(), 3, "the draft and the two sent invoices");
    assert_eq!(export.csv("invoices.csv").len(), 1 + invoices.len());
    let lines: usize = invoices
        .iter()
        .map(|i| i["lines"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(export.csv("invoice-lines.csv").len(), 1 + lines);
    assert_eq!(
        export.csv("invoice-payments.csv").len(),
        2,
        "a header and the one payment"
    );
    let credit_notes = export.csv("invoice-credit-notes.csv");
    assert_eq!(credit_notes.len(), 3, "a header and the two credit notes");
    assert!(
        credit_notes[1..].iter().all(|row| row[0] == mine.sent),
        "under their invoice"
    );
    let clients = export.json("clients.json").as_array().map_or(0, Vec::len);
    assert_eq!(export.csv("clients.csv").len(), 1 + clients);
    assert_eq!(
        export.csv("invoices.csv")[0][..3],
        ["id", "number", "status"]
    );

    let sent = invoices
        .iter()
        .find(|i| i["id"] == mine.sent)
        .expect("the sent invoice");
    let number = sent["number"].as_str().expect("number");
    let pdf = &export.0[&format!("invoices/{number}.pdf")];
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    // The e-invoice is there exactly when the API makes one: not for the fixture's
    // client, who has no address (409), but for the spec's example client.
    let refused = mine.user.get(&format!("/invoices/{}/xml", mine.sent));
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(!export.0.contains_key(&format!("invoices/{number}.xml")));
    let carried = invoices
        .iter()
        .find(|i| i["id"] == e_invoiced)
        .and_then(|i| i["number"].as_str())
        .expect("the e-invoiced invoice");
    let made = mine.user.get(&format!("/invoices/{e_invoiced}/xml"));
    assert_eq!(made.status, 200, "{}", made.body);
    fin_e2e::ubl::conforms("exported", &made.bytes).expect("the exported e-invoice");
    assert_eq!(
        export.0[&format!("invoices/{carried}.xml")],
        made.bytes,
        "the e-invoice as the API gives it"
    );
    let draft = invoices
        .iter()
        .find(|i| i["id"] == mine.draft)
        .expect("the draft");
    let draft_number = draft["number"].as_str().expect("number");
    assert!(
        !export
            .0
            .contains_key(&format!("invoices/{draft_number}.pdf")),
        "a draft is not a document yet"
    );
    let shared = export.json(&format!("invoices/{number}.share-links.json"));
    assert_eq!(shared[0]["id"], mine.link.as_str());

    let logo = mine.user.get("/business-profile/logo");
    let sha = export.json("business-profile.json")["logo"]["sha256"]
        .as_str()
        .expect("logo")
        .to_owned();
    assert_eq!(
        export.0[&format!("logos/{sha}.png")],
        logo.bytes,
        "the logo as it was put"
    );
    assert_eq!(
        export.json("account.json")["email"],
        mine.user.get("/auth/profile").json()["email"]
    );
    let readme = String::from_utf8(export.0["README.txt"].clone()).expect("text");
    assert!(readme.contains("tax office"));
}

#[test]
fn an_empty_account_exports_its_empty_tables() {
    let user = User::sign_up(app(), "newcomer");
    let export = Export::of(&user);
    assert_eq!(export.json("invoices.json"), json!([]));
    assert_eq!(export.json("clients.json"), json!([]));
    assert_eq!(export.csv("invoices.csv").len(), 1, "the header alone");
    assert!(!export.0.contains_key("business-profile.json"));
    assert!(
        !export
            .json("security-log.json")
            .as_array()
            .expect("log")
            .is_empty(),
        "the sign-up is logged"
    );
}

fn refused(reply: Reply, status: u16) {
    let problem = reply.problem(status);
    assert!(problem["title"].is_string());
    assert_ne!(reply.header("content-type"), Some("application/zip"));
}

#[test]
fn no_archive_without_a_valid_token_or_for_a_wrong_request() {
    let user = User::sign_up(app(), "guarded");
    let http = app().client();
    refused(http.get("/account/export").send(), 401);
    refused(
        http.get("/account/export").bearer("not.a.token").send(),
        401,
    );
    refused(
        http.get("/account/export")
            .bearer(&user.expired_token())
            .send(),
        401,
    );
    let forged = format!("{}x", user.token);
    refused(http.get("/account/export").bearer(&forged).send(), 401);
    refused(user.get("/account/export?format=csv"), 422);
    refused(user.post("/account/export", &json!({})), 405);

    let logged_out = user.post("/auth/logout", &json!({}));
    assert!(logged_out.status < 300, "{}", logged_out.body);
    refused(user.get("/account/export"), 401);
}

#[test]
fn a_token_of_an_ended_session_gets_no_archive() {
    let user = User::sign_up(app(), "ended");
    let email = user.get("/auth/profile").json()["email"]
        .as_str()
        .expect("email")
        .to_owned();
    let other = app().log_in(&email, fin_e2e::PASSWORD, "another device");
    let ended = app()
        .client()
        .request("DELETE", "/auth/sessions")
        .bearer(&other.token)
        .send();
    assert_eq!(ended.status, 204, "{}", ended.body);
    refused(user.get("/account/export"), 401);
}

#[test]
fn an_export_whose_session_is_not_signed_in_stops_unfinished() {
    // A token the app's key signed for a session that is not (or no longer) signed in:
    // the token check passes, the session check before the first page does not, after
    // the head went out — so the download ends without its last chunk, never as a
    // ZIP that looks whole.
    let user = User::sign_up(app(), "stopped");
    let mut claims = fin_e2e::tokens::claims_for(&user.user_id());
    claims["sid"] = json!("00000000-0000-4000-8000-000000000000");
    let token = fin_e2e::tokens::sign(
        &claims,
        jsonwebtoken::Algorithm::HS256,
        fin_e2e::JWT_SECRET.as_bytes(),
    );
    let reply = app().client().get("/account/export").bearer(&token).send();
    assert_eq!(reply.status, 200, "the head was sent: {}", reply.body);
    assert!(
        zip::ZipArchive::new(Cursor::new(reply.bytes)).is_err(),
        "an export cut short is not a whole archive"
    );
    // The account itself is unharmed.
    assert_eq!(user.get("/auth/profile").status, 200);
}
