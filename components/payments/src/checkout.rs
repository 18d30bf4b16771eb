//! "Pay now": a share link's reader is sent to a Stripe Checkout Session for the
//! invoice's balance, over three ports — the link (billing), the freelancer's Stripe
//! connection (this context's table) and Stripe. The webhook that exists settles the
//! money when the session completes; nothing here records a payment.

use fin_problem::Fault;

use crate::stripe::{self, Payable, SecretKey};

/// What a share link opens, as far as paying goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    /// As the API shows it: `sent`, `overdue`, `paid`, `void`.
    pub status: String,
    pub payable: Payable,
}

impl Shared {
    /// Whether there is anything to pay: an issued invoice with a balance.
    pub fn owes(&self) -> bool {
        matches!(self.status.as_str(), "sent" | "overdue") && self.payable.balance > 0
    }
}

/// Billing, through its internal share route.
pub trait Shares {
    /// `None` when the link opens nothing (unknown, expired, revoked).
    fn open(&self, token: &str) -> Result<Option<Shared>, Fault>;
}

/// The freelancers' Stripe connections.
pub trait Connections {
    /// The owner's key, opened; `None` when they have not connected Stripe (or the key
    /// was sealed under a key the app no longer has: they connect again).
    fn secret_key(&self, owner: &str) -> Result<Option<SecretKey>, Fault>;
}

/// Why Stripe made no session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeFailure {
    /// No answer, a timeout, a 429 or a 5xx: a later click may work.
    Unavailable(String),
    /// Stripe failed often enough that its breaker is open: no call was made, and none
    /// will be for `retry_after` seconds.
    Paused { retry_after: i64 },
    /// The key was refused (401, 403: revoked, or without the Checkout permission).
    KeyRefused(String),
    /// Stripe refused the request itself (our defect).
    Refused(String),
}

pub trait Stripe {
    /// Creates (or, for the same idempotency key, finds) a session: its URL.
    fn create_session(
        &self,
        key: &SecretKey,
        form: &str,
        idempotency_key: &str,
    ) -> Result<String, StripeFailure>;
}

/// Where the payer goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pay {
    /// To Stripe's page for this session.
    Checkout(String),
    /// Back to the share page: paid, void, or no balance — it says which.
    NothingToPay,
    /// Back to the share page: the freelancer takes no card payments.
    NotOffered,
}

/// Why paying failed, for the edge to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayError {
    /// The link opens nothing (404, the same for every way it can fail).
    Closed,
    Stripe(StripeFailure),
    Fault(Fault),
}

fin_problem::fault_variant!(PayError);

pub fn pay(
    shares: &impl Shares,
    connections: &impl Connections,
    stripe: &impl Stripe,
    token: &str,
    share_url: &str,
    today: &str,
) -> Result<Pay, PayError> {
    let shared = shares.open(token)?.ok_or(PayError::Closed)?;
    if !shared.owes() {
        return Ok(Pay::NothingToPay);
    }
    let Some(key) = connections.secret_key(&shared.payable.owner_id)? else {
        return Ok(Pay::NotOffered);
    };
    let form = stripe::checkout_form(&shared.payable, share_url);
    let idempotency = stripe::idempotency_key(&shared.payable, today);
    stripe
        .create_session(&key, &form, &idempotency)
        .map(Pay::Checkout)
        .map_err(PayError::Stripe)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    struct OneLink(Option<Shared>);
    impl Shares for OneLink {
        fn open(&self, _token: &str) -> Result<Option<Shared>, Fault> {
            Ok(self.0.clone())
        }
    }

    struct Keys(Option<&'static str>);
    impl Connections for Keys {
        fn secret_key(&self, _owner: &str) -> Result<Option<SecretKey>, Fault> {
            Ok(self.0.and_then(|k| SecretKey::parse(k).ok()))
        }
    }

    #[derive(Default)]
    struct Recorder(RefCell<Vec<(String, String)>>);
    impl Stripe for Recorder {
        fn create_session(
            &self,
            key: &SecretKey,
            form: &str,
            idem: &str,
        ) -> Result<String, StripeFailure> {
            assert_eq!(key.expose(), "sk_test_abcdefghijkl");
            self.0.borrow_mut().push((form.to_owned(), idem.to_owned()));
            Ok("https://checkout.example/c/pay/cs_1".into())
        }
    }

    fn shared(status: &str, balance: i64) -> Shared {
        Shared {
            status: status.into(),
            payable: Payable {
                invoice_id: "inv".into(),
                owner_id: "owner".into(),
                number: "INV-1".into(),
                currency: "EUR".into(),
                balance,
                version: 2,
                buyer_email: None,
            },
        }
    }

    fn run(
        link: Option<Shared>,
        key: Option<&'static str>,
        stripe: &Recorder,
    ) -> Result<Pay, PayError> {
        pay(
            &OneLink(link),
            &Keys(key),
            stripe,
            "tok",
            "https://app/share/tok",
            "2026-12-01",
        )
    }

    #[test]
    fn a_balance_with_a_connection_is_a_session_for_that_balance() {
        let stripe = Recorder::default();
        for status in ["sent", "overdue"] {
            let paid = run(
                Some(shared(status, 1200)),
                Some("sk_test_abcdefghijkl"),
                &stripe,
            );
            assert_eq!(
                paid,
                Ok(Pay::Checkout("https://checkout.example/c/pay/cs_1".into()))
            );
        }
        let calls = stripe.0.borrow();
        assert!(calls[0].0.contains("unit_amount%5D=1200"), "{}", calls[0].0);
        assert_eq!(
            calls[0].1, calls[1].1,
            "the same session for the same balance"
        );
    }

    #[test]
    fn nothing_owed_no_connection_or_no_link_never_reach_stripe() {
        let stripe = Recorder::default();
        let key = Some("sk_test_abcdefghijkl");
        for (status, balance) in [("paid", 0), ("void", 1200), ("sent", 0), ("draft", 1200)] {
            assert_eq!(
                run(Some(shared(status, balance)), key, &stripe),
                Ok(Pay::NothingToPay),
                "{status}"
            );
        }
        assert_eq!(
            run(Some(shared("sent", 1200)), None, &stripe),
            Ok(Pay::NotOffered)
        );
        assert_eq!(run(None, key, &stripe), Err(PayError::Closed));
        assert!(stripe.0.borrow().is_empty());
    }
}
