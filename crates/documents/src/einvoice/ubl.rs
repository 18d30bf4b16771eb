//! The invoice written as UBL 2.1, in the order the schema's sequences demand.
//!
//! Only what the invoice says is written, and nothing empty (PEPPOL-EN16931-R008): a
//! missing seller VAT id or buyer address leaves its element out, and the checker then
//! names the rule that needs it, rather than the writer inventing a value.

use std::io;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::codes::{self, Category};
use super::profile::{Profile, PEPPOL_PROCESS};
use crate::amount;
use crate::model::{Address, Invoice, Kind, Party, Status};
/// What differs between the two documents UBL writes: the root, its namespace, the
/// type code (UNCL 1001: 380 a commercial invoice, 381 a credit note) and the lines'.
struct Syntax {
    root: &'static str,
    namespace: &'static str,
    type_code: (&'static str, &'static str),
    line: &'static str,
    quantity: &'static str,
}

const INVOICE: Syntax = Syntax {
    root: "Invoice",
    namespace: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    type_code: ("cbc:InvoiceTypeCode", "380"),
    line: "cac:InvoiceLine",
    quantity: "cbc:InvoicedQuantity",
};

const CREDIT_NOTE: Syntax = Syntax {
    root: "CreditNote",
    namespace: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    type_code: ("cbc:CreditNoteTypeCode", "381"),
    line: "cac:CreditNoteLine",
    quantity: "cbc:CreditedQuantity",
};
/// UN/ECE Recommendation 20: "one" — lines carry a count, not a unit of measure.
const UNIT: &str = "C62";
/// UNCL 5189: discount.
const DISCOUNT: &str = "95";

