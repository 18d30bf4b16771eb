//! The tokens library component: the one place that knows the signing key, the claim
//! rules and the blocklist. HTTP components import `fin:platform/tokens` and Spin
//! composes this component into each of them (`dependencies` in `spin.toml`).

pub mod claims;

mod component;
