//! Is it a UBL 2.1 invoice? [`fin_ubl_schema::validate`] on a reply, written under target/.

/// `Err` with xmllint's complaints when `xml` is not a schema-valid UBL 2.1 Invoice.
pub fn schema_valid(name: &str, xml: &[u8]) -> Result<(), String> {
    let dir = crate::app::repo_root().join("target/e2e/ubl");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.xml"));
    std::fs::write(&path, xml).expect("write");
    fin_ubl_schema::validate(&path)
}
