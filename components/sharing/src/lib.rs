//! Sharing: a sent invoice shown to whoever holds its link, with no login.
//!
//! The context owns the links (`share_links`): `domain` says what a link is and how long
//! it works, `store` keeps them (only a digest of each token), `http` serves
//! `/invoices/{id}/share` and `/invoices/{id}/share-links` to the owner and answers, on
//! an internal route the documents and payments components reach by service chaining,
//! what a link opens. The invoice itself stays billing's: a link is made only for an
//! invoice billing's `invoice_directory` view lists as issued and naming a seller, and
//! what it shows is read from billing's `/internal/issued-invoices` routes (`issued`).

pub mod domain;
pub mod error;

pub mod http;
mod issued;
mod store;

fin_spin_edge::http_component!(http::route);
