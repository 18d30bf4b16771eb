//! Would a receiving system accept these e-invoices? The official UBL 2.1 schema, then
//! the official EN 16931 and, where a document claims it, Peppol BIS 3.0 rules
//! ([`fin_einvoice_check`]) on replies written under target/e2e/ubl first.

use std::path::PathBuf;

/// `Err` naming every complaint when `xml` is not schema-valid or breaks a fatal rule.
pub fn conforms(name: &str, xml: &[u8]) -> Result<(), String> {
    fin_einvoice_check::conforms(&written(name, xml))
}

/// [`conforms`] for many documents, the rule sets run once for all of them.
pub fn all_conform(documents: &[(String, Vec<u8>)]) -> Result<(), String> {
    let paths: Vec<PathBuf> = documents
        .iter()
        .map(|(name, xml)| written(name, xml))
        .collect();
    for path in &paths {
        fin_einvoice_check::schema::validate(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let refs: Vec<_> = paths.iter().map(|p| p.as_path()).collect();
    let broken: Vec<String> = fin_einvoice_check::rules::run(&refs)
        .iter()
        .filter(|v| v.fatal().next().is_some())
        .map(ToString::to_string)
        .collect();
    match broken.is_empty() {
        true => Ok(()),
        false => Err(broken.join("\n")),
    }
}

fn written(name: &str, xml: &[u8]) -> PathBuf {
    let dir = crate::app::repo_root().join("target/e2e/ubl");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.xml"));
    std::fs::write(&path, xml).expect("write");
    path
}
