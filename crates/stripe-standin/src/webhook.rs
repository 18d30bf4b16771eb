//! What Stripe sends the app when a Checkout payment completes: two signed events for the
//! same money — the session's `checkout.session.completed` and its PaymentIntent's
//! `payment_intent.succeeded` — as Stripe does, so the app's de-duplication is exercised.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::checkout::Session;

/// Where events go and the endpoint's signing secret (`whsec_…`).
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub url: String,
    pub secret: String,
}

/// The two events of a paid session.
pub fn events(session: &Session) -> Vec<Value> {
    let intent = session.payment_intent.clone().unwrap_or_default();
    let created = fin_standin::unix_now();
    let event = |kind: &str, object: Value| {
        json!({
            "id": format!("evt_{}", uuid::Uuid::new_v4().simple()), "object": "event",
            "api_version": "2025-01-27", "created": created, "livemode": session.livemode,
            "pending_webhooks": 1, "type": kind, "data": {"object": object},
        })
    };
    let mut completed = session.object();
    completed["payment_status"] = json!("paid");
    completed["status"] = json!("complete");
    vec![
        event("checkout.session.completed", completed),
        event(
            "payment_intent.succeeded",
            json!({
                "id": intent, "object": "payment_intent", "amount": session.amount_total,
                "amount_received": session.amount_total, "currency": session.currency,
                "status": "succeeded", "metadata": session.payment_intent_metadata,
            }),
        ),
    ]
}

/// `Stripe-Signature: t=<t>,v1=<HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature(secret: &str, t: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Sends each event, signed; the status each got (0: no answer). Stripe would retry a
/// failed delivery for days; the stand-in says what happened and lets the tests resend.
pub fn deliver(endpoint: &Endpoint, events: &[Value]) -> Vec<u16> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    events
        .iter()
        .map(|event| {
            let body = event.to_string();
            let signed = signature(&endpoint.secret, fin_standin::unix_now(), body.as_bytes());
            agent
                .post(&endpoint.url)
                .header("content-type", "application/json")
                .header("stripe-signature", &signed)
                .send(body.as_bytes())
                .map_or(0, |answer| answer.status().as_u16())
        })
        .collect()
}
