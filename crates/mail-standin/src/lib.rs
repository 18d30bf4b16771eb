//! A stand-in for [Resend](https://resend.com/docs/api-reference/emails/send-email)'s
//! e-mail API, for `make up` and the tests: no machine here reaches the real one. It
//! speaks the documented wire format (`POST /emails`, bearer `re_…` keys,
//! `Idempotency-Key`, Resend's error bodies), records every e-mail it accepts — in memory,
//! and as files under an outbox folder when given one — shows them on a page at `/`, and
//! fails on demand (`POST /_standin/faults`), so delivery's retries can be driven.
//!
//! Routes of its own, not Resend's: `GET /` (the page), `GET /_standin/messages` (JSON),
//! `GET /_standin/messages/{id}/attachments/{n}`, `POST /_standin/faults`
//! (`{"next": [500, 429, "timeout", 422]}`), `DELETE /_standin/messages`.

pub mod page;
pub mod resend;

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use fin_standin::{digest, html, json as json_answer, typed, Answer, Handler, Incoming, Method};
use serde::Serialize;
use serde_json::{json, Value};

use resend::{ApiError, Email};

/// How long a `timeout` fault holds its answer: past any caller's timeout. The e-mail is
/// accepted first, as a real provider may have done when a caller gives up waiting.
pub const STALL: Duration = Duration::from_secs(6);

/// What the next `POST /emails` meets instead of a plain success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answered with this status and Resend's error body; nothing is recorded.
    Status(u16),
    /// Recorded, then answered after [`STALL`].
    Timeout,
}

/// An e-mail the stand-in accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    pub id: String,
    pub received_at: u64,
    pub idempotency_key: Option<String>,
    #[serde(flatten)]
    pub email: Email,
}

#[derive(Default)]
struct State {
    messages: Vec<Received>,
    /// Idempotency key → (digest of the body, the id answered).
    keys: HashMap<String, (u64, String)>,
    faults: VecDeque<Fault>,
    calls: usize,
    outbox: Option<PathBuf>,
}

