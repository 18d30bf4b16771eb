//! `GET /invoices/{id}/pdf` under `spin up`: the documents component reads the invoice
//! (and for a draft the current profile and client) from the API with the caller's
//! token and renders it. Checked as a reader sees the file: pdftotext, pdfinfo, qpdf.
//! Bad tokens, other users' ids and hostile path ids reach it through hostile.rs and
//! text_input.rs, which take their operations from the spec.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use fin_e2e::contract::spec;
use fin_e2e::{id, App, AppOptions, Reply, User};
use serde_json::json;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions::new("documents", [10, 10, 10]))
}

fn pdf(user: &User, invoice: &str, query: &str) -> Reply {
    let reply = user.get(&format!("/invoices/{invoice}/pdf{query}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.bytes.starts_with(b"%PDF-"), "not a PDF");
    reply
}

/// Runs a poppler or qpdf tool on the file and returns what it printed.
fn tool(name: &str, args: &[&str], pdf: &[u8], file: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("documents-e2e");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(file);
    std::fs::write(&path, pdf).expect("write");
    let out = Command::new(name)
        .args(args)
        .arg(&path)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e} (make setup installs poppler-utils and qpdf)"));
    assert!(out.status.success(), "{name}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text(reply: &Reply, file: &str) -> String {
    tool("pdftotext", &["-layout"], &reply.bytes, file)
}

#[test]
fn a_draft_shows_the_current_parties_and_a_sent_invoice_the_frozen_ones() {
    let app = app();
    let user = User::sign_up(app, "documents");
    let profile = spec()
        .request_example("/business-profile", "PUT")
        .expect("example");
    let put = user.call("PUT", "/business-profile").json(&profile).send();
    assert_eq!(put.status, 201, "{}", put.body);
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Дмитрий Σοφία", "default_currency": "JPY", "tax_id": "RU77",
                "address": {"line1": "Tverskaya 1", "city": "Moscow", "country": "RU"}}),
    ));
    let draft = id(&user.created(
        "/invoices",
        &json!({"client_id": client, "lines": [
            {"description": "Illustration — Zoë Ørsted style", "quantity": "3", "unit_price": 15000, "tax_rate": "10"}
        ]}),
    ));

    let first = pdf(&user, &draft, "");
    assert_eq!(
        first.header("etag"),
        Some("\"1-a4\""),
        "GB sellers print on A4"
    );
    let disposition = first.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.starts_with("inline; filename=\"INV-"),
        "{disposition}"
    );
    let shown = text(&first, "draft.pdf");
    for expected in [
        "DRAFT",
        "Lovelace Analytics (Ada Lovelace)",
        "GB82 WEST 1234 5698 7654 32",
        "Дмитрий Σοφία",
        "RU77",
        "Illustration — Zoë Ørsted style",
        "45,000",
        "Tax 10 % on 45,000",
        "49,500",
        "Total JPY",
    ] {
        assert!(shown.contains(expected), "{expected:?} not in:\n{shown}");
    }
    let check = tool("qpdf", &["--check"], &first.bytes, "draft.pdf");
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    assert_eq!(
        pdf(&user, &draft, "").bytes,
        first.bytes,
        "same version, same bytes"
    );

    let letter = pdf(&user, &draft, "?paper=letter");
    assert_eq!(letter.header("etag"), Some("\"1-letter\""));
    let info = tool("pdfinfo", &[], &letter.bytes, "letter.pdf");
    assert!(info.contains("612 x 792"), "{info}");

    // Sent: the seller and buyer it froze, whatever changes later.
    user.act(&draft, "send");
    let mut renamed = profile.clone();
    renamed["legal_name"] = json!("Ada King");
    let put = user.call("PUT", "/business-profile").json(&renamed).send();
    assert_eq!(put.status, 200, "{}", put.body);
    let sent = text(&pdf(&user, &draft, ""), "sent.pdf");
    assert!(!sent.contains("DRAFT"), "{sent}");
    assert!(
        sent.contains("(Ada Lovelace)") && !sent.contains("Ada King"),
        "{sent}"
    );

    // Paid: marked so, with the payment and a zero balance.
    let paid = user
        .call("POST", &format!("/invoices/{draft}/payments"))
        .json(&json!({"amount": 49_500, "method": "bank transfer"}))
        .send();
    assert_eq!(paid.status, 201, "{}", paid.body);
    let paid = text(&pdf(&user, &draft, ""), "paid.pdf");
    assert!(
        paid.contains("PAID") && paid.contains("(bank transfer)"),
        "{paid}"
    );
}

#[test]
fn without_a_profile_the_account_is_the_seller() {
    let app = app();
    let user = User::sign_up(app, "documents-plain");
    let invoice = id(&user.sent_invoice("EUR", 12_345));
    let shown = text(&pdf(&user, &invoice, ""), "plain.pdf");
    let name = user.get("/auth/profile").json()["name"]
        .as_str()
        .expect("name")
        .to_owned();
    assert!(shown.contains(&name), "{name:?} not in:\n{shown}");
    assert!(shown.contains("123.45"), "{shown}");
}

#[test]
fn others_invoices_bad_papers_and_unknown_ids_are_refused() {
    let app = app();
    let owner = User::sign_up(app, "documents-owner");
    let invoice = id(&owner.sent_invoice("EUR", 1_000));
    let intruder = User::sign_up(app, "documents-intruder");
    intruder
        .get(&format!("/invoices/{invoice}/pdf"))
        .problem(404);
    owner
        .get("/invoices/00000000-0000-4000-8000-000000000000/pdf")
        .problem(404);
    let bad = owner.get(&format!("/invoices/{invoice}/pdf?paper=a3"));
    assert_eq!(bad.problem(422)["errors"][0]["field"], "paper");
    owner
        .http
        .get(&format!("/invoices/{invoice}/pdf"))
        .send()
        .problem(401);
}