/// `invoice` as a UBL 2.1 `Invoice` or `CreditNote` document (UTF-8) that claims
/// `profile`.
pub fn write(invoice: &Invoice, profile: Profile) -> io::Result<String> {
    let syntax = match invoice.kind {
        Kind::Invoice => &INVOICE,
        Kind::CreditNote { .. } => &CREDIT_NOTE,
        Kind::Quote { .. } => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a quote has no e-invoice",
            ))
        }
    };
    let mut xml = Xml {
        out: Writer::new_with_indent(Vec::new(), b' ', 2),
        digits: invoice.currency.minor_digits,
        currency: &invoice.currency.code,
        profile,
    };
    xml.out
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.open_with(
        syntax.root,
        &[
            ("xmlns", syntax.namespace),
            (
                "xmlns:cac",
                "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
            ),
            (
                "xmlns:cbc",
                "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
            ),
        ],
    )?;
    xml.leaf("cbc:CustomizationID", profile.customization_id())?;
    if profile == Profile::Peppol {
        xml.leaf("cbc:ProfileID", PEPPOL_PROCESS)?;
    }
    xml.leaf("cbc:ID", &invoice.number)?;
    xml.leaf("cbc:IssueDate", &invoice.issue_date)?;
    // A UBL credit note has no due date of its own.
    if invoice.kind == Kind::Invoice {
        xml.leaf("cbc:DueDate", &invoice.due_date)?;
    }
    xml.leaf(syntax.type_code.0, syntax.type_code.1)?;
    xml.leaf("cbc:Note", &note(invoice))?;
    xml.leaf("cbc:DocumentCurrencyCode", &invoice.currency.code)?;
    // Invoices carry no reference of the buyer's yet (a PO number, a Leitweg-ID), and
    // Peppol wants one of the two (R003): the invoice number stands in.
    xml.leaf("cbc:BuyerReference", &invoice.number)?;
    if let Kind::CreditNote {
        invoice_number,
        invoice_issue_date,
    } = &invoice.kind
    {
        xml.open("cac:BillingReference")?;
        xml.open("cac:InvoiceDocumentReference")?;
        xml.leaf("cbc:ID", invoice_number)?;
        xml.leaf("cbc:IssueDate", invoice_issue_date)?;
        xml.close("cac:InvoiceDocumentReference")?;
        xml.close("cac:BillingReference")?;
    }

    let categories = Categories::of(invoice);
    xml.open("cac:AccountingSupplierParty")?;
    xml.party(&invoice.seller, !categories.not_subject())?;
    xml.close("cac:AccountingSupplierParty")?;
    xml.open("cac:AccountingCustomerParty")?;
    xml.party(&invoice.buyer, !categories.not_subject())?;
    xml.close("cac:AccountingCustomerParty")?;

    if let (Some(bank), Some(means)) = (&invoice.bank, codes::payment_means(invoice)) {
        xml.open("cac:PaymentMeans")?;
        xml.leaf("cbc:PaymentMeansCode", means)?;
        xml.leaf("cbc:PaymentID", &invoice.number)?;
        xml.open("cac:PayeeFinancialAccount")?;
        xml.leaf("cbc:ID", &bank.iban.replace(' ', ""))?;
        if let Some(bic) = &bank.bic {
            xml.open("cac:FinancialInstitutionBranch")?;
            xml.leaf("cbc:ID", bic)?;
            xml.close("cac:FinancialInstitutionBranch")?;
        }
        xml.close("cac:PayeeFinancialAccount")?;
        xml.close("cac:PaymentMeans")?;
    }
    if let Some(terms) = &invoice.payment_terms {
        xml.open("cac:PaymentTerms")?;
        xml.leaf("cbc:Note", terms)?;
        xml.close("cac:PaymentTerms")?;
    }

    // The discount lowered each rate's base by its share (billing's totals, rule 4): one
    // document-level allowance per rate, so each carries that rate's VAT category.
    if let Some(discount) = &invoice.discount {
        for rate in &categories.rates {
            if rate.discount == 0 {
                continue;
            }
            xml.open("cac:AllowanceCharge")?;
            xml.leaf("cbc:ChargeIndicator", "false")?;
            xml.leaf("cbc:AllowanceChargeReasonCode", DISCOUNT)?;
            xml.leaf("cbc:AllowanceChargeReason", &discount.label)?;
            xml.amount("cbc:Amount", rate.discount)?;
            xml.category("cac:TaxCategory", rate.category, &rate.rate, false)?;
            xml.close("cac:AllowanceCharge")?;
        }
    }

    xml.open("cac:TaxTotal")?;
    xml.amount("cbc:TaxAmount", invoice.taxes.iter().map(|t| t.tax).sum())?;
    for (tax, rate) in invoice.taxes.iter().zip(&categories.rates) {
        xml.open("cac:TaxSubtotal")?;
        xml.amount("cbc:TaxableAmount", tax.taxable)?;
        xml.amount("cbc:TaxAmount", tax.tax)?;
        xml.category("cac:TaxCategory", rate.category, &tax.rate, true)?;
        xml.close("cac:TaxSubtotal")?;
    }
    xml.close("cac:TaxTotal")?;

    let discount = invoice.discount.as_ref().map_or(0, |d| d.amount);
    xml.open("cac:LegalMonetaryTotal")?;
    xml.amount("cbc:LineExtensionAmount", invoice.subtotal)?;
    xml.amount("cbc:TaxExclusiveAmount", invoice.subtotal - discount)?;
    xml.amount("cbc:TaxInclusiveAmount", invoice.total)?;
    if discount != 0 {
        xml.amount("cbc:AllowanceTotalAmount", discount)?;
    }
    if invoice.amount_paid != 0 {
        xml.amount("cbc:PrepaidAmount", invoice.amount_paid)?;
    }
    // BR-CO-16: what this document asks for, its own total less what was prepaid. Credit
    // notes are documents of their own; they never change the invoice's figures.
    xml.amount("cbc:PayableAmount", invoice.total - invoice.amount_paid)?;
    xml.close("cac:LegalMonetaryTotal")?;

    for (i, line) in invoice.lines.iter().enumerate() {
        xml.open(syntax.line)?;
        xml.leaf("cbc:ID", &(i + 1).to_string())?;
        xml.leaf_with(syntax.quantity, &[("unitCode", UNIT)], &line.quantity)?;
        xml.amount("cbc:LineExtensionAmount", line.net)?;
        xml.open("cac:Item")?;
        let name = item_name(&line.description);
        if name != line.description.trim() {
            xml.leaf("cbc:Description", &line.description)?;
        }
        xml.leaf("cbc:Name", name)?;
        let category = categories.of_rate(&line.tax_rate);
        xml.category("cac:ClassifiedTaxCategory", category, &line.tax_rate, false)?;
        xml.close("cac:Item")?;
        xml.open("cac:Price")?;
        xml.amount("cbc:PriceAmount", line.unit_price)?;
        xml.close("cac:Price")?;
        xml.close(syntax.line)?;
    }
    xml.close(syntax.root)?;
    String::from_utf8(xml.out.into_inner())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The one document-level note Peppol allows (R002): what the status means for a reader
