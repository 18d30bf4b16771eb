//! A PDF as its reader sees it: poppler's and qpdf's tools run on the file (`make setup`
//! installs poppler-utils and qpdf).

use std::process::Command;

/// Runs `name` (`pdftotext`, `pdfinfo`, `qpdf`) on `pdf`, kept as `target/e2e/pdf/<file>`
/// for a look afterwards; what it printed. `file` is the caller's own: tests run at once.
pub fn tool(name: &str, args: &[&str], pdf: &[u8], file: &str) -> String {
    let dir = crate::app::repo_root().join("target/e2e/pdf");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(file);
    std::fs::write(&path, pdf).expect("write");
    let out = Command::new(name)
        .args(args)
        .arg(&path)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e} (make setup installs poppler-utils and qpdf)"));
    assert!(out.status.success(), "{name}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of `pdf`, laid out as on the page.
pub fn text(pdf: &[u8], file: &str) -> String {
    tool("pdftotext", &["-layout"], pdf, file)
}
