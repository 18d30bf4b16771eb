//! The share page as a browser receives it: every value escaped, no script, and a
//! Content-Security-Policy that allows its one inline style and nothing else. The page in
//! a real browser, CSP enforced: tests/tests/share.rs (under `spin up`, in Chromium).

mod support;

use base64::Engine;
use fin_documents::html::{content_security_policy, share_page, Links};
use fin_documents::model::Status;
use sha2::{Digest, Sha256};
use support::sample;

const LINKS: Links<'static> = Links {
    pdf: "/share/t/pdf",
    xml: Some("/share/t/xml"),
    logo: None,
    expires_at: Some("2027-01-01T00:00:00Z"),
    pay: None,
    paying: false,
};

#[test]
fn pay_now_shows_the_balance_only_when_card_payments_are_offered() {
    let invoice = sample();
    let page = share_page(&invoice, &LINKS).expect("page");
    assert!(!page.contains("Pay "), "no button without card payments");
    let page = share_page(
        &invoice,
        &Links {
            pay: Some("/share/t/pay"),
            ..LINKS
        },
    )
    .expect("page");
    let balance = fin_documents::amount::format(invoice.balance_due, invoice.currency.minor_digits);
    assert!(
        page.contains(&format!(
            "href=\"/share/t/pay\" rel=\"nofollow\">Pay {balance} {} now by card</a>",
            invoice.currency.code
        )),
        "{page}"
    );
    let page = share_page(
        &invoice,
        &Links {
            paying: true,
            ..LINKS
        },
    )
    .expect("page");
    assert!(page.contains("your payment is being confirmed"));
}

#[test]
fn the_page_shows_the_invoice_and_its_downloads() {
    let page = share_page(&sample(), &LINKS).expect("page");
    for expected in [
        "<title>Invoice INV-2026-0042 from Zoë Ørsted Design</title>",
        "Σοφία &#38; Дмитрий GmbH",
        "Logo design, three rounds of revisions",
        "1,000.00",
        "Tax 19 % on 950.00",
        "Balance due EUR",
        "DK50 0040 0440 1162 43",
        "href=\"/share/t/pdf\"",
        "href=\"/share/t/xml\"",
        "until 2027-01-01 (UTC)",
    ] {
        assert!(page.contains(expected), "{expected:?} not in:\n{page}");
    }
    assert!(!page.contains("<script"), "no script at all");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing from another origin"
    );
}

#[test]
fn the_policy_allows_exactly_the_pages_style() {
    let page = share_page(&sample(), &LINKS).expect("page");
    let style = page
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(style, _)| style)
        .expect("one inline style");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style));
    let policy = content_security_policy();
    assert!(
        policy.contains(&format!("style-src 'sha256-{hash}'")),
        "{policy}"
    );
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(!policy.contains("unsafe"), "{policy}");
}

#[test]
fn hostile_names_are_text_and_states_are_said() {
    let mut invoice = sample();
    invoice.buyer.name = "<img src=x onerror=alert(1)> \u{202E}evil".into();
    invoice.notes = Some("</style><script>alert(2)</script>".into());
    invoice.status = Status::Void;
    let page = share_page(&invoice, &Links { xml: None, ..LINKS }).expect("page");
    assert!(
        !page.contains("<img") && !page.contains("<script"),
        "{page}"
    );
    assert!(
        page.contains("&#60;img src=x onerror=alert(1)&#62;"),
        "{page}"
    );
    assert!(page.contains("Void: this invoice was cancelled"), "{page}");
    assert!(
        !page.contains("/share/t/xml"),
        "no e-invoice offered when there is none"
    );
}

#[test]
fn a_zero_rate_says_why_no_tax_is_charged() {
    let mut invoice = sample();
    // A Danish seller, a German business with a VAT id: a reverse charge at 0 %.
    invoice.taxes[1].rate = "0".into();
    invoice.lines[1].tax_rate = "0".into();
    let page = share_page(&invoice, &LINKS).expect("page");
    assert!(
        page.contains("Tax 0 % on 190.00 — Reverse charge"),
        "{page}"
    );
    assert!(
        page.contains("Tax 19 % on 950.00<"),
        "a standard rate needs no word"
    );
}

#[test]
fn the_logo_is_shown_from_the_pages_own_origin() {
    let mut invoice = sample();
    invoice.logo = Some(support::logo(300, 100));
    let page = share_page(
        &invoice,
        &Links {
            logo: Some("/share/t/logo"),
            ..LINKS
        },
    )
    .expect("page");
    assert!(
        page.contains("<img class=\"logo\" src=\"/share/t/logo\" width=\"180\" height=\"60\""),
        "{page}"
    );
}
