//! `GET /internal/issued-invoices/{owner}/{id}` and `…/logo`, for the sharing context.

use fin_spin_edge::pg::database;
use fin_spin_edge::response::{json, picture};
use fin_spin_edge::Problem;
use spin_sdk::http::Response;
use time::OffsetDateTime;

use super::store;
use crate::error::BillingError;
use crate::service::parse_id;

/// The prefix of every route here; the router checks the request came chained.
pub const PREFIX: &str = "/internal/issued-invoices/";

/// One answer for every invoice billing does not show: no such one, a draft, deleted.
fn not_found() -> Problem {
    Problem::not_found("There is no such issued invoice.")
}

/// Answers `rest`, the path after [`PREFIX`]: `{owner}/{id}` or `{owner}/{id}/logo`.
pub fn route(rest: &str) -> Result<Response, Problem> {
    let mut parts = rest.split('/');
    let (Some(owner), Some(id)) = (parts.next(), parts.next()) else {
        return Err(not_found());
    };
    let owner = parse_id(owner).map_err(|_| not_found())?;
    let id = parse_id(id).map_err(|_| not_found())?;
    match (parts.next(), parts.next()) {
        (None, _) => invoice(&owner, &id),
        (Some("logo"), None) => logo(&owner, &id),
        _ => Err(not_found()),
    }
}

/// The invoice as `GET /invoices/{id}` shows it to its owner, its seller filled in from
/// the business profile when it froze none (sent before there was one).
fn invoice(owner: &str, id: &str) -> Result<Response, Problem> {
    let conn = database("billing")?;
    let Some(mut issued) = store::invoice(&conn, owner, id).map_err(BillingError::from)? else {
        return Err(not_found());
    };
    if issued.invoice.seller.is_none() {
        issued.invoice.seller = issued.profile.take();
    }
    let today = OffsetDateTime::now_utc().date();
    Ok(json(200, &issued.invoice.view(today)))
}

/// The picture of the logo the issued invoice's seller names.
fn logo(owner: &str, id: &str) -> Result<Response, Problem> {
    let conn = database("billing")?;
    let (content_type, bytes) = store::logo(&conn, owner, id)
        .map_err(BillingError::from)?
        .ok_or_else(|| Problem::not_found("This invoice names no logo."))?;
    Ok(picture(content_type, bytes, "no-store"))
}
