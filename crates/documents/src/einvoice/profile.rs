//! Which specification a document claims: Peppol BIS Billing 3.0 when it can meet it,
//! otherwise plain EN 16931.
//!
//! Peppol is EN 16931 and more: both parties reachable on the network (a participant id
//! under a scheme Peppol routes, PEPPOL-EN16931-R010/R020, CL008 — an e-mail address is
//! not one), and the national rules of the seller's country (Peppol BIS 3.0's DE-R, DK-R,
//! NL-R, IT-R, NO-R, SE-R…). A document that claims Peppol and breaks one of them is rejected
//! by the buyer's access point; the same document claiming only EN 16931 is a valid
//! e-invoice a buyer can still read and book. So the claim follows what the invoice
//! can meet, and [`Choice::gaps`] says what would make it Peppol.

use fin_participant::ParticipantId;

use super::codes;
use super::rules::Violation;
use crate::model::{Invoice, Party};

/// `CustomizationID` of a Peppol BIS Billing 3.0 document.
pub const PEPPOL: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
/// `ProfileID` (BT-23) of Peppol's billing process.
pub const PEPPOL_PROCESS: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
/// `CustomizationID` of a document that claims the European standard alone.
pub const EN16931: &str = "urn:cen.eu:en16931:2017";

/// The specification a document is written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Peppol BIS Billing 3.0 (which includes EN 16931).
    Peppol,
    /// EN 16931 only.
    En16931,
}

impl Profile {
    pub fn customization_id(self) -> &'static str {
        match self {
            Profile::Peppol => PEPPOL,
            Profile::En16931 => EN16931,
        }
    }

    /// How the API names it: `peppol-bis-3`, `en16931`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Peppol => "peppol-bis-3",
            Profile::En16931 => "en16931",
        }
    }
}

/// The profile an invoice is written to, and why it is not Peppol when it is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub profile: Profile,
    /// What Peppol asks that the invoice lacks, each naming the input that mends it
    /// (`buyer.peppol_id`, `seller.phone`); empty when the profile is Peppol.
    pub gaps: Vec<Violation>,
}

/// Peppol when `invoice` meets every rule of Peppol's that these checks know, else
/// EN 16931 with the gaps.
pub fn choose(invoice: &Invoice) -> Choice {
    let mut gaps = Vec::new();
    let (seller, buyer) = (&invoice.seller, &invoice.buyer);
    for (party, rule, field, who) in [
        (seller, "PEPPOL-EN16931-R020", "seller.peppol_id", "seller"),
        (buyer, "PEPPOL-EN16931-R010", "buyer.peppol_id", "buyer"),
    ] {
        if peppol_endpoint(party).is_none() {
            let message = format!(
                "the {who} has a Peppol participant id (or a VAT id Peppol routes on): an \
                 e-mail address is not one (CL008)"
            );
            gap(&mut gaps, rule, field, &message);
        }
    }
    national(invoice, &mut gaps);
    let profile = match gaps.is_empty() {
        true => Profile::Peppol,
        false => Profile::En16931,
    };
    Choice { profile, gaps }
}

/// Where `party` receives documents on Peppol: the participant id it gave, else its VAT
/// id under its country's VAT scheme.
pub fn peppol_endpoint(party: &Party) -> Option<ParticipantId> {
    party
        .peppol_id
        .clone()
        .or_else(|| codes::vat_id(party).and_then(ParticipantId::for_vat_id))
}

fn gap(gaps: &mut Vec<Violation>, rule: &str, field: &'static str, message: &str) {
    gaps.push(Violation {
        rule: rule.to_owned(),
        message: message.to_owned(),
        field,
    });
}

