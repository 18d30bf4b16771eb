//! `GET` and `PUT /business-profile`.

use fin_spin_edge::auth;
use fin_spin_edge::pg::database;
use fin_spin_edge::response::{json, no_content, picture};
use fin_spin_edge::{config, ApiRequest, BodyLimit, Problem};
use serde::Serialize;
use spin_sdk::http::Response;

use super::domain::{BusinessProfile, ProfileInput};
use super::logo::{self, Refused};
use super::store::{self, Put, Stored};
use crate::error::BillingError;

/// Where a created profile is (`Location`).
const PATH: &str = "/business-profile";

/// The profile as the API shows it.
#[derive(Serialize)]
struct View<'a> {
    #[serde(flatten)]
    profile: &'a BusinessProfile,
    version: i64,
    updated_at: &'a str,
}

fn respond(status: u16, stored: &Stored) -> Response {
    let mut response = json(
        status,
        &View {
            profile: &stored.profile,
            version: stored.version,
            updated_at: &stored.updated_at,
        },
    );
    response.set_header("etag", format!("\"{}\"", stored.version));
    response
}

pub fn get(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let conn = database("billing")?;
    match store::get(&conn, &owner).map_err(BillingError::from)? {
        Some(stored) => Ok(respond(200, &stored)),
        None => Err(Problem::not_found(
            "There is no business profile yet; PUT one to name yourself on your invoices.",
        )),
    }
}

pub async fn put(req: &mut ApiRequest, if_match: Option<i64>) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let input: ProfileInput = req.json(config::body_limit()?).await?;
    let profile = BusinessProfile::parse(input).map_err(BillingError::Invalid)?;
    let conn = database("billing")?;
    match store::put(&conn, &owner, &profile, if_match).map_err(BillingError::from)? {
        Put::Saved { stored, created } => {
            let mut response = respond(if created { 201 } else { 200 }, &stored);
            if created {
                response.set_header("location", PATH);
            }
            Ok(response)
        }
        // The profile's own words: a stale invoice's problem would name the wrong thing.
        Put::Stale {
            current: Some(current),
        } => Err(Problem::precondition_failed(format!(
            "The business profile has changed; its current version is {current}. \
             Fetch it and retry."
        ))
        .with_header("ETag", format!("\"{current}\""))),
        Put::Stale { current: None } => Err(Problem::precondition_failed(
            "There is no business profile yet to match; PUT without If-Match to create it.",
        )),
    }
}

fn no_profile() -> Problem {
    Problem::not_found("There is no business profile yet; PUT one first, then its logo.")
}

/// `PUT /business-profile/logo`: the body is the picture (`image/png` or `image/jpeg`).
pub async fn put_logo(req: &mut ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let bytes = req.body(BodyLimit(logo::MAX_BYTES)).await?;
    let logo = match logo::parse(req.header("content-type"), &bytes) {
        Ok(logo) => logo,
        Err(Refused::MediaType) => {
            return Err(Problem::unsupported_media_type()
                .with_detail("A logo is sent as image/png or image/jpeg."))
        }
        Err(Refused::Invalid(error)) => return Err(BillingError::Invalid(vec![error]).into()),
    };
    let conn = database("billing")?;
    match store::put_logo(&conn, &owner, &logo, bytes).map_err(BillingError::from)? {
        Some(stored) => Ok(respond(200, &stored)),
        None => Err(no_profile()),
    }
}

/// `DELETE /business-profile/logo`: documents print none from now on; issued ones keep
/// theirs.
pub fn delete_logo(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let conn = database("billing")?;
    match store::delete_logo(&conn, &owner).map_err(BillingError::from)? {
        Some(()) => Ok(no_content()),
        None => Err(no_profile()),
    }
}

/// `GET /business-profile/logo` (the current one), or `…/logos/{sha256}` (one an issued
/// invoice names, which never changes: cached for good).
pub fn get_logo(req: &ApiRequest, sha256: Option<&str>) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let well_formed =
        sha256.is_none_or(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
    let missing = || Problem::not_found("There is no such logo.");
    if !well_formed {
        return Err(missing());
    }
    let conn = database("billing")?;
    let (content_type, bytes) = store::logo_bytes(&conn, &owner, sha256)
        .map_err(BillingError::from)?
        .ok_or_else(missing)?;
    let cache = match sha256 {
        Some(_) => "private, max-age=31536000, immutable",
        None => "private, no-cache",
    };
    Ok(picture(content_type, bytes, cache))
}
