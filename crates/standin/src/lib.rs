//! The plumbing of the local stand-ins of APIs no machine here reaches (Resend's e-mail
//! API, Stripe Checkout): a server on `127.0.0.1` that hands each request, read whole, to
//! the stand-in's handler on a thread of its own, and the few kinds of answer they give.
//! What each stand-in speaks is its own crate's business.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
pub use tiny_http::Method;
use tiny_http::{Header, Response, Server};

pub type Answer = tiny_http::ResponseBox;

/// A request, read whole.
pub struct Incoming {
    pub method: Method,
    /// Without the query.
    pub path: String,
    pub body: Vec<u8>,
    /// The body could not be read (or was longer than the limit allows).
    pub unreadable: bool,
    headers: Vec<(String, String)>,
}

impl Incoming {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A stand-in: what answers each request.
pub trait Handler: Clone + Send + 'static {
    fn handle(&self, request: &Incoming) -> Answer;
}

/// Serves on `127.0.0.1:<port>` (0: any free port) until the process ends, each request
/// (its body read up to `max_body` bytes) answered on a thread of its own by the stand-in
/// `make` builds for the port it got (a stand-in's pages link to themselves): that
/// stand-in, for its owner to query.
pub fn serve<H: Handler>(
    port: u16,
    max_body: u64,
    make: impl FnOnce(u16) -> H,
) -> std::io::Result<H> {
    let server = Server::http(("127.0.0.1", port)).map_err(std::io::Error::other)?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or_else(|| std::io::Error::other("no port"))?;
    let standin = make(port);
    let serving = standin.clone();
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let handler = serving.clone();
            std::thread::spawn(move || {
                let mut body = Vec::new();
                let read = request.as_reader().take(max_body).read_to_end(&mut body);
                let incoming = Incoming {
                    method: request.method().clone(),
                    path: request
                        .url()
                        .split('?')
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    body,
                    unreadable: read.is_err(),
                    headers: request
                        .headers()
                        .iter()
                        .map(|h| (h.field.to_string(), h.value.as_str().to_owned()))
                        .collect(),
                };
                let _ = request.respond(handler.handle(&incoming));
            });
        }
    });
    Ok(standin)
}

/// `bytes` with its content type (a type that is no header value is left out).
pub fn typed(bytes: Vec<u8>, status: u16, content_type: &str) -> Answer {
    with_header(
        Response::from_data(bytes).with_status_code(status),
        "Content-Type",
        content_type,
    )
}

pub fn json(status: u16, body: &Value) -> Answer {
    typed(body.to_string().into_bytes(), status, "application/json")
}

pub fn html(status: u16, page: String) -> Answer {
    typed(page.into_bytes(), status, "text/html; charset=utf-8")
}

pub fn see_other(location: &str) -> Answer {
    with_header(
        Response::from_data(Vec::new()).with_status_code(303),
        "Location",
        location,
    )
}

fn with_header(response: Response<std::io::Cursor<Vec<u8>>>, name: &str, value: &str) -> Answer {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(h) => response.with_header(h).boxed(),
        Err(()) => response.boxed(),
    }
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Tells two request bodies apart, for idempotency keys: the same key with another body
/// is refused, as the real APIs do.
pub fn digest(body: &[u8]) -> u64 {
    let mut digest = DefaultHasher::new();
    body.hash(&mut digest);
    digest.finish()
}
