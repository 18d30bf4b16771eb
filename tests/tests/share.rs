//! Share links under `spin up`: a sent invoice's page, PDF and e-invoice for whoever
//! holds the link, with no login — and nothing for anyone else: a guessed, malformed,
//! expired or revoked link, another freelancer's invoice or a draft all end the same
//! way. The page is loaded in headless Chromium with its CSP enforced, and a violation
//! fails the test.

use std::sync::OnceLock;

use fin_e2e::browser;
use fin_e2e::{id, App, AppOptions, Reply, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions::new("share", [10, 10, 10]))
}

/// A freelancer with a business profile and a client whose invoice they sent.
struct Seller {
    user: User,
    client: String,
    invoice: String,
}

fn seller(tag: &str, client_name: &str) -> Seller {
    let user = User::sign_up(app(), tag);
    let put = user
        .call("PUT", "/business-profile")
        .json(&json!({
            "legal_name": "Zoë Ørsted ApS", "tax_id": "DE811907980", "email": "zoe@orsted.example",
            "address": {"line1": "Torstraße 1", "postal_code": "10119", "city": "Berlin", "country": "DE"},
            "iban": "DE89370400440532013000"
        }))
        .send();
    assert_eq!(put.status, 201, "{}", put.body);
    let client = id(&user.created(
        "/clients",
        &json!({"name": client_name, "default_currency": "EUR", "email": "ap@client.example",
                "tax_id": "DE136695976",
                "address": {"line1": "Ring 1", "postal_code": "80331", "city": "München", "country": "DE"}}),
    ));
    let invoice = id(&user.created(
        "/invoices",
        &json!({"client_id": client, "notes": "Thank you!", "lines": [
            {"description": "Illustration, three rounds", "quantity": "3", "unit_price": 15000, "tax_rate": "19"}
        ]}),
    ));
    user.act(&invoice, "send");
    Seller {
        user,
        client,
        invoice,
    }
}

fn share(user: &User, invoice: &str, body: &Value) -> Value {
    user.created(&format!("/invoices/{invoice}/share"), body)
}

/// The link's path (`/share/<token>`), from its `url`.
fn path(link: &Value) -> String {
    let url = link["url"].as_str().expect("url");
    url[url.find("/share/").expect("/share/")..].to_owned()
}

fn open(path: &str) -> Reply {
    app().client().get(path).send()
}

/// The links `user` has (other tests run beside this one).
fn share_rows(user: &User) -> i64 {
    app()
        .db()
        .query_one(
            "SELECT count(*) FROM share_links WHERE owner_id::text = $1",
            &[&user.user_id()],
        )
        .expect("count")
        .get(0)
}

