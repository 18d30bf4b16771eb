use serde::Serialize;
use spin_sdk::http::Response;

use fin_problem::Problem;

use crate::{cors, ApiRequest};

/// A JSON response. Serialising our own response types cannot fail; if it ever did, the
/// client gets a problem, not a panic.
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("cache-control", "no-store")
            .body(bytes)
            .build(),
        Err(err) => {
            fin_log::error!("response", "serialisation failed: {err}");
            problem(Problem::internal())
        }
    }
}

/// A picture (a logo) as stored, never sniffed as anything else.
pub fn picture(content_type: String, bytes: Vec<u8>, cache_control: &str) -> Response {
    Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("cache-control", cache_control)
        .header("x-content-type-options", "nosniff")
        .body(bytes)
        .build()
}

pub fn no_content() -> Response {
    Response::builder().status(204).body(Vec::new()).build()
}

/// The one place a [`Problem`] becomes an HTTP response.
pub fn problem(problem: Problem) -> Response {
    let mut builder = Response::builder();
    builder
        .status(problem.status)
        .header("content-type", "application/problem+json")
        .header("cache-control", "no-store");
    for (name, value) in &problem.headers {
        builder.header(name.as_str(), value.as_str());
    }
    builder.body(problem.to_json()).build()
}

/// How every component answers a request: a CORS preflight on any path, otherwise the
/// route's answer (or its problem), with the CORS headers an allowed origin gets.
pub async fn serve(
    mut req: ApiRequest,
    route: impl AsyncFnOnce(&mut ApiRequest) -> Result<Response, Problem>,
) -> Response {
    crate::trace::install_log();
    if let Some(preflight) = cors::preflight(&req) {
        return preflight;
    }
    let origin = cors::allowed_origin(&req);
    cors::allow(origin, route(&mut req).await.unwrap_or_else(problem))
}
