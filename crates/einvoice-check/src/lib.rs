//! Would a receiving system accept this e-invoice? Two verdicts, both from the standards'
//! own artefacts rather than from this repository's reading of them:
//!
//! - [`schema`]: the official OASIS UBL 2.1 schemas (`xmllint --schema`);
//! - [`rules`]: the official EN 16931 and Peppol BIS Billing 3.0 business rules
//!   (Schematron, compiled and run by SaxonJS).
//!
//! `make setup` fetches and compiles what both need (scripts/ubl-schemas.sh,
//! scripts/einvoice-rules.sh). A missing tool, schema or rule set fails the test that
//! asks; nothing is skipped.

use std::path::{Path, PathBuf};

pub mod rules;
pub mod schema;

pub use rules::{Failure, Verdict};

/// `Err` naming every complaint when the file at `xml` is not a schema-valid UBL 2.1
/// Invoice or CreditNote, or breaks a fatal rule of the official rule sets it claims.
pub fn conforms(xml: &Path) -> Result<(), String> {
    schema::validate(xml)?;
    let verdict = rules::run(&[xml]).remove(0);
    match verdict.fatal().count() {
        0 => Ok(()),
        _ => Err(verdict.to_string()),
    }
}

/// The workspace's `target/`, where `make setup` leaves the schemas and compiled rules.
fn target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
}
