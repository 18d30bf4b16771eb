//! The invoice as an EN 16931 e-invoice in UBL 2.1: in the Peppol BIS Billing 3.0
//! profile when the invoice can meet it, else plain EN 16931 ([`profile`]).
//!
//! Written from the same [`Invoice`] the PDF is drawn from, so the two never disagree,
//! then read back and checked against the business rules ([`rules`]) before anyone gets
//! it: a document the buyer's system would reject is worse than none, and the rules it
//! breaks say what to fill in (the seller's VAT id, the buyer's address…).

mod codes;
pub mod profile;
pub mod rules;
mod ubl;

pub use codes::{category, Category};
pub use profile::{choose, Choice, Profile};
pub use rules::{check, Violation};

use crate::model::Invoice;

/// Why there is no e-invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The invoice lacks what EN 16931 requires, each violation naming the input
    /// (`seller.tax_id`, `buyer.address.country`) that would mend it.
    Incomplete(Vec<Violation>),
    /// The writer broke a rule no input can: a defect here.
    Defect(String),
}

/// `invoice` as UBL 2.1 XML, in the profile [`choose`] picks, or the rules it would break.
pub fn ubl(invoice: &Invoice) -> Result<String, Refused> {
    let profile = choose(invoice).profile;
    let xml = ubl::write(invoice, profile).map_err(|e| Refused::Defect(format!("write: {e}")))?;
    let broken = rules::check(&xml);
    if broken.is_empty() {
        return Ok(xml);
    }
    match broken.iter().find(|v| v.field.is_empty()) {
        Some(defect) => Err(Refused::Defect(format!(
            "{}: {}",
            defect.rule, defect.message
        ))),
        None => Err(Refused::Incomplete(broken)),
    }
}
