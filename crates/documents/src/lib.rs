//! What a client receives: an invoice laid out on paper and rendered as a PDF, and the
//! same invoice as an EN 16931 e-invoice ([`einvoice`]).
//!
//! Plain Rust that knows nothing of Spin, so layouts are tested natively (and checked as
//! a reader sees them, with poppler's tools, in `tests/`). [`api::document`] builds the
//! [`Invoice`] from what the API answers (every figure computed by billing); this crate
//! only lays it out and draws it.

pub mod amount;
pub mod api;
pub mod einvoice;
mod fonts;
pub mod html;
mod layout;
pub mod model;
mod pdf;
pub mod totals;

pub use layout::Paper;
pub use model::{Invoice, Status};
pub use pdf::{render, RenderError};
