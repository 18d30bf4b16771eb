//! Delivery: getting an invoice (and, later, its reminders) into the client's mailbox.
//!
//! `domain` says what a delivery is and what each attempt's outcome leads to (sent,
//! retried with backoff, failed for good); `message` writes the e-mail in the client's
//! language; `resend` speaks one provider's API — a second provider is one more file
//! beside it, behind [`provider::Provider`]; `service` queues what billing's feed says
//! is owed and sends what is due, over ports. None of these know about Spin.

pub use fin_problem::Fault;

pub mod account;
pub mod domain;
pub mod invoice;
pub mod message;
pub mod provider;
pub mod resend;
pub mod service;
pub mod settings;

#[cfg(feature = "spin")]
pub mod api;
#[cfg(feature = "spin")]
pub mod http;
#[cfg(feature = "spin")]
pub mod metrics;
#[cfg(feature = "spin")]
pub mod spin;
#[cfg(feature = "spin")]
pub mod store;

#[cfg(feature = "http-component")]
fin_spin_edge::http_component!(http::route);
