//! `xmllint --schema` against the official OASIS UBL 2.1 schemas (xsdrt, 2013) that
//! `make setup` fetches into `target/ubl-2.1` (scripts/ubl-schemas.sh).

use std::path::{Path, PathBuf};
use std::process::Command;

/// `Err` with xmllint's complaints when the file at `xml` is not a schema-valid UBL 2.1
/// document of its kind: the root element (`Invoice`, `CreditNote`) picks the schema.
pub fn validate(xml: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(xml).map_err(|e| format!("{}: {e}", xml.display()))?;
    let xsd = schema(kind(&text));
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

/// The UBL document kind a document's root names; `Invoice` when it names none (the
/// schema then says what is wrong).
fn kind(xml: &str) -> &'static str {
    let root = xml
        .split('<')
        .map(str::trim_start)
        .find(|tag| tag.starts_with(|c: char| c.is_ascii_alphabetic()))
        .unwrap_or_default();
    let name = root
        .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .next()
        .unwrap_or_default();
    match name.rsplit(':').next() {
        Some("CreditNote") => "CreditNote",
        _ => "Invoice",
    }
}

fn schema(kind: &str) -> PathBuf {
    super::target().join(format!("ubl-2.1/maindoc/UBL-{kind}-2.1.xsd"))
}

#[cfg(test)]
mod tests {
    use super::kind;

    #[test]
    fn the_root_element_names_the_schema() {
        let decl = r#"<?xml version="1.0"?>"#;
        assert_eq!(
            kind(&format!("{decl}\n<CreditNote xmlns=\"x\">")),
            "CreditNote"
        );
        assert_eq!(
            kind(&format!("{decl}<!-- c --><ubl:CreditNote>")),
            "CreditNote"
        );
        assert_eq!(kind(&format!("{decl}<Invoice>")), "Invoice");
        assert_eq!(kind("garbage"), "Invoice");
    }
}
