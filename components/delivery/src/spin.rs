//! The rest of the Spin edge: the provider's HTTP through Spin's outbound HTTP, and the
//! mailer's configuration from Spin variables.

use fin_problem::Fault;
use fin_spin_edge::{config, outbound};

use crate::provider::{Answer, Request};
use crate::service::Transport;

/// The provider's request with a deadline.
pub struct SpinTransport {
    pub timeout_ms: u64,
}

impl Transport for SpinTransport {
    fn send(&self, request: &Request) -> Result<Answer, String> {
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .collect();
        outbound::call(
            "POST",
            &request.url,
            &headers,
            Some(&request.body),
            self.timeout_ms,
        )
        .map(|a| Answer {
            retry_after: a.header("retry-after").and_then(|v| v.trim().parse().ok()),
            status: a.status,
            body: a.body,
        })
        .map_err(|e| format!("{e:?}"))
    }
}

/// A variable the mailer cannot run without.
pub fn setting<T: std::str::FromStr>(name: &str) -> Result<T, Fault> {
    config::get(name)
        .map_err(|_| Fault::Internal(format!("variable `{name}` is missing or invalid")))
}