/// A running stand-in; it serves until the process ends.
#[derive(Clone)]
pub struct Standin {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl Standin {
    /// Serves on `127.0.0.1:<port>` (0: any free port), writing accepted e-mails under
    /// `outbox` when given.
    pub fn start(port: u16, outbox: Option<PathBuf>) -> std::io::Result<Standin> {
        fin_standin::serve(port, 40 * 1024 * 1024, |port| Standin {
            port,
            state: Arc::new(Mutex::new(State {
                outbox,
                ..State::default()
            })),
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every e-mail accepted so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        self.state().messages.clone()
    }

    /// How many `POST /emails` arrived, whatever they were answered.
    pub fn calls(&self) -> usize {
        self.state().calls
    }

    /// Queues faults for the next calls, in order.
    pub fn fail_next(&self, faults: &[Fault]) {
        self.state().faults.extend(faults.iter().copied());
    }

    /// Forgets the faults still queued: the provider is healthy again.
    pub fn heal(&self) {
        self.state().faults.clear();
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn send(&self, authorization: Option<&str>, key: Option<String>, body: &[u8]) -> Answer {
        let fault = {
            let mut state = self.state();
            state.calls += 1;
            state.faults.pop_front()
        };
        if let Some(Fault::Status(status)) = fault {
            return error(&fault_error(status));
        }
        let accepted = resend::api_key(authorization)
            .and_then(|_| resend::parse(body))
            .and_then(|email| self.record(key, body, email));
        match accepted {
            Ok(id) => {
                if fault == Some(Fault::Timeout) {
                    std::thread::sleep(STALL);
                }
                json_answer(200, &json!({ "id": id }))
            }
            Err(e) => error(&e),
        }
    }

    /// Records the e-mail, or answers the id a request with the same key and body got.
    fn record(&self, key: Option<String>, body: &[u8], email: Email) -> Result<String, ApiError> {
        let digest = digest(body);
        let mut state = self.state();
        if let Some((seen, id)) = key.as_ref().and_then(|k| state.keys.get(k)) {
            return if *seen == digest {
                Ok(id.clone())
            } else {
                Err(ApiError::new(
                    409,
                    "invalid_idempotent_request",
                    "Same idempotency key used with a different request payload.",
                ))
            };
        }
        let received = Received {
            id: uuid::Uuid::new_v4().to_string(),
            received_at: fin_standin::unix_now(),
            idempotency_key: key.clone(),
            email,
        };
        if let Some(k) = key {
            state.keys.insert(k, (digest, received.id.clone()));
        }
        if let Some(dir) = &state.outbox {
            // The folder is for people to look at; a write that fails loses only that.
            let _ = write_out(dir, &received);
        }
        state.messages.push(received.clone());
        Ok(received.id)
    }

    fn queue_faults(&self, body: &[u8]) -> Answer {
        let next: Option<Vec<Fault>> = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v.get("next").and_then(Value::as_array).cloned())
            .and_then(|list| {
                list.iter()
                    .map(|f| match f {
                        Value::String(s) if s == "timeout" => Some(Fault::Timeout),
                        Value::Number(n) => n
                            .as_u64()
                            .and_then(|s| u16::try_from(s).ok())
                            .map(Fault::Status),
                        _ => None,
                    })
                    .collect()
            });
        match next {
            Some(faults) => {
                self.fail_next(&faults);
                json_answer(200, &json!({"queued": faults.len()}))
            }
            None => error(&ApiError::new(
                422,
                "validation_error",
                "expected {\"next\": [500, 429, \"timeout\", …]}",
            )),
        }
    }

    fn attachment(&self, path: &str) -> Answer {
        let parts: Vec<&str> = path
            .trim_start_matches("/_standin/messages/")
            .split('/')
            .collect();
        let found = match parts.as_slice() {
            [id, "attachments", n] => n.parse::<usize>().ok().and_then(|n| {
                self.messages()
                    .into_iter()
                    .find(|m| m.id == *id)
                    .and_then(|m| m.email.attachments.get(n).cloned())
            }),
            _ => None,
        };
        match found {
            Some(a) => {
                let kind = a
                    .content_type
                    .unwrap_or_else(|| "application/octet-stream".into());
                typed(a.bytes, 200, &kind)
            }
            None => error(&ApiError::new(404, "not_found", "No such attachment.")),
        }
    }
}

/// The error Resend answers a status with.
fn fault_error(status: u16) -> ApiError {
    match status {
        429 => ApiError::new(
            429,
            "rate_limit_exceeded",
            "Too many requests. Please limit the number of requests per second.",
        ),
        422 => ApiError::new(
            422,
            "validation_error",
            "The recipient address is on the suppression list.",
        ),
        s if s >= 500 => ApiError::new(s, "internal_server_error", "An unexpected error occurred."),
        s => ApiError::new(s, "invalid_request", "The request was refused."),
    }
}

fn error(e: &ApiError) -> Answer {
    json_answer(e.status, &json!(e))
}

/// `<outbox>/<received_at>-<id>/`: message.json, body.txt, body.html and the attachments.
fn write_out(dir: &std::path::Path, m: &Received) -> std::io::Result<()> {
    let folder = dir.join(format!("{}-{}", m.received_at, m.id));
    std::fs::create_dir_all(&folder)?;
    std::fs::write(folder.join("message.json"), serde_json::to_vec_pretty(m)?)?;
    if let Some(text) = &m.email.text {
        std::fs::write(folder.join("body.txt"), text)?;
    }
    if let Some(html) = &m.email.html {
        std::fs::write(folder.join("body.html"), html)?;
    }
    for a in &m.email.attachments {
        let name: String = a
            .filename
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        std::fs::write(folder.join(name), &a.bytes)?;
    }
    Ok(())
}

impl Handler for Standin {
    fn handle(&self, request: &Incoming) -> Answer {
        let authorization = request.header("Authorization");
        let key = request.header("Idempotency-Key").map(str::to_owned);
        let body = &request.body;
        match (&request.method, request.path.as_str()) {
            _ if request.unreadable => {
                error(&ApiError::new(400, "invalid_request", "unreadable body"))
            }
            (Method::Post, "/emails") => self.send(authorization, key, body),
            (Method::Get, "/") => html(200, page::render(&self.messages())),
            (Method::Get, "/_standin/messages") => json_answer(200, &json!(self.messages())),
            (Method::Delete, "/_standin/messages") => {
                let mut state = self.state();
                state.messages.clear();
                state.keys.clear();
                state.calls = 0;
                json_answer(200, &json!({"cleared": true}))
            }
            (Method::Post, "/_standin/faults") => self.queue_faults(body),
            (Method::Get, p) if p.starts_with("/_standin/messages/") => self.attachment(p),
            _ => error(&ApiError::new(
                404,
                "not_found",
                "The requested endpoint does not exist.",
            )),
        }
    }
}
