use futures::StreamExt;
use serde::de::DeserializeOwned;
use spin_sdk::http::{IncomingRequest, Method};

use fin_idempotency::IdempotencyKey;
use fin_problem::{decode_json, BodyLimit, Problem};

use crate::routes::{resolve, Matched, Route};

/// A request's body, not yet read: a WASI 0.2 request's or, in the WASI 0.3 build, a
/// WASI 0.3 one's.
pub(crate) enum Incoming {
    Wasi2(IncomingRequest),
    #[cfg(feature = "wasi-p3")]
    Wasi3(crate::p3::Body),
}

/// An incoming request whose head has been read and whose body is read on demand, so a
/// route that needs no body never pays for one, and one that does reads at most the limit.
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: String,
    headers: Vec<(String, String)>,
    incoming: Option<Incoming>,
}

impl ApiRequest {
    pub fn new(incoming: IncomingRequest) -> Self {
        let method = incoming.method();
        let path_with_query = incoming.path_with_query().unwrap_or_else(|| "/".to_owned());
        let headers = incoming.headers().entries();
        Self::from_head(method, path_with_query, headers, Incoming::Wasi2(incoming))
    }

    pub(crate) fn from_head(
        method: Method,
        path_with_query: String,
        headers: Vec<(String, Vec<u8>)>,
        incoming: Incoming,
    ) -> Self {
        let (path, query) = match path_with_query.split_once('?') {
            Some((p, q)) => (p.to_owned(), q.to_owned()),
            None => (path_with_query, String::new()),
        };
        // A value that is not UTF-8 (legal obs-text in HTTP) is kept, with U+FFFD for
        // what does not decode, rather than dropped: an `Idempotency-Key` or a token
        // with such bytes is then refused by name, not mistaken for an absent one.
        let headers = headers
            .into_iter()
            .map(|(name, value)| {
                let value = String::from_utf8(value)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                (name.to_ascii_lowercase(), value)
            })
            .collect();
        Self {
            method,
            path,
            query,
            headers,
            incoming: Some(incoming),
        }
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The version an `If-Match` header pins (`"<version>"`, the ETags this API hands
    /// out): `None` when absent or `*`; a value that names no version (a weak, empty or
    /// malformed tag) pins one that never matches, so it gets a 412.
    pub fn if_match(&self) -> Option<i64> {
        let raw = self.header("if-match")?.trim();
        if raw == "*" {
            return None;
        }
        Some(
            raw.strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1),
        )
    }

    /// The route of `routes` this request is for; a 404 or 405 problem when none is.
    /// Path parameters are ids, compared as written: `%00` in one is never decoded, so
    /// it names nothing (404).
    pub fn resolve(&self, routes: &[Route]) -> Result<Matched, Problem> {
        resolve(routes, &self.path, &self.method.to_string())
    }

    /// A header Spin itself sets (`spin-client-addr`, `spin-full-url`): its *last* value.
    /// Spin appends its own after whatever the client sent under the same name, so the
    /// first value may be the client's invention (a `spin-client-addr: 6.6.6.6` sent to
    /// dodge the per-address login throttle arrives first, Spin's real one after it).
    pub fn spin_header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the request came over Spin's service chaining from another component of
    /// this app: Spin gives those the peer address `0.0.0.0:0`, and a client cannot make
    /// Spin's own value that.
    pub fn chained(&self) -> bool {
        self.spin_header("spin-client-addr") == Some("0.0.0.0:0")
    }

    /// The rest of the path after `prefix`, for an internal route only the app's own
    /// components reach: `Ok(None)` when the path is not under `prefix`, and the 404 of
    /// an unrouted path when it is but the request did not come chained (spin.toml
    /// routes no outside request there; this refuses one all the same).
    pub fn internal(&self, prefix: &str) -> Result<Option<String>, Problem> {
        match self.path.strip_prefix(prefix) {
            None => Ok(None),
            Some(_) if !self.chained() => Err(Problem::no_route(&self.path)),
            Some(rest) => Ok(Some(rest.to_owned())),
        }
    }

    /// Where the app is reached from outside (`https://app.example`): the
    /// `public_base_url` variable, or else the scheme and host this request came to —
    /// the base of the links the app hands out (share links, payment return pages).
    pub fn public_base_url(&self) -> Result<String, Problem> {
        let configured: String = crate::config::get("public_base_url")?;
        if !configured.is_empty() {
            return Ok(configured.trim_end_matches('/').to_owned());
        }
        let full = self.spin_header("spin-full-url").unwrap_or_default();
        Ok(full
            .split_once("://")
            .map(|(scheme, rest)| {
                format!("{scheme}://{}", rest.split('/').next().unwrap_or_default())
            })
            .unwrap_or_default())
    }

    /// The peer address Spin saw (`spin-client-addr`), without the port.
    pub fn client_addr(&self) -> Option<String> {
        let raw = self.spin_header("spin-client-addr")?;
        let host = match raw.rsplit_once(':') {
            // `[::1]:1234` or `127.0.0.1:1234`
            Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => raw,
        };
        Some(
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
        )
    }

    /// Reads the body (at most `limit` bytes) and decodes it as JSON into `T`.
    pub async fn json<T: DeserializeOwned>(&mut self, limit: BodyLimit) -> Result<T, Problem> {
        let body = self.body(limit).await?;
        decode_json(self.header("content-type"), &body)
    }

    /// [`json`](Self::json), with the request's `Idempotency-Key` and a digest of the
    /// request (method, path, body) it came with. A malformed key is refused before the
    /// body is read, so a fault of the body's cannot hide it.
    pub async fn json_and_key<T: DeserializeOwned>(
        &mut self,
        limit: BodyLimit,
    ) -> Result<(T, Option<IdempotencyKey>), Problem> {
        let header = self.header("idempotency-key").map(str::to_owned);
        let refused = |e| Problem::validation(vec![e]);
        IdempotencyKey::parse(header.as_deref(), "", b"").map_err(refused)?;
        let body = self.body(limit).await?;
        let input = decode_json(self.header("content-type"), &body)?;
        let line = format!("{:?} {}", self.method, self.path);
        let key = IdempotencyKey::parse(header.as_deref(), &line, &body).map_err(refused)?;
        Ok((input, key))
    }

    /// Reads the raw body, refusing more than `limit` bytes whatever `Content-Length` said.
    pub async fn body(&mut self, limit: BodyLimit) -> Result<Vec<u8>, Problem> {
        limit.check_declared(self.header("content-length"))?;
        let incoming = self
            .incoming
            .take()
            .ok_or_else(|| Problem::bad_request("The request body was already read."))?;
        match incoming {
            Incoming::Wasi2(incoming) => read(incoming, limit).await,
            #[cfg(feature = "wasi-p3")]
            Incoming::Wasi3(body) => crate::p3::read(body, limit).await,
        }
    }
}

/// Reads a WASI 0.2 body, refusing more than `limit` bytes as they arrive.
async fn read(incoming: IncomingRequest, limit: BodyLimit) -> Result<Vec<u8>, Problem> {
    let mut stream = Box::pin(incoming.into_body_stream());
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|_| Problem::bad_request("The request body could not be read."))?;
        body.extend_from_slice(&chunk);
        limit.check_received(body.len())?;
    }
    Ok(body)
}
