//! Billing: invoices, what they add up to, and where they are in their life.
//!
//! The rules are plain Rust. What every commercial document shares — money, decimals,
//! lines, discount, totals, dates, numbering — is `fin_commercial`'s; what is an
//! invoice's own is here: what an invoice may say (`domain`), which status changes are
//! legal (`status`), listing (`listing`), which events a change writes (`events`), how a
//! provider's payment is settled (`settlement`), what a credit note takes back
//! (`credit`) and what is paid back against one (`refund`), and what an issued invoice shows to the
//! sharing context (`issued`). The seller an invoice names is the profile context's
//! (`fin_seller`), read through its `seller_directory` view and frozen when it is sent.
//! `service` runs the use cases over two ports — the invoice store and the clients
//! directory — and only `http`, `store`, `outbox`, `directory` and the entry point below
//! know about Spin.
//!
//! Other contexts link the same crate without its HTTP entry point (the `http-component`
//! feature, which only billing's own build turns on): payments for settlement, the
//! projector and the mailer for the event feed (`feed`). `billing-service`
//! (components/billing/service) exports those two as the WIT contract,
//! `fin:billing/billing-service`, for a component that takes them composed.

pub mod change;
pub mod credit;
pub mod domain;
pub mod error;
pub mod events;
pub mod feed;
pub mod invoice;
pub mod issued;
pub mod listing;
pub mod negotiate;
pub mod outbox;
pub mod parties;
pub mod preview;
pub mod refund;
pub mod service;
pub mod settlement;
pub mod status;
pub mod store;

mod directory;
mod documents;
pub mod http;
#[cfg(test)]
mod memory;

// Only billing's own build exports it (`--features http-component` in spin.toml): a
// component that links the crate has an entry point of its own, and two would collide.
#[cfg(feature = "http-component")]
fin_spin_edge::http_component!(http::route);
