//! Outbound HTTP with a deadline.
//!
//! `spin_sdk::http::send` waits as long as the peer makes it wait, and a component that
//! calls another service must not: a slow dependency would hold every request up. This
//! sends through `wasi:http/outgoing-handler` directly and waits on two things at once —
//! the response and a monotonic-clock timer — so the call ends at the deadline whatever
//! the peer does (the host's connect and first-byte timeouts are set too).

use spin_sdk::wit::wasi::clocks0_2_0::monotonic_clock;
use spin_sdk::wit::wasi::http0_2_0::outgoing_handler;
use spin_sdk::wit::wasi::http0_2_0::types::{
    Fields, IncomingResponse, Method, OutgoingRequest, RequestOptions, Scheme,
};

/// Why a call produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The URL or a header could not be sent (our mistake, not the peer's).
    Request(String),
    /// No connection, a reset, a protocol error: the peer is unreachable.
    Transport(String),
    /// No complete answer within the timeout.
    Timeout,
}

/// A response read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    /// Header names in lower case, values as sent (lossily UTF-8).
    pub headers: Vec<(String, String)>,
}

impl Answer {
    /// The first value of a header, by its lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The largest answer body read (a PDF of the longest invoice is well below); a bigger
/// one is a transport error.
const MAX_ANSWER_BYTES: usize = 4 << 20;

/// `GET url` with `headers`, answered within `timeout_ms` or abandoned.
pub fn get(url: &str, headers: &[(&str, &str)], timeout_ms: u64) -> Result<Answer, CallError> {
    call("GET", url, headers, None, timeout_ms)
}

/// `GET url` of another component's internal route: its answer on 200, `None` on 404,
/// and an outage for anything else (no answer in time, another status) — the peer is
/// part of the app, so whatever it says besides is its trouble, not the caller's.
/// `logged` is the route as a log may name it (a share token never is).
pub fn find(url: &str, logged: &str, timeout_ms: u64) -> Result<Option<Answer>, crate::Fault> {
    let unavailable = crate::Fault::Unavailable;
    let answer = get(url, &[("accept", "application/json")], timeout_ms)
        .map_err(|why| unavailable(format!("{logged}: {why:?}")))?;
    match answer.status {
        200 => Ok(Some(answer)),
        404 => Ok(None),
        status => Err(unavailable(format!("{logged} answered {status}"))),
    }
}

/// `GET url` of another context's API, for a caller reading it on its own behalf (the
/// caller's token in `headers`): the answer of any `accepted` status, `None` for a 404,
/// a refused token still a 401, and anything else the peer's trouble — an outage (503)
/// when it cannot answer, a defect (500) when it answers what it should not. `logged` is
/// the path as logs may show it, `context` who asked.
pub fn read_as_caller(
    url: &str,
    headers: &[(&str, &str)],
    timeout_ms: u64,
    accepted: &[u16],
    logged: &str,
    context: &str,
) -> Result<Option<Answer>, crate::Problem> {
    let unavailable =
        || crate::Fault::Unavailable(format!("{logged} did not answer")).into_problem(context);
    let defect = |reason: String| crate::Fault::Internal(reason).into_problem(context);
    match get(url, headers, timeout_ms) {
        Ok(Answer { status: 404, .. }) => Ok(None),
        Ok(answer) if accepted.contains(&answer.status) => Ok(Some(answer)),
        Ok(Answer { status: 401, .. }) => Err(crate::Problem::unauthorized(
            "The token is no longer accepted.",
        )),
        Ok(Answer { status, .. }) if status >= 500 => Err(unavailable()),
        Ok(Answer { status, .. }) => Err(defect(format!(
            "{logged} answered {status} to a request {context} made"
        ))),
        Err(CallError::Timeout) => Err(unavailable()),
        Err(CallError::Transport(reason)) => {
            fin_log::warn!(context, "{logged}: {reason}");
            Err(unavailable())
        }
        Err(CallError::Request(reason)) => Err(defect(format!("{logged}: {reason}"))),
    }
}

/// [`call`] to another context of this app, for a caller that retries: every outcome
/// that means "not now" — no answer in time, no connection, a 5xx, a 429, or a 401 (the
/// peer could not read its token rules) — is `Err` with the reason to log, and every
/// other answer, refusals included, is the peer's to read.
pub fn call_or_later(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
    timeout_ms: u64,
) -> Result<Answer, String> {
    let path = split_url(url).map_or(url, |(_, _, path)| path);
    match call(method, url, headers, body, timeout_ms) {
        Ok(answer) if answer.status >= 500 || answer.status == 429 || answer.status == 401 => {
            Err(format!("{method} {path}: {}", answer.status))
        }
        Ok(answer) => Ok(answer),
        Err(CallError::Timeout) => Err(format!("{method} {path}: timed out")),
        Err(e) => Err(format!("{method} {path}: {e:?}")),
    }
}

/// A refusal in the peer's own words: its problem's field errors, else its `detail`,
/// else its title — what a freelancer is shown of why another context said no.
pub fn refusal_words(answer: &Answer) -> String {
    let problem: serde_json::Value =
        serde_json::from_slice(&answer.body).unwrap_or(serde_json::Value::Null);
    let errors = problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    Some(format!(
                        "{} {}",
                        e["field"].as_str()?,
                        e["message"].as_str()?
                    ))
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|e| !e.is_empty());
    errors
        .or_else(|| problem["detail"].as_str().map(str::to_owned))
        .or_else(|| problem["title"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("the answer was {}", answer.status))
}

/// `method url` with `headers` and, for POST, PUT and PATCH, `body`; answered within
/// `timeout_ms` or abandoned (the body's writing included).
pub fn call(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
    timeout_ms: u64,
) -> Result<Answer, CallError> {
    let (scheme, authority, path) = split_url(url)
        .ok_or_else(|| CallError::Request(format!("`{url}` is not an absolute http(s) URL")))?;
    let fields = Fields::new();
    for (name, value) in headers {
        fields
            .append(name, value.as_bytes())
            .map_err(|e| CallError::Request(format!("header {name}: {e:?}")))?;
    }
    let request = OutgoingRequest::new(fields);
    let scheme = match scheme {
        "https" => Scheme::Https,
        _ => Scheme::Http,
    };
    let method = match method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        other => return Err(CallError::Request(format!("method {other}"))),
    };
    let outgoing = request
        .body()
        .map_err(|()| CallError::Request("request body already taken".into()))?;
    request
        .set_method(&method)
        .and_then(|()| request.set_scheme(Some(&scheme)))
        .and_then(|()| request.set_authority(Some(authority)))
        .and_then(|()| request.set_path_with_query(Some(path)))
        .map_err(|()| CallError::Request(format!("cannot address `{url}`")))?;

