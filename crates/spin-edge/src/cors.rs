//! Cross-origin access for browsers (CORS), the same on every route of every component.
//!
//! Origins come from the `cors_allowed_origins` variable: a comma-separated list of
//! exact origins (`https://app.example`), `*` for any, empty (the default) for none. It
//! is only read when a request carries an `Origin` header, so API clients that are not
//! browsers pay nothing for it. The API authenticates with bearer tokens, never cookies,
//! so it never sends `Access-Control-Allow-Credentials` — and `*` is therefore safe.
//! A disallowed origin gets no CORS headers at all, and the browser refuses the answer.

use spin_sdk::http::{Method, Response};

use crate::ApiRequest;

/// What a browser may send: every method some route takes.
const ALLOW_METHODS: &str = "GET, HEAD, POST, PATCH, DELETE, OPTIONS";
/// The request headers the API reads.
const ALLOW_HEADERS: &str = "Authorization, Content-Type, If-Match, Idempotency-Key";
/// The response headers a client needs to read.
const EXPOSE_HEADERS: &str = "ETag, Location, Retry-After, Idempotent-Replayed, WWW-Authenticate";
/// How long a browser may cache a preflight's answer.
const MAX_AGE_SECONDS: &str = "600";

/// Which origin to name in `Access-Control-Allow-Origin`, if any.
fn allowed(origin: &str, configured: &str) -> Option<String> {
    configured
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .find_map(|o| match o {
            "*" => Some("*".to_owned()),
            o if o.eq_ignore_ascii_case(origin) => Some(origin.to_owned()),
            _ => None,
        })
}

/// The request's origin, if a browser sent one and the configuration allows it.
pub fn allowed_origin(req: &ApiRequest) -> Option<String> {
    let origin = req.header("origin")?;
    let configured = spin_sdk::variables::get("cors_allowed_origins").unwrap_or_default();
    allowed(origin, &configured)
}

/// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`), on any
/// route; `None` for every other request.
pub fn preflight(req: &ApiRequest) -> Option<Response> {
    if req.method != Method::Options || req.header("access-control-request-method").is_none() {
        return None;
    }
    let mut builder = Response::builder();
    builder.status(204).header("vary", "Origin");
    if let Some(origin) = allowed_origin(req) {
        builder
            .header("access-control-allow-origin", origin)
            .header("access-control-allow-methods", ALLOW_METHODS)
            .header("access-control-allow-headers", ALLOW_HEADERS)
            .header("access-control-max-age", MAX_AGE_SECONDS);
    }
    Some(builder.body(Vec::new()).build())
}

/// Adds the CORS headers for `origin` (from [`allowed_origin`]) to any answer.
pub fn allow(origin: Option<String>, mut response: Response) -> Response {
    if let Some(origin) = origin {
        response.set_header("access-control-allow-origin", origin);
        response.set_header("access-control-expose-headers", EXPOSE_HEADERS);
        response.set_header("vary", "Origin");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn only_listed_origins_and_star_are_allowed() {
        let list = "https://app.example, http://127.0.0.1:5173";
        assert_eq!(
            allowed("https://app.example", list).as_deref(),
            Some("https://app.example")
        );
        assert_eq!(
            allowed("http://127.0.0.1:5173", list).as_deref(),
            Some("http://127.0.0.1:5173")
        );
        assert_eq!(allowed("https://evil.example", list), None);
        assert_eq!(
            allowed("https://app.example.evil", list),
            None,
            "exact, not a prefix"
        );
        assert_eq!(
            allowed("https://app.example", ""),
            None,
            "nobody by default"
        );
        assert_eq!(allowed("https://anyone.example", "*").as_deref(), Some("*"));
    }
}
