//! `GET /invoices/{id}` with `Accept: application/pdf` or `application/xml`: the
//! invoice's document, asked of the documents component (which holds the renderer)
//! with the caller's own token, and passed on as it answered.

use fin_spin_edge::auth;
use fin_spin_edge::outbound::{self, CallError};
use fin_spin_edge::{config, ApiRequest, Fault, Problem};
use spin_sdk::http::Response;

/// What of the documents component's answer reaches the caller.
const PASSED_ON: [&str; 6] = [
    "content-type",
    "etag",
    "content-disposition",
    "cache-control",
    "x-content-type-options",
    "retry-after",
];

/// The invoice's document in `format` (`pdf`, `xml`: the documents component's route).
pub fn fetch(req: &ApiRequest, id: &str, format: &str) -> Result<Response, Problem> {
    // Refused tokens are answered here, without a hop.
    auth::authenticate(req)?;
    let base: String = config::get("documents_base_url")?;
    let timeout: u64 = config::get("documents_call_timeout_ms")?;
    let query = match req.query.is_empty() {
        true => String::new(),
        false => format!("?{}", req.query),
    };
    let mut headers = vec![(
        "authorization",
        req.header("authorization").unwrap_or_default(),
    )];
    if let Some(tag) = req.header("if-none-match") {
        headers.push(("if-none-match", tag));
    }
    let url = format!("{base}/invoices/{id}/{format}{query}");
    let answer = outbound::get(&url, &headers, timeout).map_err(|e| {
        let reason = match e {
            CallError::Timeout => "timed out".to_owned(),
            CallError::Transport(r) | CallError::Request(r) => r,
        };
        Fault::Unavailable(format!("documents: {reason}")).into_problem("billing")
    })?;
    let mut response = Response::builder();
    response.status(answer.status).header("vary", "accept");
    for (name, value) in &answer.headers {
        if PASSED_ON.contains(&name.as_str()) {
            response.header(name.as_str(), value.as_str());
        }
    }
    Ok(response.body(answer.body).build())
}
