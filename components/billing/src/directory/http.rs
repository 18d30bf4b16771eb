//! The clients context asked over HTTP (`clients_base_url`, its deployment apart from
//! this one) behind a circuit breaker.
//!
//! A 200, a 404 or a 401 is an answer — the breaker counts it as a success; a connect
//! error, a timeout, a 5xx or an unreadable 200 is a failure. While the breaker is open no call is
//! made and the caller gets 503 with `Retry-After` at once.

use fin_breaker::{Breaker, Open};
use fin_spin_edge::kv::SpinKv;
use fin_spin_edge::outbound::{self, Answer, CallError};
use fin_spin_edge::{breaker, config, now, Fault, Problem};

use crate::error::BillingError;
use crate::service::{ClientDirectory, ClientLookup};

use super::ClientView;

pub struct HttpClients {
    base_url: String,
    authorization: String,
    timeout_ms: u64,
    breaker: Breaker<SpinKv>,
}

impl HttpClients {
    /// Reads the settings from Spin variables; `authorization` is the caller's own header,
    /// so clients answers for the same user.
    pub fn open(authorization: &str) -> Result<Self, Problem> {
        let timeout_ms: u64 = config::get("clients_call_timeout_ms")?;
        Ok(Self {
            base_url: config::get::<String>("clients_base_url")?
                .trim_end_matches('/')
                .to_owned(),
            authorization: authorization.to_owned(),
            timeout_ms,
            breaker: breaker::open("clients", timeout_ms)
                .map_err(|fault| Problem::from(BillingError::from(fault)))?,
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
        let url = format!("{}/clients/{client_id}", self.base_url);
        let call = || {
            classify(outbound::get(
                &url,
                &[
                    ("authorization", self.authorization.as_str()),
                    ("accept", "application/json"),
                ],
                self.timeout_ms,
            ))
        };
        let failed =
            |outcome: &Result<Outcome, BillingError>| matches!(outcome, Ok(Outcome::Failed(_)));
        match self
            .breaker
            .call(now, call, failed)
            .map_err(Self::kv_failed)?
        {
            Err(Open { retry_after }) => Err(BillingError::ClientsUnavailable { retry_after }),
            Ok(outcome) => match outcome? {
                Outcome::Answered(lookup) => Ok(lookup),
                Outcome::Failed(reason) => {
                    fin_log::warn!("billing", "clients call failed: {reason}");
                    let retry_after = self.breaker.retry_after(now()).map_err(Self::kv_failed)?;
                    Err(BillingError::ClientsUnavailable { retry_after })
                }
            },
        }
    }
}
