//! Answers whose body is written while it is sent: an account's export is larger than
//! any memory limit a component should have, so it never exists whole.
//!
//! The head is decided first — everything that can still become a problem (the token,
//! the first reads) is asked before the status line goes out. Once bytes are on the wire
//! a failure can no longer be a problem response: the body is then abandoned unfinished,
//! and the host ends the connection without the last chunk, so no client takes half a
//! file for a whole one.

use std::io::{self, Write};

use spin_sdk::http::{IncomingRequest, OutgoingResponse, Response, ResponseOutparam};
use spin_sdk::wit::wasi::http0_2_0::types::OutgoingBody;
use wasi::io::streams::OutputStream;

use fin_problem::{Fault, Problem};

use crate::response::problem;
use crate::{cors, ApiRequest};

/// The most a host takes in one blocking write (`wasi:io/streams`).
const HOST_WRITE_BYTES: usize = 4096;
/// What is gathered before the host is called: a ZIP entry's header is a few dozen bytes.
const BUFFER_BYTES: usize = 64 * 1024;

/// What a streaming route answers: a whole response (a problem, a redirect) or a head
/// and the writer of its body.
pub enum Reply {
    Whole(Response),
    Streamed(Streamed),
}

/// What writes a streamed body into the connection; a fault leaves it unfinished.
pub type BodyWriter = Box<dyn FnOnce(&mut dyn Write) -> Result<(), Fault>>;

/// A `200` whose body `write` produces into the connection.
pub struct Streamed {
    pub headers: Vec<(&'static str, String)>,
    pub write: BodyWriter,
}

/// A component's entry point for routes that may stream:
/// `fin_spin_edge::streaming_component!(http::route);`, `route` an
/// `async fn(&mut ApiRequest) -> Result<Reply, Problem>`.
#[macro_export]
macro_rules! streaming_component {
    ($route:path) => {
        #[::spin_sdk::http_component]
        async fn handle(
            req: ::spin_sdk::http::IncomingRequest,
            out: ::spin_sdk::http::ResponseOutparam,
        ) {
            $crate::stream::serve(req, out, $route).await
        }
    };
}

/// CORS and problems as [`crate::response::serve`] has them; a streamed body written,
/// and finished only if all of it was.
pub async fn serve(
    incoming: IncomingRequest,
    out: ResponseOutparam,
    route: impl AsyncFnOnce(&mut ApiRequest) -> Result<Reply, Problem>,
) {
    let mut req = ApiRequest::new(incoming);
    if let Some(preflight) = cors::preflight(&req) {
        return send_whole(out, preflight).await;
    }
    let origin = cors::allowed_origin(&req);
    let streamed = match route(&mut req).await {
        Ok(Reply::Whole(response)) => return send_whole(out, cors::allow(origin, response)).await,
        Err(refused) => return send_whole(out, cors::allow(origin, problem(refused))).await,
        Ok(Reply::Streamed(streamed)) => streamed,
    };
    let mut head = Response::builder();
    head.status(200);
    for (name, value) in &streamed.headers {
        head.header(*name, value.as_str());
    }
    let head = cors::allow(origin, head.body(Vec::new()).build());
    let Ok(response) = OutgoingResponse::try_from(head) else {
        fin_log::warn!("stream", "the response head could not be built");
        return;
    };
    let Ok(body) = response.body() else {
        fin_log::warn!("stream", "the response body was already taken");
        return;
    };
    out.set(response);
    let outcome = match body.write() {
        Ok(stream) => {
            let mut writer = io::BufWriter::with_capacity(BUFFER_BYTES, Sink { stream });
            let written = (streamed.write)(&mut writer);
            // The last buffered bytes go out before the body may be declared complete.
            written.and_then(|()| {
                writer
                    .flush()
                    .map_err(|e| Fault::Unavailable(format!("the client went away: {e}")))
            })
        }
        Err(()) => Err(Fault::Internal("the response body is not writable".into())),
    };
    match outcome {
        Ok(()) => {
            if let Err(e) = OutgoingBody::finish(body, None) {
                fin_log::warn!("stream", "ending the body failed: {e:?}");
            }
        }
        // Dropped unfinished: the host aborts the response instead of completing it.
        Err(fault) => fin_log::warn!("stream", "abandoned mid-body: {fault:?}"),
    }
}

/// A response whole, as spin-sdk's own entry point sends one.
async fn send_whole(out: ResponseOutparam, mut response: Response) {
    let body = std::mem::take(response.body_mut());
    let Ok(outgoing) = OutgoingResponse::try_from(response) else {
        fin_log::warn!("stream", "a response could not be built");
        return;
    };
    if let Err(e) = out.set_with_body(outgoing, body).await {
        fin_log::warn!("stream", "the body could not be written: {e:?}");
    }
}

/// Writes `bytes` in the pieces the host takes, each waited for.
pub(crate) fn write_all(stream: &OutputStream, bytes: &[u8]) -> io::Result<()> {
    for chunk in bytes.chunks(HOST_WRITE_BYTES) {
        stream
            .blocking_write_and_flush(chunk)
            .map_err(|e| io::Error::new(io::ErrorKind::BrokenPipe, format!("{e:?}")))?;
    }
    Ok(())
}

/// The connection, as `std::io::Write`.
struct Sink {
    stream: OutputStream,
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        write_all(&self.stream, bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
