//! `POST /v1/checkout/sessions` as Stripe reads it: a form-encoded body with bracketed
//! keys (`line_items[0][price_data][unit_amount]`), a secret key as the bearer, and
//! Stripe's error body for what it refuses.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

/// A Checkout Session the stand-in created.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub id: String,
    pub created: u64,
    /// `open` until paid, then `complete`.
    pub status: &'static str,
    /// `unpaid` or `paid`.
    pub payment_status: &'static str,
    pub amount_total: i64,
    /// Lower-case, as Stripe answers it.
    pub currency: String,
    /// `line_items[0][price_data][product_data][name]`.
    pub product: String,
    pub metadata: BTreeMap<String, String>,
    /// `payment_intent_data[metadata]`: what the PaymentIntent will carry.
    pub payment_intent_metadata: BTreeMap<String, String>,
    pub success_url: String,
    pub cancel_url: Option<String>,
    pub client_reference_id: Option<String>,
    pub customer_email: Option<String>,
    /// Set when paid.
    pub payment_intent: Option<String>,
    /// Where the payer is sent: the stand-in's pay page.
    pub url: String,
    /// The secret key's mode (`sk_test_…` is test mode).
    pub livemode: bool,
    pub idempotency_key: Option<String>,
    /// Every form field as it arrived, for the tests.
    pub form: Vec<(String, String)>,
}

impl Session {
    /// The session as Stripe's API answers it.
    pub fn object(&self) -> Value {
        json!({
            "id": self.id, "object": "checkout.session", "created": self.created,
            "mode": "payment", "status": self.status, "payment_status": self.payment_status,
            "amount_total": self.amount_total, "currency": self.currency,
            "metadata": self.metadata, "success_url": self.success_url,
            "cancel_url": self.cancel_url, "client_reference_id": self.client_reference_id,
            "customer_email": self.customer_email, "payment_intent": self.payment_intent,
            "url": self.url, "livemode": self.livemode,
        })
    }
}

/// Stripe's error: `{"error": {"type", "message", "param"}}` with a status.
#[derive(Debug, Clone)]
pub struct StripeError {
    pub status: u16,
    pub body: Value,
}

impl StripeError {
    pub fn new(status: u16, kind: &str, message: &str, param: Option<&str>) -> Self {
        Self {
            status,
            body: json!({"error": {"type": kind, "message": message, "param": param}}),
        }
    }

    fn invalid(param: &str, message: &str) -> Self {
        Self::new(400, "invalid_request_error", message, Some(param))
    }
}

/// The secret key of `Authorization: Bearer sk_…` (or HTTP Basic with the key as the
/// user, as Stripe also takes); whether it is a live key.
pub fn api_key(authorization: Option<&str>) -> Result<bool, StripeError> {
    let refused = || {
        StripeError::new(
            401,
            "invalid_request_error",
            "Invalid API Key provided. The stand-in takes keys that start with sk_test_ or sk_live_.",
            None,
        )
    };
    let key = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(refused)?;
    match key {
        k if k.starts_with("sk_test_") && k.len() > 12 => Ok(false),
        k if k.starts_with("sk_live_") && k.len() > 12 => Ok(true),
        _ => Err(refused()),
    }
}

/// The form's fields, in order.
pub fn fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// A session from the form, as Stripe would check it (the parts this app sends).
pub fn parse(form: &[(String, String)]) -> Result<Session, StripeError> {
    let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let required = |name: &str| {
        get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| StripeError::invalid(name, &format!("Missing required param: {name}.")))
    };
    if required("mode")? != "payment" {
        return Err(StripeError::invalid(
            "mode",
            "The stand-in takes mode=payment only.",
        ));
    }
    let item = "line_items[0]";
    let currency = required(&format!("{item}[price_data][currency]"))?;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(StripeError::invalid(
            "currency",
            &format!("Invalid currency: {currency}. Stripe expects a lower-case ISO code."),
        ));
    }
    let integer = |name: String| {
        required(&name)?
            .parse::<i64>()
            .map_err(|_| StripeError::invalid(&name, &format!("Invalid integer: {name}.")))
    };
    let unit_amount = integer(format!("{item}[price_data][unit_amount]"))?;
    let quantity = integer(format!("{item}[quantity]"))?;
    if unit_amount < 1 || quantity < 1 {
        return Err(StripeError::invalid(
            "line_items",
            "This value must be greater than or equal to 1.",
        ));
    }
    let product = required(&format!("{item}[price_data][product_data][name]"))?;
    let map = |prefix: &str| -> BTreeMap<String, String> {
        form.iter()
            .filter_map(|(k, v)| {
                let name = k
                    .strip_prefix(prefix)?
                    .strip_prefix('[')?
                    .strip_suffix(']')?;
                Some((name.to_owned(), v.clone()))
            })
            .collect()
    };
    let id = format!("cs_test_{}", uuid::Uuid::new_v4().simple());
    Ok(Session {
        url: String::new(),
        id,
        created: fin_standin::unix_now(),
        status: "open",
        payment_status: "unpaid",
        amount_total: unit_amount.saturating_mul(quantity),
        currency,
        product,
        metadata: map("metadata"),
        payment_intent_metadata: map("payment_intent_data[metadata]"),
        success_url: required("success_url")?,
        cancel_url: get("cancel_url"),
        client_reference_id: get("client_reference_id"),
        customer_email: get("customer_email"),
        payment_intent: None,
        livemode: false,
        idempotency_key: None,
        form: form.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(extra: &str) -> Vec<(String, String)> {
        fields(
            format!(
                "mode=payment&line_items[0][price_data][currency]=eur\
                 &line_items[0][price_data][unit_amount]=1250\
                 &line_items[0][price_data][product_data][name]=Invoice%201\
                 &line_items[0][quantity]=2&metadata[invoice_id]=abc\
                 &payment_intent_data[metadata][invoice_id]=abc\
                 &success_url=http%3A%2F%2Fx%2Fok{extra}"
            )
            .as_bytes(),
        )
    }

    #[test]
    fn a_session_reads_amount_currency_and_both_metadata() {
        let s = parse(&form("")).expect("valid");
        assert_eq!((s.amount_total, s.currency.as_str()), (2500, "eur"));
        assert_eq!(
            s.metadata.get("invoice_id").map(String::as_str),
            Some("abc")
        );
        assert_eq!(
            s.payment_intent_metadata
                .get("invoice_id")
                .map(String::as_str),
            Some("abc")
        );
        assert_eq!(s.success_url, "http://x/ok");
        assert_eq!(s.product, "Invoice 1");
    }

    #[test]
    fn what_stripe_refuses_the_stand_in_refuses() {
        let upper = form("")
            .into_iter()
            .map(|(k, v)| match k.ends_with("[currency]") {
                true => (k, "EUR".to_owned()),
                false => (k, v),
            });
        assert_eq!(
            parse(&upper.collect::<Vec<_>>()).err().map(|e| e.status),
            Some(400)
        );
        let no_url: Vec<_> = form("")
            .into_iter()
            .filter(|(k, _)| k != "success_url")
            .collect();
        assert_eq!(parse(&no_url).err().map(|e| e.status), Some(400));
        assert_eq!(api_key(Some("Bearer sk_test_abcdefgh")).ok(), Some(false));
        for bad in [
            None,
            Some("Bearer pk_test_abcdefgh"),
            Some("sk_test_abcdefgh"),
            Some("Bearer sk_test_"),
        ] {
            assert_eq!(api_key(bad).err().map(|e| e.status), Some(401), "{bad:?}");
        }
    }
}
