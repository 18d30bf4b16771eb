//! What every commercial document — an invoice today, a quote and a credit note next —
//! is made of, in plain Rust: money in integer minor units of an ISO 4217 currency
//! (`money`), exact decimals for quantities and rates (`decimal`), the lines and discount
//! a freelancer writes (`lines`), what they add up to and how it is rounded (`totals`),
//! the dates they carry (`dates`) and their gapless numbering series (`numbering`).
//!
//! One crate, not a copy per document: a quote turned into an invoice must add up to
//! the same cent, and a credit note must take back exactly what its invoice charged.

pub mod dates;
pub mod decimal;
pub mod lines;
pub mod money;
pub mod numbering;
pub mod totals;
