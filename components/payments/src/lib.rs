//! Payments: what a payment provider tells us about money, under `/payments`.
//!
//! The provider (Stripe's webhook format) calls `POST /payments/webhook`; `signature`
//! proves the request is the provider's, `event` reads what it says, `service` settles
//! money with billing (the `ledger` port: billing's settlement, linked) and records every
//! event once. Freelancers list the provider payments made out to them with
//! `GET /payments`, and connect their Stripe account (`connection`, its key sealed by
//! `fin_vault`) so a share link offers "Pay now" (`checkout`: a Stripe Checkout Session for
//! the balance, which the webhook then settles). Only `http`, `store`, `connection_store`, `outbound`, `ledger` and the entry
//! point know about Spin.

pub mod checkout;
pub mod connection;
pub mod error;
pub mod event;
pub mod listing;
pub mod service;
pub mod signature;
pub mod stripe;

mod connection_store;
pub mod http;
/// Billing's settlement linked in (the default), or taken as `fin:billing/invoice-payments`
/// from the billing-service component (the composed profile): the same `Billing`.
#[cfg(not(feature = "composed"))]
mod ledger;
#[cfg(feature = "composed")]
#[path = "ledger_contract.rs"]
mod ledger;
mod outbound;
mod store;

fin_spin_edge::http_component!(http::route);
