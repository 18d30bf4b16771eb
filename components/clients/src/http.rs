//! Routes under `/clients`: read the request, call the service, shape the response.

use fin_spin_edge::auth::{self, Principal};
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{config, ApiRequest, Problem, Route};
use spin_sdk::http::Response;

use crate::domain::ClientInput;
use crate::error::ClientsError;
use crate::listing::ListQuery;
use crate::service;
use crate::store::PgClients;

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/clients", &["GET", "POST"]),
    Route::new("/clients/{id}", &["GET", "PATCH", "DELETE"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let route = req.resolve(ROUTES)?;
    let id = route.param("id");
    match (route.path, route.method) {
        ("/clients", "GET") => list(req),
        ("/clients", "POST") => create(req).await,
        ("/clients/{id}", "GET") => get(req, id),
        ("/clients/{id}", "PATCH") => update(req, id).await,
        ("/clients/{id}", "DELETE") => archive(req, id),
        _ => Err(Problem::no_route(&req.path)),
    }
}

fn list(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = owner(req)?;
    let query = ListQuery::parse(&req.query).map_err(ClientsError::Invalid)?;
    Ok(json(200, &service::list(&clients()?, &owner, &query)?))
}

async fn create(req: &mut ApiRequest) -> Result<Response, Problem> {
    let owner = owner(req)?;
    let input: ClientInput = req.json(config::body_limit()?).await?;
    let client = service::create(&clients()?, &owner, input)?;
    let mut response = json(201, &client);
    response.set_header("location", format!("/clients/{}", client.id));
    Ok(response)
}

fn get(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = owner(req)?;
    Ok(json(200, &service::get(&clients()?, &owner, id)?))
}

async fn update(req: &mut ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = owner(req)?;
    let input: ClientInput = req.json(config::body_limit()?).await?;
    Ok(json(200, &service::update(&clients()?, &owner, id, input)?))
}

fn archive(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = owner(req)?;
    service::archive(&clients()?, &owner, id)?;
    Ok(no_content())
}

fn owner(req: &ApiRequest) -> Result<String, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    Ok(user_id)
}

fn clients() -> Result<PgClients, Problem> {
    PgClients::open(&config::get::<String>("db_url")?).map_err(|e| ClientsError::from(e).into())
}
