//! Routes under `/recurring-invoices`: read the request, call the service, shape the
//! response.

use fin_spin_edge::auth::{self, Principal};
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{config, ApiRequest, Problem, Route};
use jiff::Timestamp;
use spin_sdk::http::Response;

use crate::domain::TemplateInput;
use crate::error::RecurringError;
use crate::listing::ListQuery;
use crate::service;
use crate::store::PgTemplates;
use crate::template::Template;

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/recurring-invoices", &["GET", "POST"]),
    // Before `{id}`: the first route that matches is taken.
    Route::new("/recurring-invoices/preview", &["POST"]),
    Route::new("/recurring-invoices/{id}", &["GET", "PATCH", "DELETE"]),
    Route::new("/recurring-invoices/{id}/pause", &["POST"]),
    Route::new("/recurring-invoices/{id}/resume", &["POST"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let route = req.resolve(ROUTES)?;
    let id = route.param("id");
    let owner = owner(req)?;
    let now = Timestamp::now();
    if route.path == "/recurring-invoices/preview" {
        // A schedule alone: nothing to read or write, so no database either.
        let input: TemplateInput = req.json(config::body_limit()?).await?;
        let upcoming: Vec<String> = service::preview(input, now)?
            .iter()
            .map(ToString::to_string)
            .collect();
        return Ok(json(200, &serde_json::json!({ "upcoming": upcoming })));
    }
    let store = templates()?;
    let template = match (route.path, route.method) {
        ("/recurring-invoices", "GET") => {
            let query = ListQuery::parse(&req.query).map_err(RecurringError::Invalid)?;
            let page = service::list(&store, &owner, &query)?;
            return Ok(json(200, &page.map(|t| t.view())));
        }
        ("/recurring-invoices", "POST") => {
            let (input, key) = req
                .json_and_key::<TemplateInput>(config::body_limit()?)
                .await?;
            let (template, made) = service::create(&store, &owner, input, now, key.as_ref())?;
            let mut response = shown(201, &template);
            response.set_header("location", format!("/recurring-invoices/{}", template.id));
            if !made {
                response.set_header("idempotent-replayed", "true");
            }
            return Ok(response);
        }
        ("/recurring-invoices/{id}", "GET") => service::get(&store, &owner, id)?,
        ("/recurring-invoices/{id}", "PATCH") => {
            let input: TemplateInput = req.json(config::body_limit()?).await?;
            service::update(&store, &owner, id, req.if_match(), input, now)?
        }
        ("/recurring-invoices/{id}", "DELETE") => {
            service::delete(&store, &owner, id, req.if_match())?;
            return Ok(no_content());
        }
        ("/recurring-invoices/{id}/pause", "POST") => {
            service::pause(&store, &owner, id, req.if_match())?
        }
        ("/recurring-invoices/{id}/resume", "POST") => {
            service::resume(&store, &owner, id, req.if_match(), now)?
        }
        _ => return Err(Problem::no_route(&req.path)),
    };
    Ok(shown(200, &template))
}

/// A template with its ETag.
fn shown(status: u16, template: &Template) -> Response {
    let mut response = json(status, &template.view());
    response.set_header("etag", template.etag());
    response
}

fn owner(req: &ApiRequest) -> Result<String, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    Ok(user_id)
}

fn templates() -> Result<PgTemplates, Problem> {
    PgTemplates::open(&config::get::<String>("db_url")?).map_err(|e| RecurringError::from(e).into())
}
