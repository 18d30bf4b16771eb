//! A stand-in for [Stripe Checkout](https://docs.stripe.com/api/checkout/sessions/create),
//! for `make up` and the tests: no machine here reaches Stripe. It speaks the documented
//! wire format of the one call the app makes (`POST /v1/checkout/sessions`, form-encoded,
//! a secret key as the bearer, `Idempotency-Key`, Stripe's error bodies), records every
//! session, serves a pay page at each session's `url`, and when the payer presses Pay
//! sends the app the signed webhook events Stripe would, then returns them to the
//! session's `success_url`.
//!
//! Routes of its own, not Stripe's: `GET /` (the sessions, newest first),
//! `GET /c/pay/{id}` and `POST /c/pay/{id}` (the pay page and its button),
//! `GET /_standin/sessions` (JSON), `POST /_standin/sessions/{id}/complete` (pay without
//! a browser; answers the webhook's statuses), `POST /_standin/faults`
//! (`{"next": [500]}`: the next calls' answers), `DELETE /_standin/sessions`.

pub mod checkout;
pub mod page;
pub mod webhook;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use fin_standin::{
    digest, html, json as json_answer, see_other, Answer, Handler, Incoming, Method,
};
use serde_json::{json, Value};

use checkout::{Session, StripeError};
use webhook::Endpoint;

#[derive(Default)]
struct State {
    sessions: Vec<Session>,
    /// Idempotency key → (digest of the body, the session answered).
    keys: HashMap<String, (u64, String)>,
    /// Statuses the next `POST /v1/checkout/sessions` are answered with instead.
    faults: VecDeque<u16>,
    calls: usize,
}

/// A running stand-in; it serves until the process ends.
#[derive(Clone)]
pub struct Standin {
    pub port: u16,
    webhook: Arc<Mutex<Option<Endpoint>>>,
    state: Arc<Mutex<State>>,
}