/// Peppol BIS 3.0's national rules, by the seller's country (and, for some, the buyer's).
fn national(invoice: &Invoice, gaps: &mut Vec<Violation>) {
    let seller_country = invoice.seller.country().unwrap_or_default();
    let domestic = invoice.buyer.country() == Some(seller_country);
    match seller_country {
        "DE" if domestic => germany(invoice, gaps),
        "DK" => denmark(invoice, domestic, gaps),
        "NL" => netherlands(invoice, domestic, gaps),
        "IT" => italy(&invoice.seller, gaps),
        "NO" => norway(&invoice.seller, gaps),
        "SE" => sweden(invoice, gaps),
        // Peppol has national rules for these that are not checked here: their sellers'
        // documents claim EN 16931 until they are (docs/documents.md).
        "GR" | "IS" => gap(
            gaps,
            "PEPPOL-NATIONAL",
            "seller.address.country",
            &format!(
                "Peppol's national rules for sellers in {seller_country} are not checked by \
                 this application yet"
            ),
        ),
        _ => {}
    }
}

/// One line of an address: its street, its city…
type Part = fn(&fin_address::Address) -> &Option<String>;

/// Whether `part` of the party's address is given.
fn has_address(party: &Party, part: Part) -> bool {
    party.address.as_ref().is_some_and(|a| given(part(a)))
}