#[test]
fn a_link_opens_the_invoice_its_pdf_and_its_e_invoice_to_anyone_who_has_it() {
    let s = seller("share", "Acme Maschinenbau GmbH");
    let other_client = id(&s.user.created(
        "/clients",
        &json!({"name": "Another Client Nobody Should See", "default_currency": "EUR"}),
    ));
    s.user.draft(&other_client, 99_999);

    let link = share(&s.user, &s.invoice, &json!({"expires_in_days": 7}));
    assert_eq!(link["state"], "active");
    assert!(link["url"]
        .as_str()
        .is_some_and(|u| u.starts_with(&app().base_url)));
    let page = open(&path(&link));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.starts_with("default-src 'none'") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    for expected in [
        "INV-",
        "Zoë Ørsted ApS",
        "Acme Maschinenbau GmbH",
        "Illustration, three rounds",
        "450.00",
        "535.50",
        "Thank you!",
        "DE89 3704 0044 0532 0130 00",
    ] {
        assert!(page.body.contains(expected), "{expected:?} not on the page");
    }
    // Nothing else of the freelancer's: no other client, no ids, no script.
    for absent in [
        "Another Client Nobody Should See",
        s.invoice.as_str(),
        s.client.as_str(),
        "<script",
    ] {
        assert!(!page.body.contains(absent), "{absent:?} is on the page");
    }

    assert!(
        !page.body.contains("<img"),
        "sent before there was a logo: none"
    );
    open(&format!("{}/logo", path(&link))).problem(404);

    let pdf = open(&format!("{}/pdf", path(&link)));
    assert_eq!(pdf.status, 200, "{}", pdf.body);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let owners = s.user.get(&format!("/invoices/{}/pdf", s.invoice));
    assert_eq!(pdf.bytes, owners.bytes, "the client gets the owner's PDF");
    let xml = open(&format!("{}/xml", path(&link)));
    assert_eq!(xml.status, 200, "{}", xml.body);
    fin_e2e::ubl::conforms("shared", &xml.bytes).expect("schema-valid");
    let etag = xml.header("etag").expect("etag").to_owned();
    let again = app()
        .client()
        .get(&format!("{}/xml", path(&link)))
        .header("if-none-match", &etag)
        .send();
    assert_eq!(again.status, 304);

    // An invoice sent with a logo shows it, from the page's own origin.
    let logo = fin_e2e::images::png(240, 80, 7);
    let put = s
        .user
        .call("PUT", "/business-profile/logo")
        .raw("image/png", logo.clone())
        .send();
    assert_eq!(put.status, 200, "{}", put.body);
    let with_logo = id(&s.user.draft(&s.client, 5_000));
    s.user.act(&with_logo, "send");
    let link = share(&s.user, &with_logo, &json!({}));
    let page = open(&path(&link));
    assert!(
        page.body
            .contains(&format!("<img class=\"logo\" src=\"{}/logo\"", path(&link))),
        "{}",
        page.body
    );
    let shown = open(&format!("{}/logo", path(&link)));
    assert_eq!(shown.header("content-type"), Some("image/png"));
    assert_eq!(shown.bytes, logo);

    // The page in a real browser: its CSP enforced, and nothing it does breaks it.
    let loaded = browser::load(link["url"].as_str().expect("url"));
    let violations: Vec<&String> = loaded
        .console
        .iter()
        .filter(|l| l.contains("Content Security Policy"))
        .collect();
    assert!(violations.is_empty(), "CSP violations: {violations:#?}");
    assert!(loaded.dom.contains("Zoë Ørsted ApS"), "{}", loaded.dom);
    assert!(loaded.dom.contains("The e-invoice"), "the XML is offered");
    assert!(
        loaded.dom.contains("<img class=\"logo\""),
        "the logo is not blocked"
    );
}

#[test]
fn every_link_that_does_not_open_is_the_same_404() {
    let s = seller("share-closed", "Closed Ltd");
    let expired = share(&s.user, &s.invoice, &json!({}));
    let revoked = share(&s.user, &s.invoice, &json!({}));
    app()
        .db()
        .execute(
            "UPDATE share_links SET expires_at = now() - interval '1 second' WHERE id = $1::text::uuid",
            &[&id(&expired)],
        )
        .expect("expire");
    let gone = s.user.delete(&format!(
        "/invoices/{}/share-links/{}",
        s.invoice,
        id(&revoked)
    ));
    assert_eq!(gone.status, 204);
    let guessed = format!("/share/{}", "A".repeat(43));
    let bodies: Vec<String> = [
        guessed.clone(),
        path(&expired),
        path(&revoked),
        "/share/too-short".into(),
        format!("/share/{}%00", "a".repeat(40)),
        format!("{}/pdf", path(&revoked)),
        format!("{}/xml", path(&expired)),
    ]
    .iter()
    .map(|p| {
        let reply = open(p);
        reply.problem(404);
        reply.json()["detail"].to_string()
    })
    .collect();
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "no oracle between them: {bodies:#?}"
    );
    // The internal routes that answer for a link (sharing's) and for the invoice it shows
    // (billing's) are not reachable from outside.
    let token = path(&share(&s.user, &s.invoice, &json!({})))
        .trim_start_matches("/share/")
        .to_owned();
    open(&format!("/internal/shares/{token}")).problem(404);
    open(&format!(
        "/internal/issued-invoices/{}/{}",
        s.user.user_id(),
        s.invoice
    ))
    .problem(404);
}

