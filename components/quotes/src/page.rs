//! The quote as a web page, for the client who opens its link, with the two forms that
//! answer it. Rendered by askama from `templates/quote.html`, which escapes every value
//! it prints; the page needs nothing but itself — one inline style allowed by its hash,
//! no script — so its Content-Security-Policy forbids everything else, and its forms
//! may post only back here.

use std::sync::OnceLock;

use askama::Template;
use base64::Engine;
use fin_commercial::dates::format_date;
use fin_commercial::decimal::format_scaled;
use fin_commercial::lines::LineItem;
use sha2::{Digest, Sha256};
use time::Date;

use crate::domain::Status;
use crate::quote::Quote;

const STYLE: &str = "\
:root{color-scheme:light;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
color:#1b1b1b;background:#f4f4f2}body{margin:0;padding:1rem}\
main{max-width:52rem;margin:0 auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;\
box-shadow:0 1px 3px rgba(0,0,0,.12)}h1{font-size:1.6rem;margin:0 0 .5rem}\
h2{font-size:1rem;margin:1.5rem 0 .5rem;color:#444}h3{font-size:1rem;margin:0 0 .5rem}\
.number{white-space:nowrap}\
.status{display:inline-block;font-weight:700;padding:.2rem .6rem;border-radius:4px;margin:0 .5rem .5rem 0}\
.status.done{background:#e4f5e9;color:#145c2c}.status.closed{background:#fde8e8;color:#8a1111}\
.status.open{background:#e8f0fe;color:#0b3d91}\
dl{margin:0}dl div{display:inline-block;margin:0 1.5rem .25rem 0}dt{font-size:.8rem;color:#555}\
dd{margin:0;font-weight:600}.parties{display:flex;flex-wrap:wrap;gap:0 3rem}\
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}\
th,td{padding:.4rem .5rem;border-bottom:1px solid #e2e2e2;text-align:left;vertical-align:top}\
thead th{font-size:.85rem;color:#444}.n{text-align:right;white-space:nowrap}\
.text{white-space:pre-line;overflow-wrap:anywhere}\
.totals{max-width:24rem;margin-left:auto}.totals th{font-weight:400}\
.totals .strong th,.totals .strong td{font-weight:700}\
.answers{display:flex;flex-wrap:wrap;gap:1rem 3rem}.answers form{flex:1 1 18rem}\
label{display:block;font-size:.9rem;margin:0 0 .25rem}\
input,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.4rem;border:1px solid #767676;border-radius:4px}\
button{font:inherit;font-weight:700;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#0b57d0;color:#fff;cursor:pointer}\
button.secondary{background:#fff;color:#8a1111;border:1px solid #8a1111}\
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}\
.errors{color:#8a1111;font-weight:600}footer{max-width:52rem;margin:1rem auto;color:#555;font-size:.85rem}\
@media print{body{background:#fff;padding:0}main{box-shadow:none;padding:0}form{display:none}}";

/// The policy the page is served with: its own inline style, forms posting back here.
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE));
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
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

#[derive(Template)]
#[template(path = "quote.html")]
struct Page<'a> {
    style: &'static str,
    number: String,
    seller: Option<&'a str>,
    client: Option<&'a str>,
    /// The class and words of the quote's state.
    state: (&'static str, String),
    /// What the last answer did, when this page answers one.
    notice: Option<(&'static str, &'a str)>,
    errors: &'a [String],
    issue_date: String,
    valid_until: String,
    currency: &'static str,
    lines: Vec<LineRow>,
    /// (label, amount, strong)
    totals: Vec<(&'static str, String, bool)>,
    notes: Option<&'a str>,
    /// Whether the forms are shown: a sent quote still valid.
    open: bool,
    accept: String,
    decline: String,
    pdf: String,
}

/// What the page says besides the quote.
pub struct Context<'a> {
    pub seller: Option<&'a str>,
    pub client: Option<&'a str>,
    /// `(class, words)`: `done` after an answer recorded, `closed` after one refused.
    pub notice: Option<(&'static str, &'a str)>,
    /// What was wrong with the answer sent, one line each.
    pub errors: &'a [String],
    /// The link's own path (`/share/quotes/<token>`), which the forms post under.
    pub base: &'a str,
    pub today: Date,
}

pub fn render(quote: &Quote, context: &Context<'_>) -> Result<String, askama::Error> {
    let f = &quote.fields;
    let digits = f.currency.map_or(2, |c| c.minor_digits()) as u8;
    let money = |minor: i64| fin_amount::format(minor, digits);
    let totals = f.totals().ok();
    let nets = totals
        .as_ref()
        .map(|t| t.line_nets.clone())
        .unwrap_or_default();
    let lines = f
        .lines
        .iter()
        .zip(nets)
        .map(|(line, net): (&LineItem, i64)| LineRow {
            description: line.description.clone(),
            quantity: format_scaled(line.quantity_milli, 3),
            unit_price: money(line.unit_price),
            tax_rate: format_scaled(i64::from(line.tax_rate_bp), 2),
            net: money(net),
        })
        .collect();
    let mut rows = Vec::new();
    if let Some(t) = &totals {
        rows.push(("Subtotal", money(t.subtotal), false));
        if t.discount > 0 {
            rows.push(("Discount", format!("−{}", money(t.discount)), false));
        }
        rows.push(("Tax", money(t.tax), false));
        rows.push(("Total", money(t.total), true));
    }
    let status = quote.status(context.today);
    let answered_on = quote
        .answer
        .as_ref()
        .map(|a| a.at.get(..10).unwrap_or(&a.at).to_owned())
        .unwrap_or_default();
    let state = match status {
        Status::Accepted => (
            "done",
            match quote.answer.as_ref().and_then(|a| a.name.as_deref()) {
                Some(name) => format!("Accepted by {name} on {answered_on}."),
                None => format!("Accepted on {answered_on}."),
            },
        ),
        Status::Declined => ("closed", format!("Declined on {answered_on}.")),
        Status::Expired => (
            "closed",
            format!(
                "This quote expired on {}: ask for a new one.",
                format_date(f.valid_until)
            ),
        ),
        Status::Sent | Status::Draft => (
            "open",
            format!("Awaiting your answer until {}.", format_date(f.valid_until)),
        ),
    };
    Page {
        style: STYLE,
        number: quote.number(),
        seller: context.seller,
        client: context.client,
        state,
        notice: context.notice,
        errors: context.errors,
        issue_date: format_date(f.issue_date),
        valid_until: format_date(f.valid_until),
        currency: f.currency.map_or("", |c| c.code()),
        lines,
        totals: rows,
        notes: f.notes.as_deref(),
        open: status == Status::Sent,
        accept: format!("{}/accept", context.base),
        decline: format!("{}/decline", context.base),
        pdf: format!("{}/pdf", context.base),
    }
    .render()
}

/// The page for a link that opens nothing — malformed, unknown or revoked alike.
pub fn closed() -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex, nofollow\"><title>No quote here</title>\
         <style>{STYLE}</style></head><body><main><h1>No quote here</h1>\
         <p>This link does not open a quote: it may have been revoked. Ask the sender for \
         a new link.</p></main></body></html>"
    )
}
