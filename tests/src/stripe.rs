//! Stripe's side of the webhook, computed independently of the app's own code: events
//! as Stripe shapes them and the `Stripe-Signature` header it would send.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::dates::now;
use crate::{Call, Client, WEBHOOK_SECRET};

/// `t=<t>,v1=<HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// `POST /payments/webhook` with `event`, signed now with the app's secret, as Stripe
/// would send it.
pub fn delivery(client: &Client, event: &Value) -> Call {
    let body = event.to_string().into_bytes();
    let signature = signature(WEBHOOK_SECRET, now(), &body);
    client
        .post("/payments/webhook")
        .header("stripe-signature", &signature)
        .raw("application/json", body)
}

/// A Stripe event of `event_type` about `object`.
pub fn event(event_id: &str, event_type: &str, object: Value) -> Value {
    json!({"id": event_id, "object": "event", "api_version": "2025-01-27",
           "created": now(), "livemode": false, "pending_webhooks": 1,
           "type": event_type, "data": {"object": object}})
}

/// `payment_intent.succeeded` for `amount` minor units of `currency` naming `invoice_id`.
pub fn payment_intent(
    event_id: &str,
    intent: &str,
    amount: i64,
    currency: &str,
    metadata: Value,
) -> Value {
    event(
        event_id,
        "payment_intent.succeeded",
        json!({"id": intent, "object": "payment_intent", "amount": amount,
               "amount_received": amount, "currency": currency, "status": "succeeded",
               "metadata": metadata}),
    )
}

/// `checkout.session.completed`, paid, for the PaymentIntent `intent`.
pub fn checkout_session(
    event_id: &str,
    intent: &str,
    amount: i64,
    currency: &str,
    metadata: Value,
) -> Value {
    event(
        event_id,
        "checkout.session.completed",
        json!({"id": format!("cs_{intent}"), "object": "checkout.session",
               "amount_total": amount, "currency": currency, "payment_status": "paid",
               "payment_intent": intent, "mode": "payment", "metadata": metadata}),
    )
}
