//! `GET /dashboard`: the caller's figures, from the read model only.

use fin_spin_edge::auth;
use fin_spin_edge::response::{json, serve};
use fin_spin_edge::{config, ApiRequest, Problem};
use spin_sdk::http::{Method, Response};
use time::OffsetDateTime;

use crate::dashboard::dashboard;
use crate::error::AnalyticsError;
use crate::store::PgReadModel;

pub async fn handle(req: ApiRequest) -> Response {
    serve(req, async |req: &mut ApiRequest| route(req)).await
}

fn route(req: &ApiRequest) -> Result<Response, Problem> {
    let route = req.route();
    match (route.segments().as_slice(), route.method.clone()) {
        (["dashboard"], Method::Get) => show(req),
        (["dashboard"], _) => Err(Problem::method_not_allowed(&["GET"])),
        _ => Err(Problem::no_route(&route.path)),
    }
}

fn show(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    if !req.query.is_empty() {
        return Err(Problem::validation(vec![fin_spin_edge::FieldError::new(
            "query",
            "the dashboard takes no parameters",
        )]));
    }
    let store =
        PgReadModel::open(&config::get::<String>("db_url")?).map_err(AnalyticsError::from)?;
    let today = OffsetDateTime::now_utc().date();
    let figures = store.figures(&owner, today).map_err(AnalyticsError::from)?;
    let freshness = store.freshness(&owner).map_err(AnalyticsError::from)?;
    Ok(json(200, &dashboard(figures, today, freshness)))
}
