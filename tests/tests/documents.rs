//! `GET /invoices/{id}/pdf` under `spin up`: the documents component reads the invoice
//! (and for a draft the current profile and client) from the API with the caller's
//! token and renders it. Checked as a reader sees the file: pdftotext, pdfinfo, qpdf.
//! Bad tokens, other users' ids and hostile path ids reach it through hostile.rs and
//! text_input.rs, which take their operations from the spec.

use std::sync::OnceLock;

use fin_e2e::contract::spec;
use fin_e2e::pdf::{text, tool};
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
    let etag = first.header("etag").unwrap_or_default().to_owned();
    assert!(
        etag.starts_with("\"1-") && etag.ends_with("-a4\""),
        "version 1, a digest of the profile and client it was drawn with, A4 for a GB seller: {etag}"
    );
    let disposition = first.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.starts_with("inline; filename=\"INV-"),
        "{disposition}"
    );
    let shown = text(&first.bytes, "documents-draft.pdf");
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
    let check = tool("qpdf", &["--check"], &first.bytes, "documents-draft.pdf");
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
    assert_eq!(
        letter.header("etag"),
        Some(etag.replace("-a4\"", "-letter\"").as_str())
    );
    let info = tool("pdfinfo", &[], &letter.bytes, "documents-letter.pdf");
    assert!(info.contains("612 x 792"), "{info}");

    // Sent: the seller and buyer it froze, whatever changes later.
    user.act(&draft, "send");
    let mut renamed = profile.clone();
    renamed["legal_name"] = json!("Ada King");
    let put = user.call("PUT", "/business-profile").json(&renamed).send();
    assert_eq!(put.status, 200, "{}", put.body);
    let sent = text(&pdf(&user, &draft, "").bytes, "documents-sent.pdf");
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
    let paid = text(&pdf(&user, &draft, "").bytes, "documents-paid.pdf");
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
    let shown = text(&pdf(&user, &invoice, "").bytes, "documents-plain.pdf");
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

/// A Berlin seller's business profile, complete enough for EN 16931 (a German VAT id,
/// an address, an e-mail, an IBAN), put for `user`; the profile is returned for changes.
fn berlin_seller(user: &User) -> serde_json::Value {
    let profile = json!({
        "legal_name": "Zoë Ørsted ApS", "tax_id": "DE811907980", "email": "zoe@orsted.example",
        "address": {"line1": "Torstraße 1", "postal_code": "10119", "city": "Berlin", "country": "DE"},
        "iban": "DE89370400440532013000"
    });
    let put = user.call("PUT", "/business-profile").json(&profile).send();
    assert_eq!(put.status, 201, "{}", put.body);
    profile
}

/// A profile and a client complete enough for an e-invoice: VAT ids, addresses, e-mail.
fn einvoicing_user(tag: &str) -> (User, String) {
    let user = User::sign_up(app(), tag);
    berlin_seller(&user);
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Σοφία & Дмитрий", "company": "Nordlicht AB", "default_currency": "EUR",
                "email": "ap@nordlicht.example", "tax_id": "SE556036079301",
                "peppol_id": "0007:5567031702",
                "address": {"line1": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm", "country": "SE"}}),
    ));
    (user, client)
}

