//! Spin answers unrouted paths with a bare-text 404; clients of this API are promised
//! `application/problem+json` for every error, so the catch-all route `/...` lands here
//! (and a browser's CORS preflight for a path no component owns is answered too).

use fin_spin_edge::response::serve;
use fin_spin_edge::{ApiRequest, Problem};
use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest) -> Response {
    serve(ApiRequest::new(req), async |req: &mut ApiRequest| {
        Err(Problem::no_route(req.path.trim_end_matches('/')))
    })
    .await
}
