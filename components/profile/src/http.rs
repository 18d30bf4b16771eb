//! `/business-profile`: the profile read and replaced whole by version, and its logo.

use fin_seller::BusinessProfile;
use fin_spin_edge::auth;
use fin_spin_edge::pg::database;
use fin_spin_edge::response::{json, no_content, picture};
use fin_spin_edge::{config, ApiRequest, BodyLimit, Problem, Route};
use serde::Serialize;
use spin_sdk::http::Response;

use crate::domain::{self, ProfileInput};
use crate::error::ProfileError;
use crate::logo::{self, Refused};
use crate::store::{self, Put, Stored};

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/business-profile", &["GET", "PUT"]),
    Route::new("/business-profile/logo", &["GET", "PUT", "DELETE"]),
    Route::new("/business-profile/logos/{sha256}", &["GET"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let route = req.resolve(ROUTES)?;
    match (route.path, route.method) {
        ("/business-profile", "GET") => get(req),
        ("/business-profile", "PUT") => put(req).await,
        ("/business-profile/logo", "GET") => get_logo(req, None),
        ("/business-profile/logo", "PUT") => put_logo(req).await,
        ("/business-profile/logo", "DELETE") => delete_logo(req),
        ("/business-profile/logos/{sha256}", "GET") => get_logo(req, Some(route.param("sha256"))),
        _ => Err(Problem::no_route(&req.path)),
    }
}

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

fn get(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let conn = database("profile")?;
    match store::get(&conn, &owner).map_err(ProfileError::from)? {
        Some(stored) => Ok(respond(200, &stored)),
        None => Err(ProfileError::NotFound(
            "There is no business profile yet; PUT one to name yourself on your invoices.",
        )
        .into()),
    }
}

async fn put(req: &mut ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let if_match = req.if_match();
    let input: ProfileInput = req.json(config::body_limit()?).await?;
    let profile = domain::parse(input).map_err(ProfileError::Invalid)?;
    let conn = database("profile")?;
    match store::put(&conn, &owner, &profile, if_match).map_err(ProfileError::from)? {
        Put::Saved { stored, created } => {
            let mut response = respond(if created { 201 } else { 200 }, &stored);
            if created {
                response.set_header("location", PATH);
            }
            Ok(response)
        }
        Put::Stale { current } => Err(ProfileError::Stale { current }.into()),
    }
}

fn no_profile() -> Problem {
    ProfileError::NotFound("There is no business profile yet; PUT one first, then its logo.").into()
}

/// `PUT /business-profile/logo`: the body is the picture (`image/png` or `image/jpeg`).
async fn put_logo(req: &mut ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let bytes = req.body(BodyLimit(logo::MAX_BYTES)).await?;
    let logo = match logo::parse(req.header("content-type"), &bytes) {
        Ok(logo) => logo,
        Err(Refused::MediaType) => {
            return Err(Problem::unsupported_media_type()
                .with_detail("A logo is sent as image/png or image/jpeg."))
        }
        Err(Refused::Invalid(error)) => return Err(ProfileError::Invalid(vec![error]).into()),
    };
    let conn = database("profile")?;
    match store::put_logo(&conn, &owner, &logo, bytes).map_err(ProfileError::from)? {
        Some(stored) => Ok(respond(200, &stored)),
        None => Err(no_profile()),
    }
}

/// `DELETE /business-profile/logo`: documents print none from now on; issued ones keep
/// theirs.
fn delete_logo(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let conn = database("profile")?;
    match store::delete_logo(&conn, &owner).map_err(ProfileError::from)? {
        Some(()) => Ok(no_content()),
        None => Err(no_profile()),
    }
}

/// `GET /business-profile/logo` (the current one), or `…/logos/{sha256}` (one an issued
/// invoice names, which never changes: cached for good).
fn get_logo(req: &ApiRequest, sha256: Option<&str>) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let well_formed =
        sha256.is_none_or(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
    let missing = || Problem::not_found("There is no such logo.");
    if !well_formed {
        return Err(missing());
    }
    let conn = database("profile")?;
    let (content_type, bytes) = store::logo_bytes(&conn, &owner, sha256)
        .map_err(ProfileError::from)?
        .ok_or_else(missing)?;
    let cache = match sha256 {
        Some(_) => "private, max-age=31536000, immutable",
        None => "private, no-cache",
    };
    Ok(picture(content_type, bytes, cache))
}
