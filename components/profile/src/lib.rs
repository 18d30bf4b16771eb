//! The business profile: who the freelancer is as a seller — legal and trading name,
//! address, tax id, bank details, payment terms — and the logo every document prints.
//!
//! `domain` parses what a freelancer types, `logo` accepts a picture only when it
//! decodes whole, `store` keeps both in Postgres and `http` serves `/business-profile`.
//! The context publishes the seller as `fin_seller::BusinessProfile` through the
//! `seller_directory` and `seller_logos` views (migration V21): billing freezes it on an
//! invoice when sending, and share links name it. It reads one thing of another context:
//! billing's `issued_logos` view, so a picture an issued invoice names is never deleted.

pub mod domain;
pub mod error;
pub mod logo;

pub mod http;
mod store;

fin_spin_edge::http_component!(http::route);
