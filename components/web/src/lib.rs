//! The web app, served by the Spin app itself: the files `app/` builds (mounted at `/` by
//! `spin.toml`), the page for every client route, and — for every other path no bounded
//! context owns — the API's problem+json 404 (Spin's own would be bare text).
//!
//! `plan` decides (natively tested); this edge reads the file and writes the headers.

pub mod plan;

use fin_spin_edge::{ApiRequest, Problem};
use spin_sdk::http::{Method, Response};

use plan::{Plan, SECURITY_HEADERS};

fin_spin_edge::http_component!(route, then secured);

async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let method = req.method.to_string();
    match plan::plan(&method, &req.path, req.header("accept-encoding")) {
        Plan::File {
            file,
            content_type,
            cache,
            encodings,
        } => read(
            &file,
            content_type,
            cache,
            &encodings,
            req.method == Method::Head,
        )
        .ok_or_else(|| Problem::no_route(&req.path)),
        Plan::NotFound => Err(Problem::no_route(req.path.trim_end_matches('/'))),
    }
}

/// Every answer, a 404 included, with the headers that keep the app's pages safe.
fn secured(mut response: Response) -> Response {
    for (name, value) in SECURITY_HEADERS {
        response.set_header(*name, *value);
    }
    response
}

/// The file, precompressed when the browser takes it; `None` when the build has no such
/// file. The mount is read-only, and `plan` has already refused any path that climbs.
fn read(
    file: &str,
    content_type: &str,
    cache: &str,
    encodings: &[(&str, &str)],
    head: bool,
) -> Option<Response> {
    let (bytes, coding) = encodings
        .iter()
        .find_map(|(suffix, coding)| {
            std::fs::read(format!("/{file}{suffix}"))
                .ok()
                .map(|b| (b, Some(*coding)))
        })
        .or_else(|| std::fs::read(format!("/{file}")).ok().map(|b| (b, None)))?;
    let mut builder = Response::builder();
    builder
        .status(200)
        .header("content-type", content_type)
        .header("cache-control", cache)
        .header("vary", "Accept-Encoding");
    if let Some(coding) = coding {
        builder.header("content-encoding", coding);
    }
    Some(builder.body(if head { Vec::new() } else { bytes }).build())
}