/// of the XML (a draft is not issued, a void one is cancelled), then the invoice's notes.
fn note(invoice: &Invoice) -> String {
    let status = match invoice.status {
        Status::Draft => Some("DRAFT: not issued, not for payment."),
        Status::Void => Some("VOID: this invoice was cancelled and is not to be paid."),
        Status::Sent | Status::Overdue | Status::Paid | Status::Credited => None,
    };
    [status, invoice.notes.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
}

/// An item's name: its description's first line (the rest, when there is more, is the
/// item's description).
fn item_name(description: &str) -> &str {
    let trimmed = description.trim();
    trimmed.lines().next().map_or(trimmed, str::trim)
}

/// One tax rate of the invoice: its category and its share of the discount.
struct Rate {
    rate: String,
    category: Category,
    discount: i64,
}

struct Categories {
    rates: Vec<Rate>,
}

impl Categories {
    fn of(invoice: &Invoice) -> Self {
        let rates = invoice
            .taxes
            .iter()
            .map(|tax| {
                let nets: i64 = invoice
                    .lines
                    .iter()
                    .filter(|l| l.tax_rate == tax.rate)
                    .map(|l| l.net)
                    .sum();
                Rate {
                    rate: tax.rate.clone(),
                    category: codes::category(&tax.rate, &invoice.seller, &invoice.buyer),
                    discount: nets - tax.taxable,
                }
            })
            .collect();
        Self { rates }
    }

    fn of_rate(&self, rate: &str) -> Category {
        self.rates
            .iter()
            .find(|r| r.rate == rate)
            .map_or(Category::STANDARD, |r| r.category)
    }

    /// "Not subject to VAT" forbids every VAT id on the invoice (BR-O-02).
    fn not_subject(&self) -> bool {
        self.rates
            .iter()
            .any(|r| r.category == Category::NOT_SUBJECT)
    }
}

struct Xml<'a> {
    out: Writer<Vec<u8>>,
    digits: u8,
    currency: &'a str,
    profile: Profile,
}