impl Standin {
    /// Serves on `127.0.0.1:<port>` (0: any free port); a paid session's events go to
    /// `webhook` when given.
    pub fn start(port: u16, webhook: Option<Endpoint>) -> std::io::Result<Standin> {
        fin_standin::serve(port, 1024 * 1024, |port| Standin {
            port,
            webhook: Arc::new(Mutex::new(webhook)),
            state: Arc::new(Mutex::new(State::default())),
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Where a paid session's events go from now on (a test app's port is chosen after
    /// its stand-in starts).
    pub fn set_webhook(&self, endpoint: Endpoint) {
        *self.webhook.lock().unwrap_or_else(|p| p.into_inner()) = Some(endpoint);
    }

    /// Every session created so far, oldest first.
    pub fn sessions(&self) -> Vec<Session> {
        self.state().sessions.clone()
    }

    /// How many `POST /v1/checkout/sessions` arrived, whatever they were answered.
    pub fn calls(&self) -> usize {
        self.state().calls
    }

    /// Pays session `id` as its pay page's button does: the webhook statuses.
    pub fn complete(&self, id: &str) -> Result<Vec<u16>, StripeError> {
        let session = {
            let mut state = self.state();
            let session = state
                .sessions
                .iter_mut()
                .find(|s| s.id == id)
                .ok_or_else(|| {
                    StripeError::new(
                        404,
                        "invalid_request_error",
                        "No such checkout session.",
                        Some("id"),
                    )
                })?;
            if session.status == "complete" {
                return Err(StripeError::new(
                    400,
                    "invalid_request_error",
                    "This Checkout Session is already complete.",
                    None,
                ));
            }
            session.status = "complete";
            session.payment_status = "paid";
            session.payment_intent = Some(format!("pi_standin_{}", uuid::Uuid::new_v4().simple()));
            session.clone()
        };
        let endpoint = self
            .webhook
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        Ok(match endpoint {
            Some(endpoint) => webhook::deliver(&endpoint, &webhook::events(&session)),
            None => Vec::new(),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn create(&self, authorization: Option<&str>, key: Option<String>, body: &[u8]) -> Answer {
        let fault = {
            let mut state = self.state();
            state.calls += 1;
            state.faults.pop_front()
        };
        if let Some(status) = fault {
            return error(&StripeError::new(
                status,
                "api_error",
                "An unexpected error occurred (a fault the stand-in was told to give).",
                None,
            ));
        }
        let created = checkout::api_key(authorization).and_then(|livemode| {
            let form = checkout::fields(body);
            let mut session = checkout::parse(&form)?;
            session.livemode = livemode;
            session.url = format!("{}/c/pay/{}", self.url(), session.id);
            session.idempotency_key = key.clone();
            self.record(key, body, session)
        });
        match created {
            Ok(session) => json_answer(200, &session.object()),
            Err(e) => error(&e),
        }
    }

    /// Records the session, or answers the one a request with the same key and body
    /// got, as Stripe does for 24 hours.
    fn record(
        &self,
        key: Option<String>,
        body: &[u8],
        session: Session,
    ) -> Result<Session, StripeError> {
        let digest = digest(body);
        let mut state = self.state();
        if let Some((seen, id)) = key.as_ref().and_then(|k| state.keys.get(k)).cloned() {
            if seen != digest {
                return Err(StripeError::new(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                    None,
                ));
            }
            return state
                .sessions
                .iter()
                .find(|s| s.id == id)
                .cloned()
                .ok_or_else(|| {
                    StripeError::new(500, "api_error", "the remembered session is gone", None)
                });
        }
        if let Some(k) = key {
            state.keys.insert(k, (digest, session.id.clone()));
        }
        state.sessions.push(session.clone());
        Ok(session)
    }

    fn find(&self, id: &str) -> Option<Session> {
        self.state().sessions.iter().find(|s| s.id == id).cloned()
    }

    fn pay_page(&self, id: &str) -> Answer {
        match self.find(id) {
            Some(session) => html(200, page::pay(&session)),
            None => html(404, page::missing()),
        }
    }

    /// The pay button: the webhook, then back to the app's success page.
    fn pay(&self, id: &str) -> Answer {
        match self.complete(id) {
            Ok(_) => see_other(&self.find(id).map(|s| s.success_url).unwrap_or_default()),
            Err(e) if e.status == 404 => html(404, page::missing()),
            Err(_) => self.pay_page(id),
        }
    }

    fn queue_faults(&self, body: &[u8]) -> Answer {
        let next: Option<Vec<u16>> = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v.get("next").and_then(Value::as_array).cloned())
            .and_then(|list| {
                list.iter()
                    .map(|f| f.as_u64().and_then(|s| u16::try_from(s).ok()))
                    .collect()
            });
        match next {
            Some(faults) => {
                let queued = faults.len();
                self.state().faults.extend(faults);
                json_answer(200, &json!({"queued": queued}))
            }
            None => error(&StripeError::new(
                400,
                "invalid_request_error",
                "expected {\"next\": [500, …]}",
                None,
            )),
        }
    }
}

fn error(e: &StripeError) -> Answer {
    json_answer(e.status, &e.body)
}

fn not_found() -> Answer {
    error(&StripeError::new(
        404,
        "invalid_request_error",
        "Unrecognized request URL.",
        None,
    ))
}

impl Handler for Standin {
    fn handle(&self, request: &Incoming) -> Answer {
        let (authorization, key) = (
            request.header("Authorization"),
            request.header("Idempotency-Key").map(str::to_owned),
        );
        let body = &request.body;
        match (&request.method, request.path.as_str()) {
            _ if request.unreadable => error(&StripeError::new(
                400,
                "invalid_request_error",
                "unreadable body",
                None,
            )),
            (Method::Post, "/v1/checkout/sessions") => self.create(authorization, key, body),
            (Method::Get, "/") => html(200, page::list(&self.sessions())),
            (Method::Get, "/_standin/sessions") => json_answer(200, &json!(self.sessions())),
            (Method::Delete, "/_standin/sessions") => {
                let mut state = self.state();
                *state = State::default();
                json_answer(200, &json!({"cleared": true}))
            }
            (Method::Post, "/_standin/faults") => self.queue_faults(body),
            (Method::Post, p) if p.starts_with("/_standin/sessions/") => {
                match p
                    .trim_start_matches("/_standin/sessions/")
                    .strip_suffix("/complete")
                {
                    Some(id) => match self.complete(id) {
                        Ok(statuses) => json_answer(200, &json!({"webhook_statuses": statuses})),
                        Err(e) => error(&e),
                    },
                    None => not_found(),
                }
            }
            (Method::Get, p) if p.starts_with("/c/pay/") => self.pay_page(&p[7..]),
            (Method::Post, p) if p.starts_with("/c/pay/") => self.pay(&p[7..]),
            _ => not_found(),
        }
    }
}
