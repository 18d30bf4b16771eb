//! The two services "Pay now" calls over HTTP: Stripe's API with the freelancer's key,
//! and the sharing context's internal route (Spin service chaining) for what a link opens.
//! Neither the key nor the link's token is ever logged.

use fin_breaker::{Breaker, Open};
use fin_problem::Fault;
use fin_spin_edge::kv::SpinKv;
use fin_spin_edge::now;
use fin_spin_edge::outbound::{self, Answer, CallError};
use serde::Deserialize;

use crate::checkout::{Shared, Shares, Stripe, StripeFailure};
use crate::stripe::{self, Payable, SecretKey};

pub struct StripeApi {
    /// `https://api.stripe.com`, or the stand-in's address.
    pub base_url: String,
    pub timeout_ms: u64,
    /// `stripe`: Stripe's answers for any freelancer's key count, since an outage of
    /// Stripe is everyone's.
    pub breaker: Breaker<SpinKv>,
}

impl Stripe for StripeApi {
    /// Through the breaker: only Stripe not answering (no answer, a timeout, a 429 or a
    /// 5xx) counts as a failure; a refused key or request is Stripe answering.
    fn create_session(
        &self,
        key: &SecretKey,
        form: &str,
        idempotency_key: &str,
    ) -> Result<String, StripeFailure> {
        let call = || self.call(key, form, idempotency_key);
        let failed =
            |r: &Result<String, StripeFailure>| matches!(r, Err(StripeFailure::Unavailable(_)));
        match self.breaker.call(now, call, failed) {
            Ok(Ok(made)) => made,
            Ok(Err(Open { retry_after })) => Err(StripeFailure::Paused { retry_after }),
            // The breaker's store is down: an outage like Stripe's, and no call is made.
            Err(fault) => Err(StripeFailure::Unavailable(fault.to_string())),
        }
    }
}

impl StripeApi {
    fn call(
        &self,
        key: &SecretKey,
        form: &str,
        idempotency_key: &str,
    ) -> Result<String, StripeFailure> {
        let bearer = format!("Bearer {}", key.expose());
        let url = format!(
            "{}/v1/checkout/sessions",
            self.base_url.trim_end_matches('/')
        );
        let headers = [
            ("authorization", bearer.as_str()),
            ("content-type", "application/x-www-form-urlencoded"),
            ("idempotency-key", idempotency_key),
        ];
        match outbound::call(
            "POST",
            &url,
            &headers,
            Some(form.as_bytes()),
            self.timeout_ms,
        ) {
            Ok(answer @ Answer { status: 200, .. }) => {
                stripe::session_url(&answer.body).map_err(StripeFailure::Unavailable)
            }
            Ok(Answer { status, body, .. }) => {
                let reason = format!("Stripe answered {status}: {}", error_message(&body));
                Err(match status {
                    401 | 403 => StripeFailure::KeyRefused(reason),
                    429 | 500.. => StripeFailure::Unavailable(reason),
                    _ => StripeFailure::Refused(reason),
                })
            }
            Err(CallError::Timeout) => Err(StripeFailure::Unavailable(
                "Stripe did not answer in time".into(),
            )),
            Err(CallError::Transport(e)) => Err(StripeFailure::Unavailable(format!(
                "Stripe unreachable: {e}"
            ))),
            Err(CallError::Request(e)) => {
                Err(StripeFailure::Refused(format!("cannot call Stripe: {e}")))
            }
        }
    }
}

/// `error.message` of Stripe's error body (it never echoes a full key).
fn error_message(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "no error body".into())
}

/// What a link opens, asked of the sharing context (`/internal/shares/{token}`).
pub struct SharedLinks {
    pub base_url: String,
    pub timeout_ms: u64,
}

/// The fields of the shared invoice (billing's view of it) that paying needs.
#[derive(Deserialize)]
struct SharedInvoice {
    id: String,
    number: String,
    status: String,
    currency: Option<String>,
    balance_due: i64,
    version: i64,
    buyer: Option<Buyer>,
}

#[derive(Deserialize)]
struct Buyer {
    email: Option<String>,
}

impl Shares for SharedLinks {
    fn open(&self, token: &str) -> Result<Option<Shared>, Fault> {
        let url = format!("{}/internal/shares/{token}", self.base_url);
        let Some(answer) = outbound::find(&url, "/internal/shares/{token}", self.timeout_ms)?
        else {
            return Ok(None);
        };
        let owner = answer
            .header("share-owner")
            .map(str::to_owned)
            .ok_or_else(|| Fault::Internal("the sharing context's answer names no owner".into()))?;
        let invoice: SharedInvoice = serde_json::from_slice(&answer.body)
            .map_err(|e| Fault::Internal(format!("the sharing context's answer: {e}")))?;
        Ok(Some(Shared {
            status: invoice.status,
            payable: Payable {
                invoice_id: invoice.id,
                owner_id: owner,
                number: invoice.number,
                currency: invoice.currency.unwrap_or_default(),
                balance: invoice.balance_due,
                version: invoice.version,
                buyer_email: invoice
                    .buyer
                    .and_then(|b| b.email)
                    .filter(|e| !e.trim().is_empty()),
            },
        }))
    }
}
