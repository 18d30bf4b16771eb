//! The tokens library component: `fin:platform/tokens` (wit/) exported, for components
//! that take the contract rather than the Rust crate. This app's components link the
//! same functions (`fin_spin_edge::auth::tokens`): a composed instance per request cost
//! 28 % of an authenticated read (docs/performance.md), so spin.toml composes it into none.

mod component;
