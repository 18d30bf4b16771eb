//! `POST /invoices/{id}/share`, `GET /invoices/{id}/share-links`,
//! `DELETE /invoices/{id}/share-links/{link_id}` — and the internal
//! `GET /internal/shares/{token}` (and `…/logo`) the documents and payments components
//! ask what a link opens.

use fin_spin_edge::auth;
use fin_spin_edge::pg::database;
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{config, ApiRequest, Fault, Problem, Route};
use serde::Serialize;
use spin_sdk::http::Response;

use crate::domain::{ShareInput, ShareLink, Token};
use crate::error::SharingError;
use crate::issued;
use crate::store;

/// Every public route of this component; `docs/openapi.yaml` describes each
/// (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/invoices/{id}/share", &["POST"]),
    Route::new("/invoices/{id}/share-links", &["GET"]),
    Route::new("/invoices/{id}/share-links/{link_id}", &["DELETE"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    // Not a public route: the documents and payments components ask it, chained.
    if let Some(rest) = req.internal("/internal/shares/")? {
        return match rest.strip_suffix("/logo") {
            Some(token) => open(token, true),
            None => open(&rest, false),
        };
    }
    let route = req.resolve(ROUTES)?;
    let id = route.param("id");
    match (route.path, route.method) {
        ("/invoices/{id}/share", "POST") => create(req, id).await,
        ("/invoices/{id}/share-links", "GET") => list(req, id),
        ("/invoices/{id}/share-links/{link_id}", "DELETE") => {
            revoke(req, id, route.param("link_id"))
        }
        _ => Err(Problem::no_route(&req.path)),
    }
}

#[derive(Serialize)]
struct Links {
    items: Vec<ShareLink>,
}

/// An id as Postgres keeps it; anything else names nothing of the caller's.
fn parse_id(raw: &str, missing: SharingError) -> Result<String, SharingError> {
    uuid::Uuid::parse_str(raw)
        .map(|id| id.to_string())
        .map_err(|_| missing)
}

async fn create(req: &mut ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let body = req.body(config::body_limit()?).await?;
    // No body at all takes every default; anything else is read as JSON.
    let input: ShareInput = match body.is_empty() {
        true => ShareInput::default(),
        false => fin_problem::decode_json(req.header("content-type"), &body)?,
    };
    // serde reads a struct from an array too (`[]`, `[7]`): only an object is a body here.
    if !body.is_empty() && body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(SharingError::Invalid(vec![fin_problem::FieldError::new(
            "",
            "the body must be a JSON object",
        )])
        .into());
    }
    let days = input.days().map_err(SharingError::Invalid)?;
    let id = parse_id(id, SharingError::NoInvoice)?;
    let token = Token::generate()
        .ok_or_else(|| SharingError::Fault(Fault::Internal("no random source".into())))?;
    let conn = database("sharing")?;
    let mut link = store::create(&conn, &owner, &id, &Token::digest(token.as_str()), days)?;
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

fn list(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let id = parse_id(id, SharingError::NoInvoice)?;
    let conn = database("sharing")?;
    match store::list(&conn, &owner, &id).map_err(SharingError::from)? {
        Some(items) => Ok(json(200, &Links { items })),
        None => Err(SharingError::NoInvoice.into()),
    }
}

fn revoke(req: &ApiRequest, id: &str, link_id: &str) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let id = parse_id(id, SharingError::NoLink)?;
    let link_id = parse_id(link_id, SharingError::NoLink)?;
    let conn = database("sharing")?;
    match store::revoke(&conn, &owner, &id, &link_id).map_err(SharingError::from)? {
        true => Ok(no_content()),
        false => Err(SharingError::NoLink.into()),
    }
}

/// What a link opens: the invoice as billing publishes it (`logo`: its seller's logo),
/// with `share-expires-at` saying until when and `share-owner` whose it is. A link that
/// does not work, and one whose invoice billing no longer shows, are the same 404.
fn open(token: &str, logo: bool) -> Result<Response, Problem> {
    let conn = database("sharing")?;
    let link = store::open(&conn, &Token::digest(token))
        .map_err(SharingError::from)?
        .ok_or(SharingError::Closed)?;
    let Some(answer) = issued::fetch(&link, logo)? else {
        return Err(match logo {
            true => Problem::not_found("This link shows no logo."),
            false => SharingError::Closed.into(),
        });
    };
    let content_type = answer
        .header("content-type")
        .unwrap_or("application/octet-stream")
        .to_owned();
    Ok(Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("cache-control", "no-store")
        .header("share-expires-at", link.expires_at)
        .header("share-owner", link.owner_id)
        .body(answer.body)
        .build())
}
