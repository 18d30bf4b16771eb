//! The official business rules, run as a receiving system runs them: EN 16931 for UBL on
//! every document, and Peppol BIS Billing 3.0 on those whose `CustomizationID` claims it.
//!
//! The rules are ISO Schematron with XPath 2, which only an XSLT 2/3 engine runs;
//! scripts/einvoice-rules.sh compiles them once for SaxonJS, and `schematron/validate.mjs`
//! runs many documents in one Node process (~0.1 s a document after ~0.5 s of start-up),
//! so call [`run`] with every file a test has.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

/// What the rule sets said of one document.
#[derive(Debug, Clone, Deserialize)]
pub struct Verdict {
    pub file: PathBuf,
    /// The rule sets it went through: `en16931-ubl`, then `peppol-bis-3` when claimed.
    pub sets: Vec<String>,
    /// Every assertion that failed, warnings too.
    pub failed: Vec<Failure>,
}

/// One failed assertion, as the rule set reports it (SVRL).
#[derive(Debug, Clone, Deserialize)]
pub struct Failure {
    pub set: String,
    /// The rule's id: `BR-CO-10`, `PEPPOL-EN16931-CL008`, `DE-R-005`.
    pub id: String,
    /// `fatal` or `warning`.
    pub flag: String,
    /// XPath of the element the rule was checked on.
    pub location: String,
    pub text: String,
}

impl Verdict {
    /// The failures that make the document invalid.
    pub fn fatal(&self) -> impl Iterator<Item = &Failure> {
        self.failed.iter().filter(|f| f.flag == "fatal")
    }

    /// The ids of the fatal failures, in order.
    pub fn fatal_ids(&self) -> Vec<&str> {
        self.fatal().map(|f| f.id.as_str()).collect()
    }

    /// Whether the document was held to Peppol BIS Billing 3.0.
    pub fn claims_peppol(&self) -> bool {
        self.sets.iter().any(|s| s == "peppol-bis-3")
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}):", self.file.display(), self.sets.join(" + "))?;
        for failure in self.fatal() {
            write!(
                f,
                "\n  {} {}: {} at {}",
                failure.set, failure.id, failure.text, failure.location
            )?;
        }
        Ok(())
    }
}

/// The verdict on each of `files`, in order. Panics, with what to run, when Node or the
/// compiled rule sets are missing: a check that cannot run is a failed test.
pub fn run(files: &[&Path]) -> Vec<Verdict> {
    if files.is_empty() {
        return Vec::new();
    }
    let compiled = super::target().join("einvoice-rules");
    for set in ["en16931-ubl", "peppol-bis-3"] {
        let sef = compiled.join(format!("{set}.sef.json"));
        assert!(
            sef.exists(),
            "{} is missing: make setup (scripts/einvoice-rules.sh) compiles the official rules",
            sef.display()
        );
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("schematron/validate.mjs");
    let out = Command::new("node")
        .arg(&script)
        .arg(&compiled)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("node: {e} (make setup installs Node.js)"));
    assert!(
        out.status.success(),
        "the rule sets did not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Vec<Verdict> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("validate.mjs said {line:?}: {e}"))
        })
        .collect();
    assert_eq!(verdicts.len(), files.len(), "one verdict per file");
    verdicts
}
