//! The end-to-end rig: builds the components, gives each test binary its own Postgres
//! database and Redis databases, starts the real app with `spin up` on a free port, and
//! drives it over HTTP.
//!
//! Needs `spin` on PATH, the `wasm32-wasip1` target, Postgres on 127.0.0.1:5432 (user
//! postgres, trust) and Redis on 127.0.0.1:6379 — `make setup` and `.ci/run` see to all
//! of it. A missing prerequisite fails the tests; nothing is skipped.

mod accounts;
mod app;
pub mod browser;
mod client;
pub mod composed;
pub mod contract;
pub mod dates;
pub mod demo;
mod fixture;
mod holdings;
pub mod idempotency;
pub mod images;
pub mod metrics;
pub mod otlp;
pub mod pdf;
pub mod plans;
pub mod proxy;
pub mod recompute;
mod redis_server;
mod registry;
pub mod rng;
pub mod shared;
pub mod stripe;
mod stub;
pub mod tokens;
pub mod ubl;
mod user;

pub use accounts::{unique_email, Device, PASSWORD};
pub use app::{App, AppOptions, JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET, WEBHOOK_SECRET};
pub use client::{Call, Client, Reply};
pub use fixture::Fixture;
pub use redis_server::{Heard, RedisServer};
pub use registry::Registry;
pub use stub::{Mode, Stub, STALL};
pub use user::{id, User};

/// Runs `request(i)` for `i` in `0..n`, all at once, and returns the replies in order.
pub fn concurrently(n: usize, request: impl Fn(usize) -> Reply + Sync) -> Vec<Reply> {
    std::thread::scope(|s| {
        let request = &request;
        let handles: Vec<_> = (0..n).map(|i| s.spawn(move || request(i))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a concurrent request panicked"))
            .collect()
    })
}
