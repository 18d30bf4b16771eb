//! Quotes: the offer a freelancer sends before the work. The client opens it on a link
//! of its own and accepts it (typing their name) or declines it, exactly once; an
//! accepted quote becomes a draft invoice through billing's API, exactly once
//! (docs/documents.md).
//!
//! `domain` parses what users type (POST and PATCH share it, and the client's answer),
//! `quote` is the stored quote and its views, `notice` the e-mails a sending owes the
//! client and an answer the freelancer, `event` the news of both on the events channel,
//! `service` the use cases over the `QuoteStore` and `Invoices` ports. Only `http`,
//! `page`, `store`, `api`, `event`'s publishing and the entry point below know about
//! Spin.

pub mod domain;
pub mod error;
pub mod event;
pub mod listing;
pub mod notice;
pub mod quote;
pub mod service;

pub mod api;
pub mod http;
mod page;
mod store;

#[cfg(test)]
mod memory;

fin_spin_edge::http_component!(http::route);