fn given(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

/// DE-R-001 to DE-R-009, both parties in Germany (XRechnung's rules, as Peppol carries
/// them).
fn germany(invoice: &Invoice, gaps: &mut Vec<Violation>) {
    let (seller, buyer) = (&invoice.seller, &invoice.buyer);
    let phone = seller
        .phone
        .as_deref()
        .is_some_and(|p| p.chars().filter(char::is_ascii_digit).count() >= 3);
    let rules: [(&str, &'static str, bool, &str); 8] = [
        (
            "DE-R-001",
            "seller.iban",
            invoice.bank.is_some(),
            "payment instructions (an IBAN on the business profile)",
        ),
        (
            "DE-R-003",
            "seller.address.city",
            has_address(seller, |a| &a.city),
            "the seller's city",
        ),
        (
            "DE-R-004",
            "seller.address.postal_code",
            has_address(seller, |a| &a.postal_code),
            "the seller's post code",
        ),
        (
            "DE-R-005",
            "seller.contact_name",
            given(&seller.contact),
            "the seller's contact point (a person or department)",
        ),
        (
            "DE-R-006",
            "seller.phone",
            phone,
            "the seller's telephone number (three digits at least)",
        ),
        (
            "DE-R-007",
            "seller.email",
            given(&seller.email),
            "the seller's contact e-mail address",
        ),
        (
            "DE-R-008",
            "buyer.address.city",
            has_address(buyer, |a| &a.city),
            "the buyer's city",
        ),
        (
            "DE-R-009",
            "buyer.address.postal_code",
            has_address(buyer, |a| &a.postal_code),
            "the buyer's post code",
        ),
    ];
    for (rule, field, met, what) in rules {
        if !met {
            let message = format!("German rules (both parties in Germany) ask for {what}");
            gap(gaps, rule, field, &message);
        }
    }
}

/// DK-R-002 (a CVR number), and DK-R-006 between two Danish parties (the account's bank).
fn denmark(invoice: &Invoice, domestic: bool, gaps: &mut Vec<Violation>) {
    if !given(&invoice.seller.registration_id) {
        gap(
            gaps,
            "DK-R-002",
            "seller.registration_id",
            "Danish sellers give their CVR number (the registration number on the business \
             profile)",
        );
    }
    let without_bic = invoice.bank.as_ref().is_some_and(|b| b.bic.is_none());
    if domestic && codes::payment_means(invoice) == Some("42") && without_bic {
        gap(
            gaps,
            "DK-R-006",
            "seller.bic",
            "Danish rules ask for the bank's BIC with the account when both parties are in \
             Denmark",
        );
    }
}

/// NL-R-002 to NL-R-004: full addresses, and the registration number under KvK's scheme.
fn netherlands(invoice: &Invoice, domestic: bool, gaps: &mut Vec<Violation>) {
    let seller = &invoice.seller;
    if !given(&seller.registration_id) && codes::registration(seller).is_some() {
        gap(
            gaps,
            "NL-R-003",
            "seller.registration_id",
            "Dutch rules ask for the KvK number as the seller's registration number",
        );
    }
    let complete = |party: &Party| {
        has_address(party, |a| &a.line1)
            && has_address(party, |a| &a.city)
            && has_address(party, |a| &a.postal_code)
    };
    if !complete(seller) {
        gap(
            gaps,
            "NL-R-002",
            "seller.address",
            "Dutch rules ask for the seller's street, city and post code",
        );
    }
    if domestic && !complete(&invoice.buyer) {
        gap(
            gaps,
            "NL-R-004",
            "buyer.address",
            "Dutch rules ask for the buyer's street, city and post code",
        );
    }
}

/// IT-R-002 to IT-R-004: the seller's street, city and post code.
fn italy(seller: &Party, gaps: &mut Vec<Violation>) {
    let parts: [(&str, &'static str, Part); 3] = [
        ("IT-R-002", "seller.address.line1", |a| &a.line1),
        ("IT-R-003", "seller.address.city", |a| &a.city),
        ("IT-R-004", "seller.address.postal_code", |a| &a.postal_code),
    ];
    for (rule, field, part) in parts {
        if !has_address(seller, part) {
            gap(
                gaps,
                rule,
                field,
                "Italian rules ask for the seller's street, city and post code",
            );
        }
    }
}

/// SE-R-001/002 (a Swedish VAT id is SE and twelve digits), SE-R-003/004/013 (the
/// registration number is a ten-digit organisation number, Luhn), SE-R-006 (standard
/// rates are 25, 12 or 6 %).
fn sweden(invoice: &Invoice, gaps: &mut Vec<Violation>) {
    let seller = &invoice.seller;
    let vat = codes::vat_id(seller).filter(|id| id.starts_with("SE"));
    if vat.is_some_and(|id| id.len() != 14 || !id[2..].bytes().all(|b| b.is_ascii_digit())) {
        gap(
            gaps,
            "SE-R-001",
            "seller.tax_id",
            "a Swedish VAT id is SE and twelve digits (SE556036079301)",
        );
    }
    if let Some((_, number)) = codes::registration(seller) {
        if format!("0007:{number}").parse::<ParticipantId>().is_err() {
            gap(
                gaps,
                "SE-R-013",
                "seller.registration_id",
                "a Swedish organisation number is ten digits, the last a check digit",
            );
        }
    }
    let swedish_rate = |rate: &str| {
        let rate = rate.trim();
        let whole = rate.split_once('.').map_or(rate, |(w, f)| {
            if f.bytes().all(|b| b == b'0') {
                w
            } else {
                rate
            }
        });
        matches!(whole, "25" | "12" | "6")
    };
    let standard = |rate: &str| codes::category(rate, seller, &invoice.buyer).code == "S";
    if vat.is_some()
        && invoice
            .taxes
            .iter()
            .any(|t| standard(&t.rate) && !swedish_rate(&t.rate))
    {
        gap(
            gaps,
            "SE-R-006",
            "lines.tax_rate",
            "Swedish sellers charge VAT at 25, 12 or 6 %",
        );
    }
}

/// NO-R-001: a Norwegian seller's VAT id has Norway's form.
fn norway(seller: &Party, gaps: &mut Vec<Violation>) {
    if codes::vat_id(seller).is_some_and(|id| !norwegian_vat_id(id)) {
        gap(
            gaps,
            "NO-R-001",
            "seller.tax_id",
            "a Norwegian VAT id is NO, the nine-digit organisation number and MVA \
             (NO974760673MVA)",
        );
    }
}

/// NO-R-001: `NO`, nine digits that are an organisation number (mod 11), `MVA`.
fn norwegian_vat_id(id: &str) -> bool {
    id.len() == 14
        && id.starts_with("NO")
        && id.ends_with("MVA")
        && format!("0192:{}", &id[2..11])
            .parse::<ParticipantId>()
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::norwegian_vat_id;

    #[test]
    fn a_norwegian_vat_id_wraps_an_organisation_number() {
        assert!(norwegian_vat_id("NO974760673MVA"));
        assert!(!norwegian_vat_id("NO974760674MVA"));
        assert!(!norwegian_vat_id("NO974760673"));
    }
}