impl Xml<'_> {
    fn open(&mut self, name: &str) -> io::Result<()> {
        self.open_with(name, &[])
    }

    fn open_with(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        let mut start = BytesStart::new(name);
        for (key, value) in attributes {
            let value = xml_text(value);
            start.push_attribute((*key, value.as_str()));
        }
        self.out.write_event(Event::Start(start))
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.out.write_event(Event::End(BytesEnd::new(name)))
    }

    /// `<name>text</name>`, escaped; nothing at all for empty text (R008).
    fn leaf(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.leaf_with(name, &[], text)
    }

    fn leaf_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) -> io::Result<()> {
        let text = xml_text(text.trim());
        if text.is_empty() {
            return Ok(());
        }
        self.open_with(name, attributes)?;
        self.out.write_event(Event::Text(BytesText::new(&text)))?;
        self.close(name)
    }

    fn amount(&mut self, name: &str, minor: i64) -> io::Result<()> {
        let value = amount::decimal(minor, self.digits);
        let currency = self.currency.to_owned();
        self.leaf_with(name, &[("currencyID", &currency)], &value)
    }

    fn category(
        &mut self,
        element: &str,
        category: Category,
        rate: &str,
        with_reason: bool,
    ) -> io::Result<()> {
        self.open(element)?;
        self.leaf("cbc:ID", category.code)?;
        if category.has_rate() {
            self.leaf("cbc:Percent", rate)?;
        }
        if with_reason {
            if let Some(code) = category.reason_code {
                self.leaf("cbc:TaxExemptionReasonCode", code)?;
            }
            if let Some(reason) = category.reason {
                self.leaf("cbc:TaxExemptionReason", reason)?;
            }
        }
        self.open("cac:TaxScheme")?;
        self.leaf("cbc:ID", "VAT")?;
        self.close("cac:TaxScheme")?;
        self.close(element)
    }

    /// A seller or buyer. `with_vat_id` is false where the invoice may name no VAT id
    /// (not subject to VAT); a tax id that is no VAT id is a legal registration number.
    fn party(&mut self, party: &Party, with_vat_id: bool) -> io::Result<()> {
        self.open("cac:Party")?;
        if let Some((scheme, id)) = codes::endpoint(party, self.profile) {
            self.leaf_with("cbc:EndpointID", &[("schemeID", &scheme)], &id)?;
        }
        if let Some(trading) = &party.trading_name {
            self.open("cac:PartyName")?;
            self.leaf("cbc:Name", trading)?;
            self.close("cac:PartyName")?;
        }
        if let Some(address) = &party.address {
            self.address(address)?;
        }
        let vat_id = codes::vat_id(party);
        if let (Some(id), true) = (vat_id, with_vat_id) {
            self.open("cac:PartyTaxScheme")?;
            self.leaf("cbc:CompanyID", id)?;
            self.open("cac:TaxScheme")?;
            self.leaf("cbc:ID", "VAT")?;
            self.close("cac:TaxScheme")?;
            self.close("cac:PartyTaxScheme")?;
        }
        // Never an empty element (R008): a party with no name leaves it out, and BR-06 or
        // BR-07 then names what is missing.
        let registration = codes::registration(party);
        if !party.legal_name.trim().is_empty() || registration.is_some() {
            self.open("cac:PartyLegalEntity")?;
            self.leaf("cbc:RegistrationName", &party.legal_name)?;
            match registration {
                Some((Some(scheme), number)) => {
                    self.leaf_with("cbc:CompanyID", &[("schemeID", scheme)], number)?
                }
                Some((None, number)) => self.leaf("cbc:CompanyID", number)?,
                None => {}
            }
            self.close("cac:PartyLegalEntity")?;
        }
        let contact = [&party.contact, &party.phone, &party.email];
        if contact
            .iter()
            .any(|c| c.as_deref().is_some_and(|c| !c.trim().is_empty()))
        {
            let text = |c: &Option<String>| c.clone().unwrap_or_default();
            self.open("cac:Contact")?;
            self.leaf("cbc:Name", &text(&party.contact))?;
            self.leaf("cbc:Telephone", &text(&party.phone))?;
            self.leaf("cbc:ElectronicMail", &text(&party.email))?;
            self.close("cac:Contact")?;
        }
        self.close("cac:Party")
    }

    fn address(&mut self, address: &Address) -> io::Result<()> {
        self.open("cac:PostalAddress")?;
        let line = |v: &Option<String>| v.clone().unwrap_or_default();
        self.leaf("cbc:StreetName", &line(&address.line1))?;
        self.leaf("cbc:AdditionalStreetName", &line(&address.line2))?;
        self.leaf("cbc:CityName", &line(&address.city))?;
        self.leaf("cbc:PostalZone", &line(&address.postal_code))?;
        self.leaf("cbc:CountrySubentity", &line(&address.region))?;
        self.open("cac:Country")?;
        self.leaf("cbc:IdentificationCode", &address.country)?;
        self.close("cac:Country")?;
        self.close("cac:PostalAddress")
    }
}

/// `text` without what XML 1.0 cannot carry (C0 controls but tab, LF and CR; U+FFFE,
/// U+FFFF): stored text has none of the controls already, and the rest may not reach a
/// parser that would refuse the whole document for one character.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || ('\u{20}'..='\u{D7FF}').contains(&c)
                || ('\u{E000}'..='\u{FFFD}').contains(&c)
                || c >= '\u{10000}'
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_xml_cannot_carry_is_left_out() {
        assert_eq!(xml_text("a\u{1}b\u{FFFE}c\td\u{1F600}"), "abc\td\u{1F600}");
    }

    #[test]
    fn an_items_name_is_its_descriptions_first_line() {
        assert_eq!(item_name("  Design\nthree rounds"), "Design");
        assert_eq!(item_name("Design"), "Design");
    }
}
