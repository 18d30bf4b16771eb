//! Billing's API as the template's owner: the sweeper runs on Spin's Redis trigger, so it
//! makes and sends invoices over HTTP like any client of the API, with a token of the
//! owner's (`fin_spin_edge::auth::acting`). Billing checks everything it checks for the
//! freelancer — the client is theirs, the lines add up — and a period can make nothing
//! the freelancer could not.

use fin_spin_edge::auth::acting::Acting;
use fin_spin_edge::outbound::{self, Answer};
use serde_json::Value;

use crate::issue::{Invoices, Refusal};

pub struct HttpInvoices {
    /// The HTTP app, as the sweeper reaches it (`http://127.0.0.1:3000`, a cluster
    /// service's URL).
    base_url: String,
    timeout_ms: u64,
    acting: Acting,
}

impl HttpInvoices {
    pub fn new(base_url: String, timeout_ms: u64) -> Self {
        Self {
            base_url,
            timeout_ms,
            acting: Acting::default(),
        }
    }

    fn call(
        &self,
        owner: &str,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Answer, Refusal> {
        let token = self.acting.token(owner).map_err(Refusal::Unavailable)?;
        let mut headers = vec![("authorization", token.bearer.as_str())];
        headers.extend_from_slice(extra);
        let url = format!("{}{path}", self.base_url.trim_end_matches('/'));
        outbound::call_or_later(method, &url, &headers, body, self.timeout_ms)
            .map_err(Refusal::Unavailable)
    }
}

impl Invoices for HttpInvoices {
    fn create(&self, owner: &str, key: &str, body: &Value) -> Result<String, Refusal> {
        let body = body.to_string();
        let answer = self.call(
            owner,
            "POST",
            "/invoices",
            &[
                ("content-type", "application/json"),
                ("idempotency-key", key),
            ],
            Some(body.as_bytes()),
        )?;
        if !(200..300).contains(&answer.status) {
            return Err(Refusal::Refused(outbound::refusal_words(&answer)));
        }
        let invoice: Value = serde_json::from_slice(&answer.body)
            .map_err(|e| Refusal::Unavailable(format!("an unreadable invoice: {e}")))?;
        invoice["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Refusal::Unavailable("the invoice came without its id".into()))
    }

    fn send(&self, owner: &str, invoice_id: &str) -> Result<(), Refusal> {
        let path = format!("/invoices/{invoice_id}/send");
        let answer = self.call(owner, "POST", &path, &[], None)?;
        match answer.status {
            200..=299 => Ok(()),
            // Not sendable: sent by an earlier attempt whose answer was lost (done), or
            // changed by the freelancer meanwhile (voided, deleted: refused).
            409 => {
                let read =
                    self.call(owner, "GET", &format!("/invoices/{invoice_id}"), &[], None)?;
                let invoice: Value = serde_json::from_slice(&read.body).unwrap_or(Value::Null);
                match invoice["status"].as_str() {
                    Some("sent" | "paid" | "overdue" | "credited") => Ok(()),
                    _ => Err(Refusal::Refused(outbound::refusal_words(&answer))),
                }
            }
            404 => Err(Refusal::Refused(
                "the invoice was deleted before it was sent".into(),
            )),
            _ => Err(Refusal::Refused(outbound::refusal_words(&answer))),
        }
    }
}
