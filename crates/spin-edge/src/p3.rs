//! The WASI 0.3 entry point (feature `wasi-p3`): the same routes, exported as
//! `wasi:http/handler@0.3.0-rc-2026-03-15`, which Spin 4 reuses an instance for instead of
//! instantiating one per request (docs/development.md).
//!
//! Only the export changes. Postgres, key-value, variables and outbound HTTP stay the
//! spin-sdk 5.2 imports every component already uses, so no store, no use case and no
//! domain type knows which build it is in. Their calls are synchronous, and the tail
//! suggests that while one runs the instance serves none of the other requests it holds
//! (2026-12-07, this machine: with Spin's default 16 requests per instance, p99 of an
//! authenticated read 47 ms against 13 ms on the 0.2 build, at 1.2× its throughput;
//! `--max-instance-concurrent-reuse-count 1` gave p99 19 ms at 1.1×).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use spin_sdk::http::{Method, Response};
use wasip3::http::types::{ErrorCode, Request as WasiRequest, Response as WasiResponse};
use wasip3::http_compat::{http_from_wasi_request, http_into_wasi_response, IncomingRequestBody};

use fin_problem::{BodyLimit, Problem};

use crate::ApiRequest;

pub use wasip3;

/// A WASI 0.3 request's body, read on demand like a WASI 0.2 one.
pub type Body = IncomingRequestBody;

/// The request's head read into an [`ApiRequest`], its body left unread.
pub fn request(request: WasiRequest) -> Result<ApiRequest, ErrorCode> {
    let request = http_from_wasi_request(request)?;
    let (head, body) = request.into_parts();
    let headers = head
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let path_with_query = head
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    Ok(ApiRequest::from_head(
        method(&head.method),
        path_with_query,
        headers,
        crate::request::Incoming::Wasi3(body),
    ))
}

/// A response of this app's, as the WASI 0.3 handler returns one.
pub fn respond(response: Response) -> Result<WasiResponse, ErrorCode> {
    let mut http = http::Response::builder().status(*response.status());
    for (name, value) in response.headers() {
        http = http.header(name, value.as_bytes());
    }
    let http = http
        .body(Full::new(Bytes::from(response.into_body())))
        .map_err(|e| ErrorCode::InternalError(Some(e.to_string())))?;
    http_into_wasi_response(http)
}

/// Reads a body, refusing more than `limit` bytes whatever `Content-Length` said.
pub(crate) async fn read(mut body: Body, limit: BodyLimit) -> Result<Vec<u8>, Problem> {
    let mut read = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|_| Problem::bad_request("The request body could not be read."))?;
        if let Ok(data) = frame.into_data() {
            read.extend_from_slice(&data);
            limit.check_received(read.len())?;
        }
    }
    Ok(read)
}

fn method(method: &http::Method) -> Method {
    match method.as_str() {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "CONNECT" => Method::Connect,
        "OPTIONS" => Method::Options,
        "TRACE" => Method::Trace,
        "PATCH" => Method::Patch,
        other => Method::Other(other.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_reads_as_the_routes_compare_it() {
        assert_eq!(method(&http::Method::PATCH), Method::Patch);
        assert_eq!(method(&http::Method::OPTIONS), Method::Options);
        let custom = http::Method::from_bytes(b"PURGE").expect("a token");
        assert_eq!(method(&custom), Method::Other("PURGE".into()));
    }
}
