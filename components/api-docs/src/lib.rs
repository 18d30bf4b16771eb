//! The contract frontends build on, served by the app itself without auth: the OpenAPI
//! document as YAML (as written in `docs/openapi.yaml`) and JSON (converted at build
//! time), and a small reference page that renders it in a browser.
//!
//! The page is self-contained — no CDN, no framework — so it works offline and its
//! Content-Security-Policy can allow exactly its own script, by hash.

use fin_spin_edge::{ApiRequest, Problem, Route};
use spin_sdk::http::Response;

const SPEC_YAML: &str = include_str!("../../../docs/openapi.yaml");
const SPEC_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.json"));
const PAGE: &str = include_str!("reference.html");
const SCRIPT_HASH: &str = include_str!(concat!(env!("OUT_DIR"), "/script-hash.txt"));

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/openapi.json", &["GET"]),
    Route::new("/openapi.yaml", &["GET"]),
    Route::new("/docs", &["GET"]),
];

fin_spin_edge::http_component!(route);

async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    Ok(match req.resolve(ROUTES)?.path {
        "/openapi.json" => document("application/json", SPEC_JSON),
        "/openapi.yaml" => document("application/yaml", SPEC_YAML),
        "/docs" => page(),
        _ => return Err(Problem::no_route(&req.path)),
    })
}

/// The spec changes only with a deployment: caches may keep it briefly.
fn document(content_type: &str, body: &'static str) -> Response {
    Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("cache-control", "public, max-age=300")
        .body(body)
        .build()
}

fn page() -> Response {
    Response::builder()
        .status(200)
        .header("content-type", "text/html; charset=utf-8")
        .header("cache-control", "public, max-age=300")
        .header(
            "content-security-policy",
            format!(
                "default-src 'none'; script-src 'sha256-{SCRIPT_HASH}'; \
                 style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; \
                 form-action 'none'; frame-ancestors 'none'"
            ),
        )
        .header("x-content-type-options", "nosniff")
        .body(PAGE)
        .build()
}
