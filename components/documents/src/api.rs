//! The API as the caller sees it: `GET`s with the caller's own `Authorization`, so a
//! document shows exactly what its owner may read — another freelancer's invoice is a
//! 404 here because it is one there.

use fin_spin_edge::outbound::{self, Answer, CallError};
use fin_spin_edge::{config, Fault, Problem};

pub struct Api {
    billing: String,
    clients: String,
    identity: String,
    authorization: String,
    timeout_ms: u64,
}

impl Api {
    pub fn open(authorization: &str) -> Result<Self, Problem> {
        Ok(Self {
            billing: config::get("billing_base_url")?,
            clients: config::get("clients_base_url")?,
            identity: config::get("identity_base_url")?,
            authorization: authorization.to_owned(),
            timeout_ms: config::get("clients_call_timeout_ms")?,
        })
    }

    pub fn invoice(&self, id: &str) -> Result<Vec<u8>, Problem> {
        self.get(&self.billing, &format!("/invoices/{id}"))?
            .ok_or_else(|| Problem::not_found("There is no such invoice."))
    }

    /// The caller's business profile; `None` until they put one.
    pub fn profile(&self) -> Result<Option<Vec<u8>>, Problem> {
        self.get(&self.billing, "/business-profile")
    }

    pub fn client(&self, id: &str) -> Result<Option<Vec<u8>>, Problem> {
        self.get(&self.clients, &format!("/clients/{id}"))
    }

    /// The caller's account (`name`, `email`), the seller when there is no profile.
    pub fn account(&self) -> Result<Option<Vec<u8>>, Problem> {
        self.get(&self.identity, "/auth/profile")
    }

    /// The body of a 200, `None` for a 404; a refused token stays a 401, and anything
    /// else means a service we depend on cannot answer now: 503, nothing to retry here.
    fn get(&self, base: &str, path: &str) -> Result<Option<Vec<u8>>, Problem> {
        let headers = [
            ("authorization", self.authorization.as_str()),
            ("accept", "application/json"),
        ];
        match outbound::get(&format!("{base}{path}"), &headers, self.timeout_ms) {
            Ok(Answer { status: 200, body }) => Ok(Some(body)),
            Ok(Answer { status: 404, .. }) => Ok(None),
            Ok(Answer { status: 401, .. }) => {
                Err(Problem::unauthorized("The token is no longer accepted."))
            }
            Ok(Answer { status: 503, .. }) | Err(CallError::Timeout) => Err(unavailable(path)),
            Ok(Answer { status, .. }) if status >= 500 => Err(unavailable(path)),
            Ok(Answer { status, .. }) => Err(Fault::Internal(format!(
                "{path} answered {status} to a token documents accepted"
            ))
            .into_problem("documents")),
            Err(CallError::Transport(reason)) => {
                eprintln!("documents: {path}: {reason}");
                Err(unavailable(path))
            }
            Err(CallError::Request(reason)) => {
                Err(Fault::Internal(format!("{path}: {reason}")).into_problem("documents"))
            }
        }
    }
}

/// A 503 with `Retry-After`, the cause logged.
fn unavailable(path: &str) -> Problem {
    Fault::Unavailable(format!("{path} did not answer")).into_problem("documents")
}
