//! Catalogue: the products and services a freelancer sells again and again — a name, a
//! description, a price in a currency and a tax rate — picked into a document's lines
//! instead of typed each time. A line copies the item's values, so changing or deleting
//! an item never changes a document.
//!
//! `domain` parses what users type (POST and PATCH share it), `listing` the page rules,
//! `service` runs the use cases over the `ItemStore` port, and only `http`, `store` and
//! the entry point below know about Spin.

pub mod domain;
pub mod error;
pub mod listing;
pub mod service;

pub mod http;
mod store;

fin_spin_edge::http_component!(http::route);
