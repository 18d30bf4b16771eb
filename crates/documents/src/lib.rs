//! What a client receives: an invoice laid out on paper and rendered as a PDF.
//!
//! Plain Rust that knows nothing of Spin, so layouts are tested natively (and checked as
//! a reader sees them, with poppler's tools, in `tests/`). Billing builds the
//! [`Invoice`] from what it stores; this crate only lays out and draws it.

pub mod amount;
mod fonts;
mod layout;
pub mod model;
mod pdf;

pub use layout::Paper;
pub use model::Invoice;
pub use pdf::{render, RenderError};
