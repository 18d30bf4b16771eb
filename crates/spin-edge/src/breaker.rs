//! The circuit breakers in front of every call that leaves the app (clients over HTTP,
//! Stripe's API, the e-mail provider), each over the shared `breaker` key-value store so
//! every instance of every component agrees on its state.
//!
//! A breaker named `x` is configured by the variables `x_breaker_failures` and
//! `x_breaker_cooldown_seconds`; its trial window is the call's timeout plus a second,
//! so a trial that hangs cannot hold the breaker longer than it may take.

use fin_breaker::{Breaker, Open, Permit, Settings, State};
use fin_problem::Fault;

use crate::kv::SpinKv;
use crate::trace::{Kind, Span};

/// Every breaker the app has, by name: what `/readyz` reports.
pub const NAMES: &[&str] = &["clients", "stripe", "mail"];

/// The breaker named `name`, for calls that time out after `call_timeout_ms`.
pub fn open(name: &str, call_timeout_ms: u64) -> Result<Breaker<SpinKv>, Fault> {
    let settings = Settings {
        failure_threshold: variable(&format!("{name}_breaker_failures"))?,
        cooldown: variable(&format!("{name}_breaker_cooldown_seconds"))?,
        trial_window: (call_timeout_ms.div_ceil(1000) + 1) as i64,
    };
    Ok(Breaker::new(SpinKv::open("breaker")?, name, settings).observed(trace_decision))
}

/// `breaker <name>` in the trace, where the decision was made: `breaker.decision` is
/// `call` (closed), `trial` (the half-open trial) or `refuse` (open, with
/// `breaker.retry_after`). Nothing where nothing is traced.
fn trace_decision(name: &str, decision: &Result<Permit, Open>) {
    let mut span = Span::start(&format!("breaker {name}"), Kind::Internal, None);
    span.set("breaker.name", name);
    match decision {
        Ok(Permit::Closed) => span.set("breaker.decision", "call"),
        Ok(Permit::Trial { .. }) => span.set("breaker.decision", "trial"),
        Err(Open { retry_after }) => {
            span.set("breaker.decision", "refuse");
            span.set("breaker.retry_after", &retry_after.to_string());
        }
    }
}

/// What an operator reads of one breaker.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub name: String,
    /// `closed`, `open` or `half_open`.
    pub state: &'static str,
    /// Consecutive failures so far (closed only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failures: Option<i64>,
    /// Seconds until a trial call is allowed (open only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<i64>,
}

impl Report {
    pub fn of(name: &str, state: State) -> Self {
        let (state, failures, retry_after) = match state {
            State::Closed { failures } => ("closed", Some(failures), None),
            State::Open { retry_after } => ("open", None, Some(retry_after)),
            State::HalfOpen => ("half_open", None, None),
        };
        Self {
            name: name.to_owned(),
            state,
            failures,
            retry_after,
        }
    }
}

/// A breaker's setting: a missing or unparsable one is the operator's mistake, a 500.
fn variable(name: &str) -> Result<i64, Fault> {
    spin_sdk::variables::get(name)
        .ok()
        .and_then(|raw| raw.trim().parse().ok())
        .ok_or_else(|| Fault::Internal(format!("variable `{name}` is missing or invalid")))
}
