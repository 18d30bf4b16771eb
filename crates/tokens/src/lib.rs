//! Access tokens: the signing key, the claim rules and what a token says, free of Spin.
//! `fin_spin_edge::auth::tokens` wires them to Spin's variables and the blocklist store,
//! linked into every component that checks a token (docs/performance.md says why it is
//! not a composed component any more).

pub mod claims;
