//! Billing's API as the freelancer converting a quote: the request's own
//! `Authorization` goes along, so billing checks everything it checks for them — the
//! client is theirs and not archived, the lines add up — and a conversion can make
//! nothing the freelancer could not.

use fin_spin_edge::outbound;
use serde_json::Value;

use crate::service::{Invoices, Refusal};

pub struct HttpInvoices {
    /// Billing as this component reaches it (`http://billing.spin.internal`).
    pub base_url: String,
    pub authorization: String,
    pub timeout_ms: u64,
}

impl Invoices for HttpInvoices {
    fn create(&self, key: &str, body: &Value) -> Result<String, Refusal> {
        let body = body.to_string();
        let url = format!("{}/invoices", self.base_url.trim_end_matches('/'));
        let headers = [
            ("authorization", self.authorization.as_str()),
            ("content-type", "application/json"),
            ("idempotency-key", key),
        ];
        let answer = outbound::call_or_later(
            "POST",
            &url,
            &headers,
            Some(body.as_bytes()),
            self.timeout_ms,
        )
        .map_err(Refusal::Unavailable)?;
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
}
