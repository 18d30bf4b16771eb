//! The invoice as a whole: its identifiers, dates, currency, note and references.

use roxmltree::Node;

use super::{children, fail, text, Found, CBC};
use crate::einvoice::profile::{EN16931, PEPPOL, PEPPOL_PROCESS};

/// UNCL 1001 codes Peppol accepts for a credit note (PEPPOL-EN16931-P0101).
const CREDIT_NOTE_TYPES: [&str; 5] = ["381", "396", "81", "83", "532"];

/// UNCL 1001 codes Peppol accepts for an invoice (PEPPOL-EN16931-P0100).
const INVOICE_TYPES: [&str; 24] = [
    "71", "80", "82", "84", "102", "218", "219", "331", "380", "382", "383", "386", "388", "393",
    "395", "553", "575", "623", "780", "817", "870", "875", "876", "877",
];

pub fn check(root: Node<'_, '_>, found: &mut Found) {
    let customization = text(root, "cbc:CustomizationID");
    let peppol = super::claims_peppol(root);
    if customization.is_empty() {
        fail(
            found,
            "BR-01",
            "",
            "an invoice has a specification identifier (BT-24)",
        );
    } else if !peppol && customization != EN16931 {
        fail(
            found,
            "BR-01",
            "",
            format!("the specification identifier is {PEPPOL} or {EN16931}"),
        );
    }
    if peppol {
        match text(root, "cbc:ProfileID") {
            "" => fail(
                found,
                "PEPPOL-EN16931-R001",
                "",
                "the business process (BT-23) is given",
            ),
            PEPPOL_PROCESS => {}
            _ => fail(
                found,
                "PEPPOL-EN16931-R007",
                "",
                "the business process is an approved one",
            ),
        }
    }
    let credit_note = super::is_credit_note(root);
    let (type_path, types, type_rule) = match credit_note {
        true => (
            "cbc:CreditNoteTypeCode",
            &CREDIT_NOTE_TYPES[..],
            "PEPPOL-EN16931-P0101",
        ),
        false => (
            "cbc:InvoiceTypeCode",
            &INVOICE_TYPES[..],
            "PEPPOL-EN16931-P0100",
        ),
    };
    for (path, rule, what) in [
        ("cbc:ID", "BR-02", "an invoice number (BT-1)"),
        ("cbc:IssueDate", "BR-03", "an issue date (BT-2)"),
        (type_path, "BR-04", "an invoice type code (BT-3)"),
        (
            "cbc:DocumentCurrencyCode",
            "BR-05",
            "a currency code (BT-5)",
        ),
    ] {
        if text(root, path).is_empty() {
            fail(found, rule, "", format!("an invoice has {what}"));
        }
    }
    let kind = text(root, type_path);
    if peppol && !kind.is_empty() && !types.contains(&kind) {
        fail(
            found,
            type_rule,
            "",
            format!("{kind} is no Peppol type code for this document"),
        );
    }
    let currency = text(root, "cbc:DocumentCurrencyCode");
    if !currency.is_empty() && iso_currency::Currency::from_code(currency).is_none() {
        fail(
            found,
            "BR-CL-04",
            "currency",
            format!("{currency} is no ISO 4217 currency"),
        );
    }
    for element in root.descendants().filter(|n| n.is_element()) {
        if let Some(other) = element.attribute("currencyID").filter(|c| *c != currency) {
            fail(
                found,
                "PEPPOL-EN16931-R051",
                "",
                format!("an amount is in {other}, the invoice in {currency}"),
            );
        }
        let local = element.tag_name().name();
        if element.tag_name().namespace() == Some(CBC) && local.ends_with("Date") {
            let value = element.text().unwrap_or_default();
            if !is_date(value) {
                fail(
                    found,
                    "PEPPOL-EN16931-F001",
                    "",
                    format!("{local} {value:?} is no YYYY-MM-DD date"),
                );
            }
        }
        let empty = element
            .children()
            .all(|c| c.is_text() && c.text().is_some_and(|t| t.trim().is_empty()));
        if empty {
            fail(
                found,
                "PEPPOL-EN16931-R008",
                "",
                format!("{local} is empty"),
            );
        }
    }
    if children(root, "cbc:Note").count() > 1 {
        fail(
            found,
            "PEPPOL-EN16931-R002",
            "",
            "at most one note on the document",
        );
    }
    if text(root, "cbc:BuyerReference").is_empty()
        && text(root, "cac:OrderReference/cbc:ID").is_empty()
    {
        fail(
            found,
            "PEPPOL-EN16931-R003",
            "",
            "a buyer reference or an order reference is given",
        );
    }
    if super::lines(root).is_empty() {
        fail(found, "BR-16", "lines", "an invoice has at least one line");
    }
    let payable = super::amount(root, "cac:LegalMonetaryTotal/cbc:PayableAmount");
    let due = !text(root, "cbc:DueDate").is_empty()
        || !text(root, "cac:PaymentTerms/cbc:Note").is_empty();
    // A credit note has no due date element; what it owes back is settled by the
    // invoice it credits.
    if !credit_note && payable.is_some_and(|p| p > super::Exact::ZERO) && !due {
        fail(
            found,
            "BR-CO-25",
            "due_date",
            "an amount due has a due date or payment terms",
        );
    }
}

/// `YYYY-MM-DD`, with a month and a day that can exist.
fn is_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| bytes[r].iter().all(u8::is_ascii_digit);
    if bytes.len() != 10
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return false;
    }
    let number = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::is_date;

    #[test]
    fn dates_are_real_calendar_days() {
        assert!(is_date("2026-11-30") && is_date("2024-02-29"));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-11-31",
            "26-11-30",
            "2026/11/30",
            "2026-1-30",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
