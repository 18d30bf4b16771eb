//! Billing: invoices, what they add up to, and where they are in their life.
//!
//! The rules are plain Rust: money in integer minor units (`money`), exact decimals
//! (`decimal`), what an invoice may say (`domain`), how lines, tax and discount make a
//! total and how it is rounded (`totals`), which status changes are legal (`status`),
//! numbering (`number`), listing (`listing`), which events a change writes (`events`),
//! how a provider's payment is settled (`settlement`), and the links that show a sent
//! invoice to a client (`share`). The seller an invoice names is the profile context's
//! (`fin_seller`), read through its `seller_directory` view and frozen when it is sent. `service` runs the use cases
//! over two ports — the invoice store and the clients directory — and only `http`,
//! `store`, `outbox`, `directory` and the entry point below know about Spin.
//!
//! Other contexts link the same crate without its HTTP entry point (the `http-component`
//! feature, which only billing's own build turns on): payments for settlement, the
//! projector and the mailer for the event feed (`feed`). `billing-service`
//! (components/billing/service) exports those two as the WIT contract,
//! `fin:billing/billing-service`, for a component that takes them composed.

pub mod change;
pub mod decimal;
pub mod domain;
pub mod error;
pub mod events;
pub mod feed;
pub mod invoice;
pub mod listing;
pub mod money;
pub mod negotiate;
pub mod number;
pub mod outbox;
pub mod parties;
pub mod service;
pub mod settlement;
pub mod share;
pub mod status;
pub mod store;
pub mod totals;

mod directory;
mod documents;
pub mod http;
#[cfg(test)]
mod memory;

/// Only billing's own build exports it (`--features http-component` in spin.toml): a
/// component that links the crate has an entry point of its own, and two would collide.
#[cfg(feature = "http-component")]
#[spin_sdk::http_component]
async fn handle(req: spin_sdk::http::IncomingRequest) -> spin_sdk::http::Response {
    http::handle(fin_spin_edge::ApiRequest::new(req)).await
}
