//! A Stripe event, read as far as this context needs it.
//!
//! Money moves in `payment_intent.succeeded` (`amount_received`) and in
//! `checkout.session.completed` / `checkout.session.async_payment_succeeded` with
//! `payment_status = "paid"` (`amount_total`). Both name the invoice in
//! `metadata.invoice_id` (and may name the freelancer in `metadata.owner_id`). Every
//! other event is acknowledged and recorded as ignored, so Stripe stops retrying it.
//!
//! The same money is often announced twice — a Checkout payment sends both the session
//! and its PaymentIntent — so it is identified by the PaymentIntent's id (`pi_…`),
//! which both carry, not by the event id.

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

/// An event whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    /// `evt_…`: a redelivery carries the same id.
    pub id: String,
    pub event_type: String,
    /// Unix seconds.
    pub created: i64,
    pub livemode: bool,
    pub notice: Notice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Money has moved.
    Money(Money),
    /// Nothing for us to do; the reason is recorded.
    Ignored(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    /// The PaymentIntent id (the session id when a session has none).
    pub payment_ref: String,
    /// `metadata.invoice_id` as sent (empty when absent).
    pub invoice_ref: String,
    /// `metadata.owner_id`, when sent.
    pub owner_ref: Option<String>,
    /// Minor units, as Stripe counts them.
    pub amount: i64,
    /// ISO 4217, upper-cased.
    pub currency: String,
}

/// The envelope every Stripe event has.
#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    created: i64,
    #[serde(default)]
    livemode: bool,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    object: Value,
}

/// Why an event body is unusable (a 400; nothing stored).
pub type Malformed = String;

pub fn parse(body: &[u8]) -> Result<ProviderEvent, Malformed> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| format!("not a Stripe event: {e}"))?;
    // Nothing of an event with U+0000 could be stored (fin_problem::text).
    if let Some(field) = fin_problem::text::json_nul_fields(body).first() {
        return Err(format!("`{field}` holds U+0000, which cannot be stored"));
    }
    if envelope.id.trim().is_empty() || envelope.event_type.trim().is_empty() {
        return Err("`id` and `type` must not be empty".into());
    }
    if OffsetDateTime::from_unix_timestamp(envelope.created).is_err() {
        return Err("`created` is not a time".into());
    }
    let object = &envelope.data.object;
    if !object.is_object() {
        return Err("`data.object` must be an object".into());
    }
    let notice = match envelope.event_type.as_str() {
        "payment_intent.succeeded" => {
            money(object, "amount_received", required_str(object, "id")?)?
        }
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            match object.get("payment_status").and_then(Value::as_str) {
                Some("paid") => {
                    let payment_ref = match object.get("payment_intent") {
                        Some(Value::String(pi)) if !pi.is_empty() => pi.clone(),
                        Some(Value::Object(pi)) => pi
                            .get("id")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                            .ok_or("`payment_intent.id` must be a string")?,
                        _ => required_str(object, "id")?,
                    };
                    money(object, "amount_total", payment_ref)?
                }
                Some(_) => Notice::Ignored("the session is not paid yet"),
                None => return Err("`data.object.payment_status` must be a string".into()),
            }
        }
        _ => Notice::Ignored("an event type this endpoint does not act on"),
    };
    Ok(ProviderEvent {
        id: envelope.id,
        event_type: envelope.event_type,
        created: envelope.created,
        livemode: envelope.livemode,
        notice,
    })
}

fn required_str(object: &Value, field: &str) -> Result<String, Malformed> {
    match object.get(field).and_then(Value::as_str) {
        Some(value) if !value.is_empty() => Ok(value.to_owned()),
        _ => Err(format!("`data.object.{field}` must be a non-empty string")),
    }
}

