//! Spin answers unrouted paths with a bare-text 404; clients of this API are promised
//! `application/problem+json` for every error, so the catch-all route `/...` lands here.

use fin_spin_edge::response::problem;
use fin_spin_edge::Problem;
use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(req: IncomingRequest) -> Response {
    let path = req.path_with_query().unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    problem(Problem::not_found(format!(
        "There is no resource at {path}."
    )))
}
