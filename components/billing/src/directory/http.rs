//! The clients context asked over HTTP (`clients_base_url`, its deployment apart from
//! this one) behind a circuit breaker.
//!
//! A 200, a 404 or a 401 is an answer — the breaker counts it as a success; a connect
//! error, a timeout, a 5xx or an unreadable 200 is a failure. While the breaker is open no call is
//! made and the caller gets 503 with `Retry-After` at once.

use fin_breaker::{Breaker, Open, Settings, Transition};
use fin_spin_edge::kv::SpinKv;
use fin_spin_edge::outbound::{self, Answer, CallError};
use fin_spin_edge::{config, now, Fault, Problem};

use crate::error::BillingError;
use crate::service::{ClientDirectory, ClientLookup};

use super::ClientView;

/// The breaker's name in its store: one per downstream service.
const BREAKER: &str = "clients";

pub struct HttpClients {
    base_url: String,
    authorization: String,
    timeout_ms: u64,
    failure_threshold: i64,
    breaker: Breaker<SpinKv>,
}

impl HttpClients {
    /// Reads the settings from Spin variables; `authorization` is the caller's own header,
    /// so clients answers for the same user.
    pub fn open(authorization: &str) -> Result<Self, Problem> {
        let timeout_ms: u64 = config::get("clients_call_timeout_ms")?;
        let settings = Settings {
            failure_threshold: config::get("clients_breaker_failures")?,
            cooldown: config::get("clients_breaker_cooldown_seconds")?,
            // A trial gets the whole call timeout, plus a second of slack.
            trial_window: (timeout_ms.div_ceil(1000) + 1) as i64,
        };
        Ok(Self {
            base_url: config::get::<String>("clients_base_url")?
                .trim_end_matches('/')
                .to_owned(),
            authorization: authorization.to_owned(),
            timeout_ms,
            failure_threshold: settings.failure_threshold,
            breaker: Breaker::new(
                SpinKv::open("breaker")
                    .map_err(|fault| Problem::from(BillingError::from(fault)))?,
                BREAKER,
                settings,
            ),
        })
    }

    /// The breaker's store failed: Redis down is an outage like any other.
    fn kv_failed(fault: Fault) -> BillingError {
        fault.into()
    }
}

/// What one call said, as the breaker sees it.
enum Outcome {
    Answered(ClientLookup),
    Failed(String),
}

fn classify(result: Result<Answer, CallError>) -> Result<Outcome, BillingError> {
    Ok(match result {
        Ok(Answer {
            status: 200, body, ..
        }) => match serde_json::from_slice::<ClientView>(&body) {
            Ok(view) => Outcome::Answered(ClientLookup::from(view)),
            Err(err) => Outcome::Failed(format!("unreadable client: {err}")),
        },
        Ok(Answer { status: 404, .. }) => Outcome::Answered(ClientLookup::Missing),
        Ok(Answer { status, .. }) if status >= 500 => Outcome::Failed(format!("status {status}")),
        // The token was revoked between billing's check and clients' (a logout racing
        // this request): the caller's problem, and clients is up.
        Ok(Answer { status: 401, .. }) => return Err(BillingError::TokenRefused),
        // 403/…: clients is up but refused us; not its outage, not the user's input.
        Ok(Answer { status, .. }) => {
            return Err(Fault::Internal(format!(
                "clients answered {status} to a token billing accepted"
            ))
            .into())
        }
        Err(CallError::Request(reason)) => {
            return Err(Fault::Internal(format!("clients_base_url: {reason}")).into())
        }
        Err(CallError::Timeout) => Outcome::Failed("timed out".into()),
        Err(CallError::Transport(reason)) => Outcome::Failed(reason),
    })
}

impl ClientDirectory for HttpClients {
    fn lookup(&self, client_id: &str) -> Result<ClientLookup, BillingError> {
        let permit = match self.breaker.admit(now()).map_err(Self::kv_failed)? {
            Ok(permit) => permit,
            Err(Open { retry_after }) => {
                return Err(BillingError::ClientsUnavailable { retry_after })
            }
        };
        let url = format!("{}/clients/{client_id}", self.base_url);
        let result = outbound::get(
            &url,
            &[
                ("authorization", self.authorization.as_str()),
                ("accept", "application/json"),
            ],
            self.timeout_ms,
        );
        let outcome = classify(result);
        let succeeded = !matches!(outcome, Ok(Outcome::Failed(_)));
        match self
            .breaker
            .record(permit, succeeded, now())
            .map_err(Self::kv_failed)?
        {
            Some(Transition::Opened) => eprintln!(
                "billing: clients breaker OPEN after {} consecutive failures",
                self.failure_threshold
            ),
            Some(Transition::Reopened) => {
                eprintln!("billing: clients breaker trial failed; open again")
            }
            Some(Transition::Closed) => eprintln!("billing: clients breaker closed"),
            None => {}
        }
        match outcome? {
            Outcome::Answered(lookup) => Ok(lookup),
            Outcome::Failed(reason) => {
                eprintln!("billing: clients call failed: {reason}");
                let retry_after = match self.breaker.state(now()).map_err(Self::kv_failed)? {
                    fin_breaker::State::Open { retry_after } => retry_after,
                    _ => 1,
                };
                Err(BillingError::ClientsUnavailable { retry_after })
            }
        }
    }
}