    let timeout_ns = timeout_ms.saturating_mul(1_000_000);
    let options = RequestOptions::new();
    // Hosts may refuse to set these; the timer below is the deadline that counts.
    let _ = options.set_connect_timeout(Some(timeout_ns));
    let _ = options.set_first_byte_timeout(Some(timeout_ns));
    let _ = options.set_between_bytes_timeout(Some(timeout_ns));

    let deadline = monotonic_clock::now().saturating_add(timeout_ns);
    let pending = outgoing_handler::handle(request, Some(options))
        .map_err(|e| CallError::Transport(format!("{e:?}")))?;
    write_body(outgoing, body.unwrap_or_default())?;
    let response = loop {
        if let Some(result) = pending.get() {
            break result
                .map_err(|()| CallError::Transport("response already taken".into()))?
                .map_err(|e| CallError::Transport(format!("{e:?}")))?;
        }
        wait(&pending.subscribe(), deadline)?;
    };
    read(response, deadline)
}

/// Writes the whole body (the host is already sending the request) and ends it.
fn write_body(
    outgoing: spin_sdk::wit::wasi::http0_2_0::types::OutgoingBody,
    bytes: &[u8],
) -> Result<(), CallError> {
    {
        let stream = outgoing
            .write()
            .map_err(|()| CallError::Request("request body unwritable".into()))?;
        crate::stream::write_all(&stream, bytes)
            .map_err(|e| CallError::Transport(format!("writing the body: {e}")))?;
    }
    spin_sdk::wit::wasi::http0_2_0::types::OutgoingBody::finish(outgoing, None)
        .map_err(|e| CallError::Transport(format!("ending the body: {e:?}")))
}

/// Waits until `ready` fires or the deadline passes.
fn wait(ready: &wasi::io::poll::Pollable, deadline: u64) -> Result<(), CallError> {
    let timer = monotonic_clock::subscribe_instant(deadline);
    let fired = wasi::io::poll::poll(&[ready, &timer]);
    if fired.contains(&0) {
        Ok(())
    } else {
        Err(CallError::Timeout)
    }
}

fn read(response: IncomingResponse, deadline: u64) -> Result<Answer, CallError> {
    let status = response.status();
    let headers = response
        .headers()
        .entries()
        .into_iter()
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                String::from_utf8_lossy(&value).into_owned(),
            )
        })
        .collect();
    let body = response
        .consume()
        .map_err(|()| CallError::Transport("response body unavailable".into()))?;
    let stream = body
        .stream()
        .map_err(|()| CallError::Transport("response body unavailable".into()))?;
    let mut bytes = Vec::new();
    loop {
        match stream.read(64 * 1024) {
            Ok(chunk) if chunk.is_empty() => wait(&stream.subscribe(), deadline)?,
            Ok(chunk) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > MAX_ANSWER_BYTES {
                    return Err(CallError::Transport("response body too large".into()));
                }
            }
            Err(wasi::io::streams::StreamError::Closed) => break,
            Err(e) => return Err(CallError::Transport(format!("{e:?}"))),
        }
    }
    Ok(Answer {
        status,
        body: bytes,
        headers,
    })
}

/// `http://host:port/prefix` → (`http`, `host:port`, `/prefix`).
fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    (!authority.is_empty()).then_some((scheme, authority, path))
}

#[cfg(test)]
mod tests {
    use super::split_url;

    #[test]
    fn splits_absolute_urls() {
        assert_eq!(
            split_url("http://clients.spin.internal/clients/1"),
            Some(("http", "clients.spin.internal", "/clients/1"))
        );
        assert_eq!(
            split_url("https://127.0.0.1:8080"),
            Some(("https", "127.0.0.1:8080", "/"))
        );
        assert_eq!(split_url("ftp://x/y"), None);
        assert_eq!(split_url("clients.spin.internal/x"), None);
        assert_eq!(split_url("http:///x"), None);
    }
}
