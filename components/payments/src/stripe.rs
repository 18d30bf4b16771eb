//! Stripe as this context speaks to it: a freelancer's secret key, parsed, and the
//! Checkout Session that asks a client for an invoice's balance — the form Stripe's API
//! takes and the one field of its answer we need.

use serde::Deserialize;

/// A Stripe secret key (`sk_…`) or restricted key (`rk_…`), test or live.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl std::fmt::Debug for SecretKey {
    /// Never the key itself: a debug print must not put it in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(…{})", self.last4())
    }
}

impl SecretKey {
    /// A key as the Stripe dashboard shows it; a publishable key (`pk_…`) is refused by
    /// name, it is the mistake people make.
    pub fn parse(key: &str) -> Result<SecretKey, String> {
        if key.starts_with("pk_") {
            return Err("this is a publishable key (pk_…); the secret key starts with sk_ (or rk_ for a restricted key)".into());
        }
        let rest = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
            .iter()
            .find_map(|prefix| key.strip_prefix(prefix))
            .ok_or("a Stripe secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_")?;
        if !(10..=250).contains(&rest.len()) || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err("is not a Stripe key: letters and digits follow the prefix".into());
        }
        Ok(SecretKey(key.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn livemode(&self) -> bool {
        self.0.contains("_live_")
    }

    /// The last four characters, which Stripe's dashboard shows too: enough to tell
    /// two keys apart, nothing to use.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }
}

/// What a payer is asked to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payable {
    pub invoice_id: String,
    pub owner_id: String,
    pub number: String,
    /// ISO 4217, upper-case (Stripe takes it lower-case).
    pub currency: String,
    /// Minor units, > 0.
    pub balance: i64,
    pub version: i64,
    pub buyer_email: Option<String>,
}

/// The `POST /v1/checkout/sessions` form: one line for the balance, the invoice and
/// owner on the session and on its PaymentIntent (the webhook reads either), and back
/// to the share page either way.
pub fn checkout_form(payable: &Payable, share_url: &str) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    let item = "line_items[0]";
    form.append_pair("mode", "payment")
        .append_pair(&format!("{item}[quantity]"), "1")
        .append_pair(
            &format!("{item}[price_data][currency]"),
            &payable.currency.to_ascii_lowercase(),
        )
        .append_pair(
            &format!("{item}[price_data][unit_amount]"),
            &payable.balance.to_string(),
        )
        .append_pair(
            &format!("{item}[price_data][product_data][name]"),
            &format!("Invoice {}", payable.number),
        )
        .append_pair("client_reference_id", &payable.invoice_id)
        .append_pair("success_url", &format!("{share_url}?checkout=done"))
        .append_pair("cancel_url", share_url);
    for prefix in ["metadata", "payment_intent_data[metadata]"] {
        form.append_pair(&format!("{prefix}[invoice_id]"), &payable.invoice_id)
            .append_pair(&format!("{prefix}[owner_id]"), &payable.owner_id);
    }
    if let Some(email) = &payable.buyer_email {
        form.append_pair("customer_email", email);
    }
    form.finish()
}

/// One session per invoice, version and balance a day: a payer who clicks twice (or an
/// e-mail scanner that follows the link) gets the same session back from Stripe, which
/// keeps keys 24 hours — less than a session lives, so a remembered key never names an
/// expired session.
pub fn idempotency_key(payable: &Payable, today: &str) -> String {
    format!(
        "fin-checkout/{}/{}/{}/{today}",
        payable.invoice_id, payable.version, payable.balance
    )
}

/// The payer's way to the session: its `url`.
pub fn session_url(body: &[u8]) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Created {
        url: Option<String>,
    }
    let created: Created =
        serde_json::from_slice(body).map_err(|e| format!("unreadable session: {e}"))?;
    created
        .url
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| "the session came without a url".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payable() -> Payable {
        Payable {
            invoice_id: "3b0c…".into(),
            owner_id: "owner".into(),
            number: "INV-2026-0007".into(),
            currency: "EUR".into(),
            balance: 58411,
            version: 3,
            buyer_email: Some("ap@acme.example".into()),
        }
    }

    #[test]
    fn keys_are_secret_or_restricted_and_never_printed() {
        let key = SecretKey::parse("sk_test_51HabcdefghijKLMN").expect("a test key");
        assert!(
            SecretKey::parse(" sk_test_51HabcdefghijKLMN").is_err(),
            "as pasted, not trimmed: the spec's pattern says so"
        );
        assert!(!key.livemode());
        assert_eq!(key.last4(), "KLMN");
        assert!(!format!("{key:?}").contains("51Habcdef"));
        assert!(SecretKey::parse("rk_live_abcdefghijkl")
            .expect("restricted")
            .livemode());
        for bad in [
            "",
            "pk_test_abcdefghijkl",
            "sk_test_short",
            "sk_test_abc def ghi jkl",
            "whsec_abcdefghijkl",
            "sk_prod_abcdefghijkl",
        ] {
            assert!(SecretKey::parse(bad).is_err(), "{bad}");
        }
        assert!(SecretKey::parse("pk_test_abcdefghijkl")
            .err()
            .is_some_and(|e| e.contains("publishable")));
    }

    #[test]
    fn the_form_asks_the_balance_in_the_currency_and_names_the_invoice_twice() {
        let form = checkout_form(&payable(), "https://app.example/share/tok");
        let fields: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes())
            .into_owned()
            .collect();
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("line_items[0][price_data][unit_amount]"), Some("58411"));
        assert_eq!(get("line_items[0][price_data][currency]"), Some("eur"));
        assert_eq!(get("metadata[invoice_id]"), Some("3b0c…"));
        assert_eq!(
            get("payment_intent_data[metadata][owner_id]"),
            Some("owner")
        );
        assert_eq!(
            get("success_url"),
            Some("https://app.example/share/tok?checkout=done")
        );
        assert_eq!(get("cancel_url"), Some("https://app.example/share/tok"));
        assert_eq!(get("customer_email"), Some("ap@acme.example"));
    }

    #[test]
    fn a_new_balance_is_a_new_session_and_the_same_one_is_not() {
        let one = idempotency_key(&payable(), "2026-12-01");
        assert_eq!(one, idempotency_key(&payable(), "2026-12-01"));
        let partly_paid = Payable {
            balance: 8411,
            version: 4,
            ..payable()
        };
        assert_ne!(one, idempotency_key(&partly_paid, "2026-12-01"));
        assert_ne!(one, idempotency_key(&payable(), "2026-12-02"));
        assert_eq!(
            session_url(br#"{"id":"cs_1","url":"https://checkout.stripe.com/c/pay/cs_1"}"#)
                .as_deref(),
            Ok("https://checkout.stripe.com/c/pay/cs_1")
        );
        assert!(session_url(br#"{"id":"cs_1","url":"javascript:alert(1)"}"#).is_err());
        assert!(session_url(b"<html>").is_err());
    }
}
