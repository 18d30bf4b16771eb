//! The code lists an EN 16931 invoice speaks, as far as a freelancer's invoice needs
//! them: VAT categories (UNCL 5305) with their exemption reasons (VATEX), electronic
//! addresses (EAS; the Peppol schemes are `fin_participant`'s), registration schemes,
//! payment means (UNCL 4461), and the EU's member states, which decide between a reverse
//! charge and an export.

use super::profile::{self, Profile};
use crate::model::{Invoice, Party};

/// A VAT category (UNCL 5305) and, where the category needs one, why no VAT is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub code: &'static str,
    /// The VATEX code of the exemption, where there is one for it.
    pub reason_code: Option<&'static str>,
    /// Why no VAT is charged: every category but "S" must say (BR-AE-10, BR-E-10, …).
    pub reason: Option<&'static str>,
}

impl Category {
    pub const STANDARD: Category = Category {
        code: "S",
        reason_code: None,
        reason: None,
    };
    pub const REVERSE_CHARGE: Category = Category {
        code: "AE",
        reason_code: Some("VATEX-EU-AE"),
        reason: Some("Reverse charge"),
    };
    pub const EXPORT: Category = Category {
        code: "G",
        reason_code: Some("VATEX-EU-G"),
        reason: Some("Export outside the EU"),
    };
    pub const NOT_SUBJECT: Category = Category {
        code: "O",
        reason_code: Some("VATEX-EU-O"),
        reason: Some("Not subject to VAT"),
    };
    pub const EXEMPT: Category = Category {
        code: "E",
        reason_code: None,
        reason: Some("Exempt from VAT"),
    };

    /// "Not subject to VAT" carries no rate at all (BR-O-05); every other category does.
    pub fn has_rate(self) -> bool {
        self.code != "O"
    }
}

/// The category of the lines taxed at `rate` (per cent, as the API writes it).
///
/// Invoices carry a rate, not a category, so the category is read from who trades with
/// whom: any rate above zero is standard; at zero, a seller with no VAT id is not subject
/// to VAT, an EU business selling to a business in another member state that names its
/// VAT id charges in reverse, one selling outside the EU exports, and anything else is
/// exempt. docs/documents.md says why, and what a field of its own would change.
pub fn category(rate: &str, seller: &Party, buyer: &Party) -> Category {
    if rate
        .trim_start_matches(['0', '.'])
        .chars()
        .any(|c| c != '0')
    {
        return Category::STANDARD;
    }
    if vat_id(seller).is_none() {
        return Category::NOT_SUBJECT;
    }
    match (seller.country(), buyer.country()) {
        (Some(from), Some(to)) if in_eu(from) && in_eu(to) && from != to => {
            if vat_id(buyer).is_some() {
                Category::REVERSE_CHARGE
            } else {
                Category::EXEMPT
            }
        }
        (Some(from), Some(to)) if in_eu(from) && !in_eu(to) => Category::EXPORT,
        _ => Category::EXEMPT,
    }
}

/// The party's tax id when it is a VAT identifier: prefixed with an ISO 3166-1 country
/// code (Greece writes `EL`), as BR-CO-09 requires. Any other tax id is a legal
/// registration number, not a VAT id.
pub fn vat_id(party: &Party) -> Option<&str> {
    let id = party.tax_id.as_deref()?.trim();
    let prefix = id.get(..2)?;
    let known = prefix == "EL" || isocountry::CountryCode::for_alpha2(prefix).is_ok();
    (known && id.len() > 2).then_some(id)
}

/// Where the party receives e-invoices, for a document of `profile`: its Peppol
/// participant id (given, or its VAT id under its country's scheme); for a plain
/// EN 16931 document without one, its e-mail address (`EM`, an EN 16931 scheme the
/// Peppol network does not route, PEPPOL-EN16931-CL008).
pub fn endpoint(party: &Party, profile: Profile) -> Option<(String, String)> {
    if let Some(id) = profile::peppol_endpoint(party) {
        return Some((id.scheme().to_owned(), id.identifier().to_owned()));
    }
    match profile {
        Profile::Peppol => None,
        Profile::En16931 => party
            .email
            .as_deref()
            .filter(|e| !e.is_empty())
            .map(|e| ("EM".to_owned(), e.to_owned())),
    }
}

/// Every scheme [`endpoint`] can write: what the checker accepts (BR-CL-25 for the
/// values this application produces; CL008 for a Peppol document, which drops `EM`).
pub fn known_scheme(scheme: &str, peppol: bool) -> bool {
    (scheme == "EM" && !peppol) || fin_participant::PEPPOL_SCHEMES.contains(&scheme)
}

