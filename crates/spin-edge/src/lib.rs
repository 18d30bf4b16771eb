//! The edge between Spin and a bounded context.
//!
//! Contexts keep their rules in plain Rust; this crate is where requests are read (with a
//! body limit enforced while streaming), where a [`Problem`] becomes an
//! `application/problem+json` response, and where Spin variables and key-value stores are
//! opened. Nothing here may panic on input: every failure is a response.

#[cfg(feature = "auth")]
pub mod auth;
pub mod breaker;
pub mod config;
pub mod cors;
pub mod kv;
pub mod nudge;
pub mod outbound;
pub mod pg;
pub mod request;
pub mod response;
pub mod routes;
pub mod standing;
pub mod stream;

pub use fin_problem::{BodyLimit, Fault, FieldError, Problem, OUTAGE_RETRY_AFTER_SECONDS};
pub use request::ApiRequest;
pub use routes::{Matched, Route};

/// A component's entry point: each request becomes an [`ApiRequest`] and is answered by
/// `route` (an `async fn(&mut ApiRequest) -> Result<Response, Problem>`) through
/// [`response::serve`] — CORS, and every problem as `application/problem+json`. One line
/// per component, so no component answers a request any other way:
/// `fin_spin_edge::http_component!(http::route);`.
#[macro_export]
macro_rules! http_component {
    ($route:path) => {
        #[::spin_sdk::http_component]
        async fn handle(req: ::spin_sdk::http::IncomingRequest) -> ::spin_sdk::http::Response {
            $crate::response::serve($crate::ApiRequest::new(req), $route).await
        }
    };
}

/// Seconds since the Unix epoch, from the host's wall clock.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
