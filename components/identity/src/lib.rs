//! Identity: who a freelancer is and how they prove it.
//!
//! `domain` parses what users type, `password` and `throttle` hold the security rules,
//! `service` runs the use cases over the `UserStore` port, `session` the refresh-token
//! rotation over `SessionStore`, and only `http`, `store` and
//! the entry point below know about Spin.

pub mod cookie;
pub mod domain;
pub mod error;
pub mod password;
pub mod service;
pub mod session;
pub mod throttle;

pub mod http;
mod store;

fin_spin_edge::http_component!(http::route);