/// The party's legal registration number as the document writes it (BT-30, BT-47), with
/// the scheme its country asks for: the registration number it gave, else a tax id that
/// is no VAT id.
pub fn registration(party: &Party) -> Option<(Option<&'static str>, &str)> {
    let given = party.registration_id.as_deref().map(str::trim);
    if let Some(number) = given.filter(|n| !n.is_empty()) {
        let scheme = party
            .country()
            .and_then(fin_participant::registration_scheme);
        return Some((scheme, number));
    }
    party
        .tax_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty() && vat_id(party).is_none())
        .map(|id| (None, id))
}

/// The payment means code (UNCL 4461) for the invoice's bank account: 58, a SEPA credit
/// transfer, for EUR; 42, payment to a bank account, between two Danish parties
/// (Denmark's rules, DK-R-005, allow no 30); 30, a credit transfer, otherwise. `None`
/// without an account.
pub fn payment_means(invoice: &Invoice) -> Option<&'static str> {
    invoice.bank.as_ref()?;
    let danish = |p: &Party| p.country() == Some("DK");
    Some(if invoice.currency.code == "EUR" {
        "58"
    } else if danish(&invoice.seller) && danish(&invoice.buyer) {
        "42"
    } else {
        "30"
    })
}

/// The 27 member states of the European Union, by ISO code (Greece as `GR`).
fn in_eu(country: &str) -> bool {
    const EU: [&str; 27] = [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
        "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    ];
    EU.contains(&country)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fin_address::Address;

    fn party(country: &str, tax_id: Option<&str>) -> Party {
        Party {
            address: Some(Address {
                line1: None,
                line2: None,
                city: None,
                region: None,
                postal_code: None,
                country: country.into(),
            }),
            tax_id: tax_id.map(str::to_owned),
            email: Some("a@example.com".into()),
            ..Party::default()
        }
    }

    #[test]
    fn a_rate_above_zero_is_standard_and_zero_depends_on_who_trades() {
        let de = party("DE", Some("DE123456789"));
        assert_eq!(category("19", &de, &de), Category::STANDARD);
        assert_eq!(category("0.5", &de, &de), Category::STANDARD);
        assert_eq!(category("0", &de, &de), Category::EXEMPT);
        assert_eq!(category("0.00", &de, &de), Category::EXEMPT);
        let at = party("AT", Some("ATU12345678"));
        assert_eq!(category("0", &de, &at), Category::REVERSE_CHARGE);
        assert_eq!(category("0", &de, &party("AT", None)), Category::EXEMPT);
        assert_eq!(category("0", &de, &party("US", None)), Category::EXPORT);
        let plain = party("DE", None);
        assert_eq!(category("0", &plain, &at), Category::NOT_SUBJECT);
        assert!(!Category::NOT_SUBJECT.has_rate() && Category::EXEMPT.has_rate());
    }

    #[test]
    fn vat_ids_carry_a_country_and_endpoints_prefer_them() {
        assert_eq!(vat_id(&party("DE", Some("DE123"))), Some("DE123"));
        assert_eq!(vat_id(&party("GR", Some("EL123"))), Some("EL123"));
        assert_eq!(vat_id(&party("US", Some("12-3456789"))), None);
        assert_eq!(vat_id(&party("US", Some("XX"))), None);
        let pair = |s: &str, i: &str| Some((s.to_owned(), i.to_owned()));
        for profile in [Profile::Peppol, Profile::En16931] {
            assert_eq!(
                endpoint(&party("DE", Some("DE123456789")), profile),
                pair("9930", "DE123456789")
            );
        }
        // Peppol has no VAT scheme for Denmark: the e-mail address, for EN 16931 only.
        let dk = party("DK", Some("DK12345678"));
        assert_eq!(endpoint(&dk, Profile::En16931), pair("EM", "a@example.com"));
        assert_eq!(endpoint(&dk, Profile::Peppol), None);
        let given = Party {
            peppol_id: "0184:DK12345678".parse().ok(),
            ..dk
        };
        assert_eq!(
            endpoint(&given, Profile::Peppol),
            pair("0184", "DK12345678")
        );
        let mut nobody = party("US", None);
        nobody.email = None;
        assert_eq!(endpoint(&nobody, Profile::En16931), None);
        assert!(known_scheme("9930", true) && known_scheme("0088", true));
        assert!(known_scheme("EM", false) && !known_scheme("EM", true));
        assert!(!known_scheme("0000", false));
    }
}
