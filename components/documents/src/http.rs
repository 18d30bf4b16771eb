//! The documents of an invoice: its PDF, e-invoice and the e-invoice's profile for the
//! owner, its credit notes' PDF and UBL `CreditNote`, a quote's PDF, and the page, PDF and e-invoice a share link opens for anyone who has it (and a quote's link, its PDF).

use fin_spin_edge::auth;
use fin_spin_edge::{ApiRequest, Problem, Route};
use spin_sdk::http::Response;

use crate::api::Api;
use crate::document::{profile, respond, Format};
use crate::share;
use crate::source;

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/invoices/{id}/pdf", &["GET"]),
    Route::new("/invoices/{id}/xml", &["GET"]),
    Route::new("/invoices/{id}/einvoice", &["GET"]),
    Route::new("/invoices/{id}/credit-notes/{note_id}/pdf", &["GET"]),
    Route::new("/invoices/{id}/credit-notes/{note_id}/xml", &["GET"]),
    Route::new("/quotes/{id}/pdf", &["GET"]),
    Route::new("/share/{token}", &["GET"]),
    Route::new("/share/{token}/pdf", &["GET"]),
    Route::new("/share/{token}/xml", &["GET"]),
    Route::new("/share/{token}/logo", &["GET"]),
    Route::new("/share/quotes/{token}/pdf", &["GET"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let route = req.resolve(ROUTES)?;
    match route.path {
        "/invoices/{id}/pdf" => owned(req, route.param("id"), Format::pdf),
        "/invoices/{id}/xml" => owned(req, route.param("id"), Format::xml),
        "/invoices/{id}/einvoice" => {
            auth::authenticate(req)?;
            Format::xml(&req.query)?;
            let api = Api::open(req.header("authorization"))?;
            profile(source::owned(&api, route.param("id"))?)
        }
        "/invoices/{id}/credit-notes/{note_id}/pdf" => {
            credit_note(req, route.param("id"), route.param("note_id"), Format::pdf)
        }
        "/invoices/{id}/credit-notes/{note_id}/xml" => {
            credit_note(req, route.param("id"), route.param("note_id"), Format::xml)
        }
        "/quotes/{id}/pdf" => {
            auth::authenticate(req)?;
            let format = Format::pdf(&req.query)?;
            let api = Api::open(req.header("authorization"))?;
            let source = source::owned_quote(&api, route.param("id"))?;
            respond(req, source, format, |sha256| api.logo(sha256))
        }
        "/share/{token}" => share::page(req, route.param("token")),
        "/share/{token}/pdf" => {
            share::document(req, route.param("token"), Format::pdf(&req.query)?)
        }
        "/share/{token}/xml" => {
            share::document(req, route.param("token"), Format::xml(&req.query)?)
        }
        "/share/{token}/logo" => share::logo(req, route.param("token")),
        "/share/quotes/{token}/pdf" => {
            share::quote_pdf(req, route.param("token"), Format::pdf(&req.query)?)
        }
        _ => Err(Problem::no_route(&req.path)),
    }
}

/// The caller's own invoice as a document. A refused token is a 401 before anything
/// else is looked at, and never reaches the services behind.
fn owned(
    req: &ApiRequest,
    id: &str,
    format: fn(&str) -> Result<Format, Problem>,
) -> Result<Response, Problem> {
    auth::authenticate(req)?;
    let format = format(&req.query)?;
    let api = Api::open(req.header("authorization"))?;
    let source = source::owned(&api, id)?;
    respond(req, source, format, |sha256| api.logo(sha256))
}

/// A credit note against the caller's own invoice, as a PDF or a UBL `CreditNote`.
fn credit_note(
    req: &ApiRequest,
    id: &str,
    note: &str,
    format: fn(&str) -> Result<Format, Problem>,
) -> Result<Response, Problem> {
    auth::authenticate(req)?;
    let format = format(&req.query)?;
    let api = Api::open(req.header("authorization"))?;
    let source = source::owned_credit_note(&api, id, note)?;
    respond(req, source, format, |sha256| api.logo(sha256))
}
