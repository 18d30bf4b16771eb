//! EN 16931's business rules, and Peppol BIS Billing 3.0's where the document claims it,
//! checked on a UBL invoice as a receiving system would: on the XML, read back, not on
//! what the writer meant.
//!
//! The official rules are Schematron over XSLT 2, which no wasm component here runs
//! (the tests run them: `fin-einvoice-check`); these are the rules a freelancer's invoice
//! can break, written as code under the rules' own ids (`BR-CO-10`, `BR-S-09`,
//! `PEPPOL-EN16931-R010`) and with their arithmetic (exact decimals, XPath's rounding),
//! so that a document is refused, with what to fill in, before anyone gets it.
//! docs/documents.md lists them.

mod document;
mod exact;
mod lines;
mod parties;
mod totals;
mod vat;

use roxmltree::Node;

pub use exact::Exact;

const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

/// A rule the document breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule's id in EN 16931 or Peppol BIS 3.0: `BR-S-02`, `PEPPOL-EN16931-R010`.
    pub rule: String,
    /// What the rule asks, for this document.
    pub message: String,
    /// The input that would mend it — `seller.tax_id`, `buyer.address.country`,
    /// `currency` — or empty when only a defect of the writer could break the rule.
    pub field: &'static str,
}

/// Every rule `xml` breaks; empty when it is a valid invoice as far as these rules go.
pub fn check(xml: &str) -> Vec<Violation> {
    let document = match roxmltree::Document::parse(xml) {
        Ok(document) => document,
        Err(e) => return vec![violation("XML", "", format!("not well-formed XML: {e}"))],
    };
    let root = document.root_element();
    let name = (root.tag_name().namespace(), root.tag_name().name());
    if name != (Some(INVOICE), "Invoice") && name != (Some(CREDIT_NOTE), "CreditNote") {
        return vec![violation(
            "UBL",
            "",
            "the root is not a UBL 2.1 Invoice or CreditNote".into(),
        )];
    }
    let mut found = Vec::new();
    document::check(root, &mut found);
    parties::check(root, &mut found);
    lines::check(root, &mut found);
    totals::check(root, &mut found);
    vat::check(root, &mut found);
    found
}

fn violation(rule: &str, field: &'static str, message: String) -> Violation {
    Violation {
        rule: rule.to_owned(),
        message,
        field,
    }
}

/// Whether the document is a credit note (else an invoice).
fn is_credit_note(root: Node<'_, '_>) -> bool {
    root.tag_name().name() == "CreditNote"
}

/// The document's lines, whichever of the two it is.
fn lines<'a, 'i>(root: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    match is_credit_note(root) {
        true => all(root, "cac:CreditNoteLine"),
        false => all(root, "cac:InvoiceLine"),
    }
}

/// Whether the document claims Peppol BIS Billing 3.0, whose rules then apply too.
fn claims_peppol(root: Node<'_, '_>) -> bool {
    text(root, "cbc:CustomizationID").starts_with(crate::einvoice::profile::PEPPOL)
}

/// What the rule modules share: the violations found so far.
type Found = Vec<Violation>;

fn fail(found: &mut Found, rule: &str, field: &'static str, message: impl Into<String>) {
    found.push(violation(rule, field, message.into()));
}

/// `cbc:Name` → (namespace, `Name`).
fn qualified(name: &str) -> (&'static str, &str) {
    match name.split_once(':') {
        Some(("cbc", local)) => (CBC, local),
        Some(("cac", local)) => (CAC, local),
        _ => (INVOICE, name),
    }
}

/// The element children of `node` named `name` (`cac:InvoiceLine`).
fn children<'a, 'i>(node: Node<'a, 'i>, name: &str) -> impl Iterator<Item = Node<'a, 'i>> {
    let (namespace, local) = qualified(name);
    let local = local.to_owned();
    node.children().filter(move |c| {
        c.is_element()
            && c.tag_name().name() == local
            && c.tag_name().namespace() == Some(namespace)
    })
}

/// Every element at `path` (`cac:TaxTotal/cac:TaxSubtotal`) below `node`.
fn all<'a, 'i>(node: Node<'a, 'i>, path: &str) -> Vec<Node<'a, 'i>> {
    let mut nodes = vec![node];
    for step in path.split('/') {
        nodes = nodes.into_iter().flat_map(|n| children(n, step)).collect();
    }
    nodes
}

/// The first element at `path`.
fn at<'a, 'i>(node: Node<'a, 'i>, path: &str) -> Option<Node<'a, 'i>> {
    all(node, path).into_iter().next()
}

/// The text at `path`, trimmed; empty when there is none.
fn text<'a>(node: Node<'a, '_>, path: &str) -> &'a str {
    at(node, path).and_then(|n| n.text()).map_or("", str::trim)
}

/// The amount at `path`, exactly; `None` when absent or no decimal.
fn amount(node: Node<'_, '_>, path: &str) -> Option<Exact> {
    at(node, path).and_then(|n| Exact::parse(n.text().unwrap_or_default()))
}

/// A VAT category as a breakdown, a line or an allowance names it: code and rate.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Category {
    code: String,
    /// `None` where no rate is written ("Not subject to VAT").
    rate: Option<Exact>,
}

impl Category {
    fn of(category: Node<'_, '_>) -> Category {
        Category {
            code: text(category, "cbc:ID").to_owned(),
            rate: amount(category, "cbc:Percent"),
        }
    }
}