/// The money an object says has moved; nothing moved when the amount is 0.
fn money(object: &Value, amount_field: &str, payment_ref: String) -> Result<Notice, Malformed> {
    let amount = object
        .get(amount_field)
        .and_then(Value::as_i64)
        .filter(|a| *a >= 0)
        .ok_or_else(|| format!("`data.object.{amount_field}` must be a whole number ≥ 0"))?;
    let currency = object
        .get("currency")
        .and_then(Value::as_str)
        .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()))
        .ok_or("`data.object.currency` must be a three-letter code")?
        .to_ascii_uppercase();
    let metadata = object.get("metadata").and_then(Value::as_object);
    let text = |key: &str| {
        metadata
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if amount == 0 {
        return Ok(Notice::Ignored("no money moved (the amount is 0)"));
    }
    Ok(Notice::Money(Money {
        payment_ref,
        invoice_ref: text("invoice_id").unwrap_or_default(),
        owner_ref: text("owner_id"),
        amount,
        currency,
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(event_type: &str, object: Value) -> Vec<u8> {
        json!({"id": "evt_1", "object": "event", "type": event_type, "created": 1_770_000_000,
               "livemode": false, "data": {"object": object}})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_succeeded_payment_intent_is_money_named_by_its_own_id() {
        let parsed = parse(&event(
            "payment_intent.succeeded",
            json!({"id": "pi_1", "object": "payment_intent", "amount": 5000,
                   "amount_received": 4000, "currency": "eur",
                   "metadata": {"invoice_id": " inv ", "owner_id": "me"}}),
        ))
        .expect("valid");
        assert_eq!(
            parsed.notice,
            Notice::Money(Money {
                payment_ref: "pi_1".into(),
                invoice_ref: "inv".into(),
                owner_ref: Some("me".into()),
                amount: 4000,
                currency: "EUR".into(),
            })
        );
    }

    #[test]
    fn a_paid_checkout_session_is_money_named_by_its_payment_intent() {
        let session = |status: &str| {
            json!({"id": "cs_1", "object": "checkout.session", "amount_total": 1200,
                   "currency": "usd", "payment_status": status, "payment_intent": "pi_9",
                   "metadata": {"invoice_id": "inv"}})
        };
        let parsed = parse(&event("checkout.session.completed", session("paid"))).expect("valid");
        let Notice::Money(money) = parsed.notice else {
            panic!("money expected")
        };
        assert_eq!((money.payment_ref.as_str(), money.amount), ("pi_9", 1200));
        assert_eq!(money.owner_ref, None);
        let unpaid = parse(&event("checkout.session.completed", session("unpaid"))).expect("valid");
        assert!(matches!(unpaid.notice, Notice::Ignored(_)));
    }

    #[test]
    fn other_types_are_ignored_and_money_without_an_invoice_is_still_money() {
        let other = parse(&event("customer.created", json!({"id": "cus_1"}))).expect("valid");
        assert!(matches!(other.notice, Notice::Ignored(_)));
        let zero = parse(&event(
            "payment_intent.succeeded",
            json!({"id": "pi_1", "amount_received": 0, "currency": "eur"}),
        ))
        .expect("valid");
        assert!(matches!(zero.notice, Notice::Ignored(_)));
        let no_metadata = parse(&event(
            "payment_intent.succeeded",
            json!({"id": "pi_1", "amount_received": 1, "currency": "eur"}),
        ))
        .expect("valid");
        let Notice::Money(money) = no_metadata.notice else {
            panic!("money expected")
        };
        assert_eq!(money.invoice_ref, "");
    }

    #[test]
    fn malformed_events_are_refused() {
        let pi = |object: Value| event("payment_intent.succeeded", object);
        let bodies = [
            b"not json".to_vec(),
            b"{}".to_vec(),
            json!({"id": "evt_1", "type": "x", "created": "yesterday", "data": {"object": {}}})
                .to_string()
                .into_bytes(),
            json!({"id": "", "type": "x", "created": 1, "data": {"object": {}}})
                .to_string()
                .into_bytes(),
            event("customer.created", json!([1, 2])),
            pi(json!({"id": "pi_1", "amount_received": "40", "currency": "eur"})),
            pi(json!({"id": "pi_1", "amount_received": -1, "currency": "eur"})),
            pi(json!({"id": "pi_1", "amount_received": 1.5, "currency": "eur"})),
            pi(json!({"id": "pi_1", "amount_received": 1, "currency": "euro"})),
            pi(json!({"amount_received": 1, "currency": "eur"})),
            event(
                "checkout.session.completed",
                json!({"id": "cs_1", "amount_total": 1}),
            ),
        ];
        for body in bodies {
            assert!(parse(&body).is_err(), "{}", String::from_utf8_lossy(&body));
        }
    }
}
