//! `GET /dashboard`: the caller's figures, from the read model only.
//! `GET /metrics/analytics`: the projector's lag for an operator's scraper (crate::metrics).

use fin_spin_edge::auth;
use fin_spin_edge::response::json;
use fin_spin_edge::{config, metrics, ApiRequest, Problem, Route};
use spin_sdk::http::Response;
use time::OffsetDateTime;

use crate::dashboard::dashboard;
use crate::error::AnalyticsError;
use crate::store::PgReadModel;

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/dashboard", &["GET"]),
    Route::new("/metrics/analytics", &["GET"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let route = req.resolve(ROUTES)?;
    match (route.path, route.method) {
        ("/dashboard", "GET") => show(req),
        ("/metrics/analytics", "GET") => {
            let db_url: String = config::get("db_url")?;
            metrics::answer(req, "analytics", || crate::metrics::figures(&db_url))
        }
        _ => Err(Problem::no_route(&req.path)),
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