#[test]
fn drafts_other_owners_and_too_many_links_are_refused_and_write_nothing() {
    let s = seller("share-refused", "Refused GmbH");
    let draft = id(&s.user.draft(&s.client, 1_000));
    let before = share_rows(&s.user);
    let refused = s.user.post(&format!("/invoices/{draft}/share"), &json!({}));
    assert_eq!(refused.problem(409)["current_status"], "draft");

    let intruder = User::sign_up(app(), "share-intruder");
    intruder
        .post(&format!("/invoices/{}/share", s.invoice), &json!({}))
        .problem(404);
    intruder
        .get(&format!("/invoices/{}/share-links", s.invoice))
        .problem(404);
    for bad in [
        json!({"expires_in_days": 0}),
        json!({"expires_in_days": 366}),
        json!({"expires_in_days": "7"}),
        json!({"expires_in_days": 1.5}),
        json!({"token": "mine"}),
        json!([]),
    ] {
        s.user
            .post(&format!("/invoices/{}/share", s.invoice), &bad)
            .problem(422);
    }
    let malformed = s
        .user
        .call("POST", &format!("/invoices/{}/share", s.invoice))
        .raw("application/json", b"{\"expires_in_days\":".to_vec())
        .send();
    malformed.problem(400);
    let oversized = s
        .user
        .call("POST", &format!("/invoices/{}/share", s.invoice))
        .raw("application/json", vec![b' '; 20_000])
        .send();
    oversized.problem(413);
    s.user
        .http
        .post(&format!("/invoices/{}/share", s.invoice))
        .send()
        .problem(401);
    s.user
        .http
        .post(&format!("/invoices/{}/share", s.invoice))
        .bearer(&s.user.expired_token())
        .send()
        .problem(401);
    assert_eq!(share_rows(&s.user), before, "a refused request wrote");

    // A link of the victim's stays working whatever the intruder tries on it.
    let link = share(&s.user, &s.invoice, &json!({}));
    let revoke = format!("/invoices/{}/share-links/{}", s.invoice, id(&link));
    intruder.delete(&revoke).problem(404);
    for bad in ["%00", "a%00b", "not-a-uuid"] {
        s.user
            .delete(&format!("/invoices/{}/share-links/{bad}", s.invoice))
            .problem(404);
    }
    assert_eq!(open(&path(&link)).status, 200);

    // At most 20 working links per invoice (one is made above).
    for _ in 1..20 {
        share(&s.user, &s.invoice, &json!({}));
    }
    s.user
        .post(&format!("/invoices/{}/share", s.invoice), &json!({}))
        .problem(409);
    assert_eq!(s.user.delete(&revoke).status, 204);
    share(&s.user, &s.invoice, &json!({}));
}

#[test]
fn links_are_listed_revoked_once_and_a_void_invoice_says_so() {
    let s = seller("share-list", "Listed SARL");
    let first = share(&s.user, &s.invoice, &json!({}));
    // No body at all takes the defaults too.
    let second = s
        .user
        .call("POST", &format!("/invoices/{}/share", s.invoice))
        .send();
    assert_eq!(second.status, 201, "{}", second.body);
    let second = second.json();
    let list = s.user.get(&format!("/invoices/{}/share-links", s.invoice));
    let items = list.json()["items"].as_array().cloned().expect("items");
    assert_eq!(
        items.iter().map(id).collect::<Vec<_>>(),
        [id(&second), id(&first)],
        "newest first"
    );
    assert!(
        items.iter().all(|l| l.get("url").is_none()),
        "tokens are shown once"
    );
    let revoke = format!("/invoices/{}/share-links/{}", s.invoice, id(&first));
    assert_eq!(s.user.delete(&revoke).status, 204);
    assert_eq!(
        s.user.delete(&revoke).status,
        204,
        "revoking twice is harmless"
    );
    let list = s
        .user
        .get(&format!("/invoices/{}/share-links", s.invoice))
        .json();
    assert_eq!(list["items"][1]["state"], "revoked");
    assert_eq!(list["items"][0]["state"], "active");
    open(&path(&first)).problem(404);

    s.user.act(&s.invoice, "void");
    let page = open(&path(&second));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Void: this invoice was cancelled"),
        "{}",
        page.body
    );
}

#[test]
fn hostile_names_on_the_page_stay_text() {
    let s = seller(
        "share-hostile",
        "<img src=x onerror=alert(1)> \u{202E}evil\u{200B}",
    );
    let link = share(&s.user, &s.invoice, &json!({}));
    let page = open(&path(&link));
    assert!(!page.body.contains("<img"), "{}", page.body);
    let loaded = browser::load(link["url"].as_str().expect("url"));
    assert!(!loaded.dom.contains("<img"), "no element was made of it");
    assert!(
        loaded.dom.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{}",
        loaded.dom
    );
    assert!(
        !loaded
            .console
            .iter()
            .any(|l| l.contains("Content Security Policy")),
        "{:#?}",
        loaded.console
    );
}
