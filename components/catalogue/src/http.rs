//! Routes under `/items`: read the request, call the service, shape the response.

use fin_spin_edge::auth::{self, Principal};
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{config, ApiRequest, Problem, Route};
use spin_sdk::http::Response;

use crate::domain::ItemInput;
use crate::error::CatalogueError;
use crate::listing::ListQuery;
use crate::service;
use crate::store::PgItems;

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/items", &["GET", "POST"]),
    Route::new("/items/{id}", &["GET", "PATCH", "DELETE"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let route = req.resolve(ROUTES)?;
    let id = route.param("id");
    match (route.path, route.method) {
        ("/items", "GET") => list(req),
        ("/items", "POST") => create(req).await,
        ("/items/{id}", "GET") => get(req, id),
        ("/items/{id}", "PATCH") => update(req, id).await,
        ("/items/{id}", "DELETE") => delete(req, id),
        _ => Err(Problem::no_route(&req.path)),
    }
}

fn list(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = owner(req)?;
    let query = ListQuery::parse(&req.query).map_err(CatalogueError::Invalid)?;
    Ok(json(200, &service::list(&items()?, &owner, &query)?))
}

async fn create(req: &mut ApiRequest) -> Result<Response, Problem> {
    let owner = owner(req)?;
    let input: ItemInput = req.json(config::body_limit()?).await?;
    let item = service::create(&items()?, &owner, input)?;
    let mut response = json(201, &item);
    response.set_header("location", format!("/items/{}", item.id));
    Ok(response)
}

fn get(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = owner(req)?;
    Ok(json(200, &service::get(&items()?, &owner, id)?))
}

async fn update(req: &mut ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = owner(req)?;
    let input: ItemInput = req.json(config::body_limit()?).await?;
    Ok(json(200, &service::update(&items()?, &owner, id, input)?))
}

fn delete(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let owner = owner(req)?;
    service::delete(&items()?, &owner, id)?;
    Ok(no_content())
}

fn owner(req: &ApiRequest) -> Result<String, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    Ok(user_id)
}

fn items() -> Result<PgItems, Problem> {
    PgItems::open(&config::get::<String>("db_url")?).map_err(|e| CatalogueError::from(e).into())
}
