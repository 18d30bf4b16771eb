//! `make setup`'s services part: Postgres and Redis for development, found or made.
//!
//! `probe` looks (never changes anything), `plan` decides — plain data, every branch a
//! unit test — and `steps` carries the plan out, saying what it does. A server that
//! already runs and lets the dev role in is never touched.

pub mod plan;
pub mod probe;
pub mod steps;

/// The development database, as the app, the migrations and the tests reach it.
pub const DEV_URL: &str = "postgres://fin:fin@127.0.0.1:5432/fin";
