//! The invoice as a web page, for the client who opens a share link.
//!
//! Rendered by askama from `templates/share.html`, which escapes every value it prints:
//! a client named `<script>` is text. The page needs nothing but itself — one inline
//! style, allowed by its hash, no script, no font or image from anywhere — so its
//! Content-Security-Policy can forbid everything else.

use std::sync::OnceLock;

use askama::Template;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::amount;
use crate::model::{Invoice, Status};

/// Where the page's downloads are, and until when its link works.
pub struct Links<'a> {
    pub pdf: &'a str,
    /// `None` when the invoice cannot be an e-invoice (the rules it breaks are the
    /// owner's to mend, not the reader's).
    pub xml: Option<&'a str>,
    /// Where the seller's logo is, when there is one.
    pub logo: Option<&'a str>,
    /// RFC 3339; the page shows its date.
    pub expires_at: Option<&'a str>,
    /// "Pay now": where a card payment starts, when the seller takes them and there is a
    /// balance to pay.
    pub pay: Option<&'a str>,
    /// The reader is back from the card payment page and the payment is not settled
    /// yet (the provider's webhook may still be on its way).
    pub paying: bool,
}

const STYLE: &str = "\
:root{color-scheme:light;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
color:#1b1b1b;background:#f4f4f2}\
body{margin:0;padding:1rem}\
main{max-width:52rem;margin:0 auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;\
box-shadow:0 1px 3px rgba(0,0,0,.12)}\
h1{font-size:1.6rem;margin:0 0 .5rem}.logo{display:block;margin:0 0 1rem;max-width:100%;height:auto}h2{font-size:1rem;margin:1.5rem 0 .5rem;color:#444}\
.number{white-space:nowrap}\
.status{display:inline-block;font-weight:700;padding:.2rem .6rem;border-radius:4px;margin:0 0 .5rem}\
.status.void{background:#fde8e8;color:#8a1111}.status.paid{background:#e4f5e9;color:#145c2c}\
.status.overdue{background:#fff3d6;color:#6b4500}\
dl{margin:0}dl div{display:inline-block;margin:0 1.5rem .25rem 0}dt{font-size:.8rem;color:#555}\
dd{margin:0;font-weight:600}\
.parties{display:flex;flex-wrap:wrap;gap:0 3rem}.parties section{flex:1 1 16rem}\
address{font-style:normal;line-height:1.45;overflow-wrap:anywhere}\
.scroll{overflow-x:auto}\
table{border-collapse:collapse;width:100%}\
th,td{padding:.4rem .5rem;border-bottom:1px solid #e2e2e2;text-align:left;vertical-align:top}\
thead th{font-size:.85rem;color:#444}\
.n{text-align:right;white-space:nowrap}\
.text{white-space:pre-line;overflow-wrap:anywhere}\
.totals{max-width:24rem;margin-left:auto}.totals th{font-weight:400}.totals .strong th,.totals .strong td{font-weight:700}\
nav ul{padding-left:1.2rem}a{color:#0b57d0}a:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}\
.pay-now{display:inline-block;background:#0b57d0;color:#fff;font-weight:700;padding:.7rem 1.4rem;\
border-radius:6px;text-decoration:none;margin:.5rem 0}.pay-now:hover{background:#0842a0}\
footer{max-width:52rem;margin:1rem auto;color:#555;font-size:.85rem}\
@media print{body{background:#fff;padding:0}main{box-shadow:none;padding:0}nav{display:none}}";

/// The policy the page is served with: nothing but its own inline style.
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE));
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
    })
}

struct LineRow {
    description: String,
    quantity: String,
    unit_price: String,
    tax_rate: String,
    net: String,
}

struct TotalRow {
    label: String,
    value: String,
    strong: bool,
}

#[derive(Template)]
#[template(path = "share.html")]
struct Page<'a> {
    style: &'static str,
    invoice: &'a Invoice,
    status: Option<(&'static str, &'static str)>,
    seller: Vec<String>,
    buyer: Vec<String>,
    lines: Vec<LineRow>,
    totals: Vec<TotalRow>,
    links: &'a Links<'a>,
    /// The day the link stops working (UTC), from `links.expires_at`.
    until: Option<&'a str>,
    /// The logo's displayed size (CSS pixels), fitted as on the PDF.
    logo_size: (u32, u32),
    /// The balance due with its currency, for the pay button.
    balance: String,
}

/// The page of `invoice`.
pub fn share_page(invoice: &Invoice, links: &Links<'_>) -> Result<String, askama::Error> {
    let digits = invoice.currency.minor_digits;
    let money = |minor: i64| amount::format(minor, digits);
    let totals = crate::totals::totals(invoice)
        .into_iter()
        .map(|t| TotalRow {
            label: t.label,
            value: money(t.minor),
            strong: t.strong,
        })
        .collect();
    Page {
        style: STYLE,
        invoice,
        status: match invoice.status {
            Status::Void => Some((
                "void",
                "Void: this invoice was cancelled and is not to be paid.",
            )),
            Status::Paid => Some(("paid", "Paid in full. Thank you.")),
            Status::Credited => Some(("paid", "Credited in full: nothing is owed.")),
            Status::Overdue => Some(("overdue", "Overdue: the due date has passed.")),
            Status::Draft => Some(("void", "Draft: not issued.")),
            Status::Sent => None,
        },
        seller: invoice.seller.details(),
        buyer: invoice.buyer.details(),
        lines: invoice
            .lines
            .iter()
            .map(|l| LineRow {
                description: l.description.clone(),
                quantity: l.quantity.clone(),
                unit_price: money(l.unit_price),
                tax_rate: l.tax_rate.clone(),
                net: money(l.net),
            })
            .collect(),
        totals,
        balance: format!("{} {}", money(invoice.balance_due), invoice.currency.code),
        links,
        until: links.expires_at.map(|at| at.get(..10).unwrap_or(at)),
        logo_size: invoice.logo.as_ref().map_or((0, 0), |l| {
            let (w, h) = (l.width.max(1) as f32, l.height.max(1) as f32);
            let scale = (200.0 / w).min(60.0 / h).min(1.0);
            ((w * scale).round() as u32, (h * scale).round() as u32)
        }),
    }
    .render()
}
