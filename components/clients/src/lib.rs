//! Clients: the people and companies a freelancer invoices.
//!
//! `domain` parses what users type (POST and PATCH share it), `listing` holds the
//! pagination rules, `service` runs the use cases over the `ClientStore` port, and only
//! `http`, `store` and the entry point below know about Spin.

pub mod domain;
pub mod error;
pub mod listing;
pub mod service;

pub mod http;
mod store;

fin_spin_edge::http_component!(http::route);
