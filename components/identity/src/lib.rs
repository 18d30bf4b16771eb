//! Identity: who a freelancer is and how they prove it.
//!
//! `domain` parses what users type, `password` and `throttle` hold the security rules,
//! `service` runs registration and login over the `UserStore` port, `session` the
//! refresh-token rotation and the sessions over `SessionStore`, `account` the reset,
//! verification and password change over `AccountStore` (with `links` for the e-mailed
//! tokens, `mail` for the e-mails' texts and `security` for the log), `email_change` the
//! move to another address over `EmailChangeStore`, `erasure` the account's end over
//! `ErasureStore`, `two_factor` the
//! second factor over `TwoFactorStore` (with `totp` for its keys and codes), and only `http`,
//! `store` and the entry point below know about Spin.

pub mod account;
pub mod cookie;
pub mod domain;
pub mod email_change;
pub mod erasure;
pub mod error;
pub mod links;
pub mod mail;
pub mod password;
pub mod security;
pub mod service;
pub mod session;
pub mod throttle;
pub mod totp;
pub mod two_factor;

pub mod http;
mod store;

fin_spin_edge::http_component!(http::route);
