//! `GET` and `PUT /business-profile`.

use fin_spin_edge::auth;
use fin_spin_edge::pg::connect;
use fin_spin_edge::response::json;
use fin_spin_edge::{config, ApiRequest, Problem};
use serde::Serialize;
use spin_sdk::http::Response;

use super::domain::{BusinessProfile, ProfileInput};
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
    let conn = connect(&config::get::<String>("db_url")?).map_err(BillingError::from)?;
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
    let conn = connect(&config::get::<String>("db_url")?).map_err(BillingError::from)?;
    match store::put(&conn, &owner, &profile, if_match).map_err(BillingError::from)? {
        Put::Saved { stored, created } => {
            let mut response = respond(if created { 201 } else { 200 }, &stored);
            if created {
                response.set_header("location", PATH);
            }
            Ok(response)
        }
        Put::Stale {
            current: Some(current),
        } => Err(BillingError::StaleVersion { current }.into()),
        Put::Stale { current: None } => Err(Problem::precondition_failed(
            "There is no business profile yet to match; PUT without If-Match to create it.",
        )),
    }
}
