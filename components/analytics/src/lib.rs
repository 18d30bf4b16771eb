//! Analytics: where a freelancer's money stands, as a read model built from billing's
//! events (CQRS: billing writes, this context answers questions).
//!
//! `projection` says what one event means for the read model, `catch_up` brings the read
//! model to the end of billing's event feed over two ports (the feed and the read
//! model), `dashboard` shapes the figures. `store`, `http` and the entry point below know
//! about Spin; the projector (components/analytics/projector, on Spin's Redis trigger)
//! reuses this crate without the HTTP entry point.

pub mod catch_up;
pub mod dashboard;
pub mod error;
pub mod event;
pub mod projection;
pub mod store;

#[cfg(feature = "http-component")]
pub mod http;
#[cfg(feature = "http-component")]
pub mod metrics;

#[cfg(feature = "http-component")]
fin_spin_edge::http_component!(http::route);
