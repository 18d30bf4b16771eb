//! `GET /metrics/<context>`: a context's own figures for an operator's scraper, in the
//! Prometheus text format (fin_metrics), behind the `metrics_token` variable — unset, the
//! route answers 404 like any path nobody serves.

use fin_metrics::{admit, Admission, Exposition, CONTENT_TYPE};
use fin_problem::{Fault, Problem};
use spin_sdk::http::Response;

use crate::{config, ApiRequest};

/// The scrape's answer: `figures` is only read for an admitted request; a fault reading
/// them is the context's problem as ever (a 503 with `Retry-After` when its database is
/// down — a scraper records the target as down, which is the page an operator wants).
pub fn answer(
    req: &ApiRequest,
    context: &str,
    figures: impl FnOnce() -> Result<Exposition, Fault>,
) -> Result<Response, Problem> {
    let configured: String = config::get("metrics_token")?;
    match admit(&configured, req.header("authorization")) {
        Admission::Disabled => Err(Problem::no_route(&req.path)),
        Admission::Refused => Err(Problem::unauthorized(
            "Metrics are read with the operator's metrics token.",
        )),
        Admission::Admitted => {
            let text = figures().map_err(|fault| fault.into_problem(context))?;
            Ok(Response::builder()
                .status(200)
                .header("content-type", CONTENT_TYPE)
                .header("cache-control", "no-store")
                .body(text.finish())
                .build())
        }
    }
}
