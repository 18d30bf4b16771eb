//! Is it a UBL 2.1 invoice? `xmllint --schema` against the official OASIS UBL 2.1
//! schemas that `make setup` fetches into `target/ubl-2.1` (scripts/ubl-schemas.sh), for
//! every suite that checks an e-invoice. A missing tool or schema fails the test that
//! asks; nothing is skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `Err` with xmllint's complaints when the file at `xml` is not a schema-valid UBL 2.1
/// Invoice.
pub fn validate(xml: &Path) -> Result<(), String> {
    let xsd = schema();
    assert!(
        xsd.exists(),
        "{} is missing: make setup (scripts/ubl-schemas.sh) fetches the UBL 2.1 schemas",
        xsd.display()
    );
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg(xml)
        .output()
        .unwrap_or_else(|e| panic!("xmllint: {e} (make setup installs libxml2-utils)"));
    match out.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}

/// The Invoice schema, under the workspace's `target/`.
fn schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd")
}
