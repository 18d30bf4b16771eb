//! Routes under `/clients`: read the request, call the service, shape the response.

use fin_spin_edge::auth::{self, Principal};
use fin_spin_edge::response::{json, no_content, serve};
use fin_spin_edge::{config, ApiRequest, Problem};
use spin_sdk::http::{Method, Response};

use crate::domain::ClientInput;
use crate::error::ClientsError;
use crate::listing::ListQuery;
use crate::service;
use crate::store::PgClients;

pub async fn handle(req: ApiRequest) -> Response {
    serve(req, route).await
}

async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let route = req.route();
    match (route.segments().as_slice(), route.method.clone()) {
        (["clients"], Method::Get) => list(req),
        (["clients"], Method::Post) => create(req).await,
        (["clients"], _) => Err(Problem::method_not_allowed(&["GET", "POST"])),
        (["clients", id], Method::Get) => get(req, id),
        (["clients", id], Method::Patch) => update(req, id).await,
        (["clients", id], Method::Delete) => archive(req, id),
        (["clients", _], _) => Err(Problem::method_not_allowed(&["GET", "PATCH", "DELETE"])),
        _ => Err(Problem::no_route(&route.path)),
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