/// What the owner's API says of an invoice's e-invoice profile.
fn einvoice_profile(user: &User, invoice: &str) -> serde_json::Value {
    let reply = user.get(&format!("/invoices/{invoice}/einvoice"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

#[test]
fn the_e_invoice_claims_peppol_only_when_it_can_meet_it_and_says_what_is_missing() {
    let user = User::sign_up(app(), "peppol");
    let mut profile = berlin_seller(&user);
    // A German client reached by e-mail only.
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Kunde GmbH", "email": "ap@kunde.example", "default_currency": "EUR",
                "address": {"line1": "Hauptstr. 1", "postal_code": "80331", "city": "München", "country": "DE"}}),
    ));
    let invoice = id(&user.created(
        "/invoices",
        &json!({"client_id": client, "lines": [
            {"description": "Design", "quantity": "2", "unit_price": 50000, "tax_rate": "19"}
        ]}),
    ));
    let answer = einvoice_profile(&user, &invoice);
    assert_eq!(answer["profile"], "en16931", "{answer}");
    let gaps: Vec<(&str, &str)> = answer["peppol_gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .map(|g| {
            (
                g["rule"].as_str().unwrap_or(""),
                g["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        gaps,
        [
            ("PEPPOL-EN16931-R010", "buyer.peppol_id"),
            ("DE-R-005", "seller.contact_name"),
            ("DE-R-006", "seller.phone")
        ]
    );
    let plain = user.get(&format!("/invoices/{invoice}/xml"));
    assert!(plain
        .body
        .contains("<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"));
    assert!(
        plain.body.contains("schemeID=\"EM\">ap@kunde.example<"),
        "{}",
        plain.body
    );
    fin_e2e::ubl::conforms("plain-en16931", &plain.bytes).expect("a valid EN 16931 document");

    // What the gaps name, filled in: a Peppol document that Germany's rules accept.
    profile["contact_name"] = json!("Zoë Ørsted");
    profile["phone"] = json!("+49 30 1234567");
    let put = user.call("PUT", "/business-profile").json(&profile).send();
    assert_eq!(put.status, 200, "{}", put.body);
    let patch = user
        .call("PATCH", &format!("/clients/{client}"))
        .json(&json!({"peppol_id": "9930:DE129273398"}))
        .send();
    assert_eq!(patch.status, 200, "{}", patch.body);
    let answer = einvoice_profile(&user, &invoice);
    assert_eq!(answer["profile"], "peppol-bis-3", "{answer}");
    assert_eq!(answer["peppol_gaps"], json!([]));
    user.act(&invoice, "send");
    let peppol = user.get(&format!("/invoices/{invoice}/xml"));
    assert!(
        peppol
            .body
            .contains("poacc:billing:3.0</cbc:CustomizationID>"),
        "{}",
        peppol.body
    );
    assert!(peppol
        .body
        .contains("<cbc:Telephone>+49 30 1234567</cbc:Telephone>"));
    assert!(peppol.body.contains("schemeID=\"9930\">DE129273398<"));
    fin_e2e::ubl::conforms("peppol-german", &peppol.bytes)
        .expect("Peppol BIS 3.0 with Germany's rules");
    // The sent invoice froze both: the client's id going away changes nothing issued.
    user.call("PATCH", &format!("/clients/{client}"))
        .json(&json!({"peppol_id": null}))
        .send();
    assert_eq!(einvoice_profile(&user, &invoice)["profile"], "peppol-bis-3");

    // Bad ids are refused where they are typed, naming the field.
    let bad = user
        .call("PATCH", &format!("/clients/{client}"))
        .json(&json!({"peppol_id": "0088:5790000435967"}))
        .send();
    assert_eq!(bad.problem(422)["errors"][0]["field"], "peppol_id");
    // Someone else's invoice, a bad token, a query: as for the e-invoice itself.
    let other = User::sign_up(app(), "peppol-other");
    assert_eq!(
        other.get(&format!("/invoices/{invoice}/einvoice")).status,
        404
    );
    let path = format!("/invoices/{invoice}/einvoice");
    user.http.get(&path).send().problem(401);
    user.http.get(&path).bearer("forged").send().problem(401);
    assert_eq!(
        user.get(&format!("/invoices/{invoice}/einvoice?x=1"))
            .status,
        422
    );
}

fn invoice_for(user: &User, client: &str) -> String {
    id(&user.created(
        "/invoices",
        &json!({"client_id": client, "discount": {"percent": "5"}, "lines": [
            {"description": "Design <b>&</b> build", "quantity": "12.5", "unit_price": 8000, "tax_rate": "19"},
            {"description": "Licence (reverse charge)", "quantity": "1", "unit_price": 20000}
        ]}),
    ))
}

#[test]
fn the_e_invoice_is_schema_valid_and_accept_chooses_the_representation() {
    let (user, client) = einvoicing_user("einvoice");
    let invoice = invoice_for(&user, &client);
    user.act(&invoice, "send");

    let xml = user.get(&format!("/invoices/{invoice}/xml"));
    assert_eq!(xml.status, 200, "{}", xml.body);
    assert_eq!(xml.header("content-type"), Some("application/xml"));
    if let Err(errors) = fin_e2e::ubl::conforms("sent", &xml.bytes) {
        panic!("{errors}\n{}", xml.body);
    }
    for expected in [
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
        "<cbc:RegistrationName>Zoë Ørsted ApS</cbc:RegistrationName>",
        "<cbc:CompanyID>SE556036079301</cbc:CompanyID>",
        "Design &lt;b&gt;&amp;&lt;/b&gt; build",
        "<cbc:ID>AE</cbc:ID>",
        "<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>",
        "<cbc:PayableAmount currencyID=\"EUR\">1320.50</cbc:PayableAmount>",
    ] {
        assert!(xml.body.contains(expected), "{expected:?} not in:\n{}", xml.body);
    }

    // Accept on the invoice itself: the same bytes as the link forms, JSON otherwise.
    let by_accept = |accept: &str| {
        user.call("GET", &format!("/invoices/{invoice}"))
            .header("accept", accept)
            .send()
    };
    let negotiated = by_accept("application/xml");
    assert_eq!(negotiated.status, 200, "{}", negotiated.body);
    assert_eq!(negotiated.bytes, xml.bytes);
    assert_eq!(negotiated.header("vary"), Some("accept"));
    let pdf_reply = by_accept("application/pdf, application/json;q=0.5");
    assert_eq!(pdf_reply.header("content-type"), Some("application/pdf"));
    assert_eq!(pdf_reply.bytes, pdf(&user, &invoice, "").bytes);
    let json_reply = by_accept("application/json, application/pdf;q=0.1");
    assert_eq!(json_reply.json()["id"], invoice.as_str());
    assert_eq!(json_reply.header("vary"), Some("accept"));

    // The file a client already has is not sent again; a new version is.
    let etag = xml.header("etag").expect("etag").to_owned();
    let again = user
        .call("GET", &format!("/invoices/{invoice}/xml"))
        .header("if-none-match", &etag)
        .send();
    assert_eq!(again.status, 304);
    assert!(again.bytes.is_empty());
    let pdf_etag = pdf_reply.header("etag").expect("etag").to_owned();
    let unchanged = user
        .call("GET", &format!("/invoices/{invoice}"))
        .header("accept", "application/pdf")
        .header("if-none-match", &pdf_etag)
        .send();
    assert_eq!(unchanged.status, 304, "through the negotiation too");
    user.post(
        &format!("/invoices/{invoice}/payments"),
        &json!({"amount": 10_000}),
    );
    let paid = user
        .call("GET", &format!("/invoices/{invoice}/xml"))
        .header("if-none-match", &etag)
        .send();
    assert_eq!(paid.status, 200, "a payment is a new version");
    assert!(paid
        .body
        .contains("<cbc:PrepaidAmount currencyID=\"EUR\">100.00</cbc:PrepaidAmount>"));
}

#[test]
fn a_drafts_documents_change_with_the_profile_they_show() {
    let (user, client) = einvoicing_user("einvoice-draft");
    let draft = invoice_for(&user, &client);
    let first = pdf(&user, &draft, "");
    let etag = first.header("etag").expect("etag").to_owned();
    let same = user
        .call("GET", &format!("/invoices/{draft}/pdf"))
        .header("if-none-match", &etag)
        .send();
    assert_eq!(same.status, 304);
    let mut profile = user.get("/business-profile").json();
    for volatile in ["version", "updated_at", "logo"] {
        profile.as_object_mut().expect("object").remove(volatile);
    }
    profile["legal_name"] = json!("Zoë Ørsted Studio ApS");
    let put = user.call("PUT", "/business-profile").json(&profile).send();
    assert_eq!(put.status, 200, "{}", put.body);
    let renamed = user
        .call("GET", &format!("/invoices/{draft}/pdf"))
        .header("if-none-match", &etag)
        .send();
    assert_eq!(
        renamed.status, 200,
        "the draft shows the new name: a new file"
    );
    assert_ne!(renamed.header("etag"), Some(etag.as_str()));
    assert!(text(&renamed.bytes, "documents-renamed.pdf").contains("Zoë Ørsted Studio ApS"));
    // A draft's e-invoice says it is one, and is valid all the same.
    let xml = user.get(&format!("/invoices/{draft}/xml"));
    assert!(xml.body.contains("DRAFT: not issued"), "{}", xml.body);
    fin_e2e::ubl::conforms("draft", &xml.bytes).expect("schema-valid");
}

#[test]
fn an_invoice_en_16931_cannot_carry_says_what_to_fill_in() {
    let app = app();
    let user = User::sign_up(app, "einvoice-incomplete");
    // No profile, a client with neither address nor e-mail, taxed lines.
    let client = user.client("EUR");
    let invoice = id(&user.created(
        "/invoices",
        &json!({"client_id": client, "lines": [
            {"description": "Work", "quantity": "1", "unit_price": 10000, "tax_rate": "19"}
        ]}),
    ));
    user.act(&invoice, "send");
    let reply = user.get(&format!("/invoices/{invoice}/xml"));
    let problem = reply.problem(409);
    assert_eq!(problem["type"], "/problems/einvoice-incomplete");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    for field in ["seller.tax_id", "seller.address", "buyer.address"] {
        assert!(fields.contains(&field), "{field} not named: {problem}");
    }
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("[")),
        "each message names its rule: {problem}"
    );
    let negotiated = user
        .call("GET", &format!("/invoices/{invoice}"))
        .header("accept", "application/xml")
        .send();
    assert_eq!(negotiated.problem(409)["errors"], problem["errors"]);
    // The PDF needs none of it.
    pdf(&user, &invoice, "");
    // Refused tokens and other users' invoices, through the negotiation as well.
    let intruder = User::sign_up(app, "einvoice-intruder");
    intruder
        .call("GET", &format!("/invoices/{invoice}"))
        .header("accept", "application/pdf")
        .send()
        .problem(404);
    user.http
        .get(&format!("/invoices/{invoice}"))
        .header("accept", "application/xml")
        .send()
        .problem(401);
    user.get(&format!("/invoices/{invoice}/xml?paper=a4"))
        .problem(422);
}
