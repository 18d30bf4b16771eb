//! Billing: invoices, what they add up to, and where they are in their life.
//!
//! This crate holds the rules only, in plain Rust: money in integer minor units
//! (`money`), how lines, tax and discount make a total and how it is rounded (`totals`),
//! which status changes are legal (`status`) and what an invoice number looks like
//! (`number`). The Spin component (routes, store, the breaker towards clients) builds on it.

pub mod money;
pub mod number;
pub mod status;
pub mod totals;
