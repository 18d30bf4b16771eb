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
pub mod metrics;
pub mod nudge;
pub mod outbound;
#[cfg(feature = "wasi-p3")]
pub mod p3;
pub mod pg;
pub mod request;
pub mod response;
pub mod routes;
pub mod standing;
pub mod stream;
pub mod trace;

pub use fin_problem::{BodyLimit, Fault, FieldError, Problem, OUTAGE_RETRY_AFTER_SECONDS};
pub use request::ApiRequest;
pub use routes::{Matched, Route};

/// A component's entry point: each request becomes an [`ApiRequest`] and is answered by
/// `route` (an `async fn(&mut ApiRequest) -> Result<Response, Problem>`) through
/// [`response::serve`] — CORS, and every problem as `application/problem+json`. One line
/// per component, so no component answers a request any other way:
/// `fin_spin_edge::http_component!(http::route);`, or
/// `fin_spin_edge::http_component!(route, then finish);` to pass every response,
/// problems included, through `finish` (`fn(Response) -> Response`).
///
/// It exports the WASI 0.2 handler, or with the feature `wasi-p3` the WASI 0.3 one
/// ([`p3`]); `FIN_WASI` picks which when the app is built (scripts/build-component.sh).
#[cfg(not(feature = "wasi-p3"))]
#[macro_export]
macro_rules! http_component {
    ($route:path) => {
        $crate::http_component!($route, then std::convert::identity);
    };
    ($route:path, then $finish:path) => {
        #[::spin_sdk::http_component]
        async fn handle(req: ::spin_sdk::http::IncomingRequest) -> ::spin_sdk::http::Response {
            $finish($crate::response::serve($crate::ApiRequest::new(req), $route).await)
        }
    };
}

#[cfg(feature = "wasi-p3")]
#[macro_export]
macro_rules! http_component {
    ($route:path) => {
        $crate::http_component!($route, then std::convert::identity);
    };
    ($route:path, then $finish:path) => {
        struct FinHandler;
        $crate::p3::wasip3::http::service::export!(FinHandler);
        impl $crate::p3::wasip3::exports::http::handler::Guest for FinHandler {
            async fn handle(
                request: $crate::p3::wasip3::http::types::Request,
            ) -> ::std::result::Result<
                $crate::p3::wasip3::http::types::Response,
                $crate::p3::wasip3::http::types::ErrorCode,
            > {
                let request = $crate::p3::request(request)?;
                $crate::p3::respond($finish($crate::response::serve(request, $route).await))
            }
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
