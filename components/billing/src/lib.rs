//! Billing: invoices, what they add up to, and where they are in their life.
//!
//! The rules are plain Rust: money in integer minor units (`money`), exact decimals
//! (`decimal`), what an invoice may say (`domain`), how lines, tax and discount make a
//! total and how it is rounded (`totals`), which status changes are legal (`status`),
//! numbering (`number`) and listing (`listing`). `service` runs the use cases over two
//! ports — the invoice store and the clients directory — and only `http`, `store`,
//! `directory` and the entry point below know about Spin.

pub mod decimal;
pub mod domain;
pub mod error;
pub mod invoice;
pub mod listing;
pub mod money;
pub mod number;
pub mod service;
pub mod status;
pub mod totals;

mod directory;
mod http;
mod store;

use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest) -> Response {
    http::handle(fin_spin_edge::ApiRequest::new(req)).await
}
