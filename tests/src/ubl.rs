//! Is it a UBL 2.1 invoice? `xmllint --schema` against the official OASIS schemas that
//! `make setup` fetches into target/ubl-2.1 (scripts/ubl-schemas.sh). A missing tool or
//! schema fails the test that asks; nothing is skipped.

use std::process::Command;

/// `Err` with xmllint's complaints when `xml` is not a schema-valid UBL 2.1 Invoice.
pub fn schema_valid(name: &str, xml: &[u8]) -> Result<(), String> {
    let root = crate::app::repo_root();
    let xsd = root.join("target/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd");
    assert!(
        xsd.exists(),
        "{} is missing: make setup (scripts/ubl-schemas.sh) fetches the UBL 2.1 schemas",
        xsd.display()
    );
    let dir = root.join("target/e2e/ubl");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.xml"));
    std::fs::write(&path, xml).expect("write");
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("xmllint: {e} (make setup installs libxml2-utils)"));
    match out.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}
