//! The freelancer's business profile: the seller every invoice document names.
//!
//! Billing keeps it, beside the invoices, so sending an invoice can freeze the seller's
//! details with it in the same statement (issue #17). One per freelancer, read and
//! replaced whole (`GET`/`PUT /business-profile`, with ETag and If-Match like invoices).

pub mod domain;
pub mod http;
pub mod logo;
pub mod store;

pub use domain::{BusinessProfile, ProfileInput};
