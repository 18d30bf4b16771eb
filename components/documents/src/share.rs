//! What a share link opens, to anyone who has the link and to no one else: the sent
//! invoice as a page, its PDF and its e-invoice; and a quote's PDF. Every way a link can fail to open —
//! malformed, unknown, expired, revoked — is the same 404, so the answer tells a guesser
//! nothing.

use fin_documents::einvoice;
use fin_documents::html::{self, Links};
use fin_documents::Status;
use fin_secret::Secret;
use fin_spin_edge::{response, ApiRequest, Problem};
use spin_sdk::http::Response;

use crate::api::Api;
use crate::document::{respond, Format};
use crate::source::{self, defect, Source};

/// The invoice's page: no script, one inline style its hash allows, nothing from
/// another origin, and the token kept out of any `Referer`.
pub fn page(req: &ApiRequest, token: &str) -> Result<Response, Problem> {
    let (api, source) = open(token)?;
    let pay = format!("/share/{token}/pay");
    let owes = matches!(source.invoice.status, Status::Sent | Status::Overdue)
        && source.invoice.balance_due > 0;
    // Back from Stripe's page and not settled yet: the webhook may still be on its way.
    // The page says so and offers no second payment (payments is not even asked).
    let paying = owes && req.query.split('&').any(|p| p == "checkout=done");
    let card = owes
        && !paying
        && source
            .owner
            .as_deref()
            .is_some_and(|owner| api.card_payments(owner));
    let pdf = format!("/share/{token}/pdf");
    let xml = format!("/share/{token}/xml");
    let logo = format!("/share/{token}/logo");
    let links = Links {
        pdf: &pdf,
        xml: einvoice::ubl(&source.invoice)
            .is_ok()
            .then_some(xml.as_str()),
        logo: source.invoice.logo.is_some().then_some(logo.as_str()),
        expires_at: source.expires_at.as_deref(),
        pay: card.then_some(pay.as_str()),
        paying,
    };
    let page =
        html::share_page(&source.invoice, &links).map_err(|e| defect(format!("page: {e}")))?;
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/html; charset=utf-8")
        .header("content-security-policy", html::content_security_policy())
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("x-frame-options", "DENY")
        .header("x-robots-tag", "noindex, nofollow")
        // A revoked link must stop working at once: nothing keeps a copy.
        .header("cache-control", "no-store")
        .body(page.into_bytes())
        .build())
}

/// The invoice's PDF or e-invoice, as the owner's routes serve them.
pub fn document(req: &ApiRequest, token: &str, format: Format) -> Result<Response, Problem> {
    let (api, source) = open(token)?;
    respond(req, source, format, |_| {
        Ok(api.shared_logo(token)?.map(|picture| picture.bytes))
    })
}

/// The PDF of the quote a quote's link opens (the quotes component serves the page).
pub fn quote_pdf(req: &ApiRequest, token: &str, format: Format) -> Result<Response, Problem> {
    let closed =
        || Problem::not_found("This link does not open a quote: it may have been revoked.");
    if !Secret::well_formed(token) {
        return Err(closed());
    }
    let api = Api::open(None)?;
    let source = source::shared_quote(&api, token)?.ok_or_else(closed)?;
    respond(req, source, format, |_| {
        Ok(api.shared_quote_logo(token)?.map(|picture| picture.bytes))
    })
}

/// The logo the page shows, for the page's `<img>` (its CSP allows `img-src 'self'`).
pub fn logo(_req: &ApiRequest, token: &str) -> Result<Response, Problem> {
    if !Secret::well_formed(token) {
        return Err(closed());
    }
    let api = Api::open(None)?;
    let picture = api.shared_logo(token)?.ok_or_else(closed)?;
    let content_type = picture
        .content_type
        .ok_or_else(|| defect("the shared logo came without its type"))?;
    Ok(response::picture(content_type, picture.bytes, "no-store"))
}

fn open(token: &str) -> Result<(Api, Source), Problem> {
    if !Secret::well_formed(token) {
        return Err(closed());
    }
    let api = Api::open(None)?;
    let source = source::shared(&api, token)?.ok_or_else(closed)?;
    Ok((api, source))
}

fn closed() -> Problem {
    Problem::not_found("This link does not open an invoice: it may have expired or been revoked.")
}
