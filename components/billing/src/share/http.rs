//! `POST /invoices/{id}/share`, `GET /invoices/{id}/share-links`,
//! `DELETE /invoices/{id}/share-links/{link_id}` — and the internal
//! `GET /internal/shares/{token}` the documents component asks what a link opens.

use fin_spin_edge::auth;
use fin_spin_edge::pg::database;
use fin_spin_edge::response::{json, no_content, picture};
use fin_spin_edge::{config, ApiRequest, Fault, Problem};
use serde::Serialize;
use spin_sdk::http::Response;
use time::OffsetDateTime;

use super::domain::{ShareInput, ShareLink, Token, MAX_ACTIVE};
use super::store::{self, Created};
use crate::error::BillingError;
use crate::service::parse_id;

#[derive(Serialize)]
struct Links {
    items: Vec<ShareLink>,
}

pub async fn create(req: &mut ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let body = req.body(config::body_limit()?).await?;
    // No body at all takes every default; anything else is read as JSON.
    let input: ShareInput = match body.is_empty() {
        true => ShareInput::default(),
        false => fin_problem::decode_json(req.header("content-type"), &body)?,
    };
    // serde reads a struct from an array too (`[]`, `[7]`): only an object is a body here.
    if !body.is_empty() && body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(BillingError::field("", "the body must be a JSON object").into());
    }
    let days = input.days().map_err(BillingError::Invalid)?;
    let id = parse_id(id)?;
    let token = Token::generate()
        .ok_or_else(|| BillingError::Fault(Fault::Internal("no random source".into())))?;
    let conn = database("billing")?;
    match store::create(&conn, &owner, &id, &Token::digest(token.as_str()), days)
        .map_err(BillingError::from)?
    {
        Created::Link(mut link) => {
            link.url = Some(format!(
                "{}/share/{}",
                req.public_base_url()?,
                token.as_str()
            ));
            let mut response = json(201, &link);
            response.set_header(
                "location",
                format!("/invoices/{id}/share-links/{}", link.id),
            );
            Ok(response)
        }
        Created::NoInvoice => Err(BillingError::NotFound.into()),
        Created::Draft => Err(Problem::conflict(
            "A draft is not issued and cannot be shared; send it first.",
        )
        .with_extension("current_status", "draft")),
        Created::NoSeller => Err(Problem::conflict(
            "This invoice was sent before you had a business profile; put one \
             (PUT /business-profile) so the shared invoice names you as the seller.",
        )),
        Created::TooMany => Err(Problem::conflict(format!(
            "This invoice already has {MAX_ACTIVE} working links; revoke one first."
        ))),
    }
}

pub fn list(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let id = parse_id(id)?;
    let conn = database("billing")?;
    match store::list(&conn, &owner, &id).map_err(BillingError::from)? {
        Some(items) => Ok(json(200, &Links { items })),
        None => Err(BillingError::NotFound.into()),
    }
}

pub fn revoke(req: &ApiRequest, id: &str, link_id: &str) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let id = parse_id(id)?;
    let not_found = || Problem::not_found("There is no such share link.");
    let link_id = parse_id(link_id).map_err(|_| not_found())?;
    let conn = database("billing")?;
    match store::revoke(&conn, &owner, &id, &link_id).map_err(BillingError::from)? {
        true => Ok(no_content()),
        false => Err(not_found()),
    }
}

/// The invoice a link opens, as `GET /invoices/{id}` shows it, its seller filled in
/// from the business profile when it froze none; `share-expires-at` says until when,
/// `share-owner` whose it is.
/// Only for the documents component (the router checks the request came chained).
pub fn open(token: &str) -> Result<Response, Problem> {
    let conn = database("billing")?;
    let Some(mut opened) = store::open(&conn, &Token::digest(token)).map_err(BillingError::from)?
    else {
        return Err(Problem::not_found("This link does not open an invoice."));
    };
    if opened.invoice.seller.is_none() {
        opened.invoice.seller = opened.profile.take();
    }
    let today = OffsetDateTime::now_utc().date();
    let mut response = json(200, &opened.invoice.view(today));
    response.set_header("share-expires-at", opened.expires_at);
    response.set_header("share-owner", opened.owner_id);
    Ok(response)
}

/// The picture of the logo a link's invoice shows, for the documents component too.
pub fn open_logo(token: &str) -> Result<Response, Problem> {
    let conn = database("billing")?;
    let (content_type, bytes) = store::open_logo(&conn, &Token::digest(token))
        .map_err(BillingError::from)?
        .ok_or_else(|| Problem::not_found("This link shows no logo."))?;
    Ok(picture(content_type, bytes, "no-store"))
}
