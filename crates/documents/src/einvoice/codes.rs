//! The code lists an EN 16931 invoice speaks, as far as a freelancer's invoice needs
//! them: VAT categories (UNCL 5305) with their exemption reasons (VATEX), the electronic
//! address schemes Peppol routes on (EAS), and the EU's member states, which decide
//! between a reverse charge and an export.

use crate::model::Party;

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

/// Where the party receives e-invoices: its VAT id under the Peppol scheme for VAT ids
/// of its country where Peppol has one, else its e-mail address (`EM`, an EAS code of
/// EN 16931 for exchange by e-mail, which the Peppol network does not route).
pub fn endpoint(party: &Party) -> Option<(&'static str, &str)> {
    if let Some(id) = vat_id(party) {
        if let Some(scheme) = vat_scheme(&id[..2]) {
            return Some((scheme, id));
        }
    }
    party
        .email
        .as_deref()
        .filter(|e| !e.is_empty())
        .map(|e| ("EM", e))
}

/// The Peppol participant identifier schemes (ISO 6523 ICD) for VAT numbers, by the VAT
/// id's country prefix, from the Peppol code list "Participant Identifier Schemes".
const VAT_SCHEMES: [(&str, &str); 37] = [
    ("AD", "9922"),
    ("AL", "9923"),
    ("AT", "9914"),
    ("BA", "9924"),
    ("BE", "9925"),
    ("BG", "9926"),
    ("CH", "9927"),
    ("CY", "9928"),
    ("CZ", "9929"),
    ("DE", "9930"),
    ("EE", "9931"),
    ("ES", "9920"),
    ("FR", "9957"),
    ("GB", "9932"),
    ("EL", "9933"),
    ("GR", "9933"),
    ("HR", "9934"),
    ("HU", "9910"),
    ("IE", "9935"),
    ("LI", "9936"),
    ("LT", "9937"),
    ("LU", "9938"),
    ("LV", "9939"),
    ("MC", "9940"),
    ("ME", "9941"),
    ("MK", "9942"),
    ("MT", "9943"),
    ("NL", "9944"),
    ("PL", "9945"),
    ("PT", "9946"),
    ("RO", "9947"),
    ("RS", "9948"),
    ("SI", "9949"),
    ("SK", "9950"),
    ("SM", "9951"),
    ("TR", "9952"),
    ("VA", "9953"),
];

fn vat_scheme(prefix: &str) -> Option<&'static str> {
    VAT_SCHEMES
        .iter()
        .find(|(country, _)| *country == prefix)
        .map(|(_, scheme)| *scheme)
}

/// Every scheme [`endpoint`] can write: what the checker accepts (BR-CL-25 for the
/// values this application produces).
pub fn known_scheme(scheme: &str) -> bool {
    scheme == "EM" || VAT_SCHEMES.iter().any(|(_, s)| *s == scheme)
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
        assert_eq!(
            endpoint(&party("DE", Some("DE123456789"))),
            Some(("9930", "DE123456789"))
        );
        // Peppol has no VAT scheme for Denmark: the e-mail address.
        assert_eq!(
            endpoint(&party("DK", Some("DK12345678"))),
            Some(("EM", "a@example.com"))
        );
        let mut nobody = party("US", None);
        nobody.email = None;
        assert_eq!(endpoint(&nobody), None);
        assert!(known_scheme("9930") && known_scheme("EM") && !known_scheme("0088"));
    }
}
