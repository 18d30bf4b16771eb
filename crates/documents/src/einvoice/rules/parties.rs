//! The seller and the buyer: names, postal addresses, electronic addresses, VAT ids.

use roxmltree::Node;

use super::{all, at, fail, text, Found};
use crate::einvoice::codes;

struct Role {
    path: &'static str,
    who: &'static str,
    name_rule: &'static str,
    address_rule: &'static str,
    country_rule: &'static str,
    endpoint_rule: &'static str,
    scheme_rule: &'static str,
    /// The inputs that mend each kind of gap, for this party.
    name: &'static str,
    address: &'static str,
    country: &'static str,
    endpoint: &'static str,
    tax_id: &'static str,
}

const SELLER: Role = Role {
    path: "cac:AccountingSupplierParty/cac:Party",
    who: "seller",
    name_rule: "BR-06",
    address_rule: "BR-08",
    country_rule: "BR-09",
    endpoint_rule: "PEPPOL-EN16931-R020",
    scheme_rule: "BR-62",
    name: "seller.legal_name",
    address: "seller.address",
    country: "seller.address.country",
    endpoint: "seller.peppol_id",
    tax_id: "seller.tax_id",
};

const BUYER: Role = Role {
    path: "cac:AccountingCustomerParty/cac:Party",
    who: "buyer",
    name_rule: "BR-07",
    address_rule: "BR-10",
    country_rule: "BR-11",
    endpoint_rule: "PEPPOL-EN16931-R010",
    scheme_rule: "BR-63",
    name: "buyer.name",
    address: "buyer.address",
    country: "buyer.address.country",
    endpoint: "buyer.peppol_id",
    tax_id: "buyer.tax_id",
};

pub fn check(root: Node<'_, '_>, found: &mut Found) {
    let peppol = super::claims_peppol(root);
    for role in [SELLER, BUYER] {
        let Some(party) = at(root, role.path) else {
            fail(
                found,
                role.name_rule,
                role.name,
                format!("the invoice names its {}", role.who),
            );
            continue;
        };
        let who = role.who;
        if text(party, "cac:PartyLegalEntity/cbc:RegistrationName").is_empty() {
            fail(
                found,
                role.name_rule,
                role.name,
                format!("the {who}'s name is given"),
            );
        }
        match at(party, "cac:PostalAddress") {
            None => fail(
                found,
                role.address_rule,
                role.address,
                format!("the {who}'s postal address is given"),
            ),
            Some(address) => {
                let country = text(address, "cac:Country/cbc:IdentificationCode");
                if country.is_empty() {
                    fail(
                        found,
                        role.country_rule,
                        role.country,
                        format!("the {who}'s address has a country"),
                    );
                } else if isocountry::CountryCode::for_alpha2(country).is_err() {
                    fail(
                        found,
                        "BR-CL-14",
                        role.country,
                        format!("{country} is no ISO 3166-1 country"),
                    );
                }
            }
        }
        match at(party, "cbc:EndpointID") {
            // EN 16931 makes the electronic address optional; Peppol routes on it.
            None if peppol => fail(
                found,
                role.endpoint_rule,
                role.endpoint,
                format!("the {who} has a Peppol participant id (or a VAT id Peppol routes on)"),
            ),
            None => {}
            Some(endpoint) => match endpoint.attribute("schemeID") {
                None => fail(
                    found,
                    role.scheme_rule,
                    "",
                    format!("the {who}'s electronic address names its scheme"),
                ),
                Some(scheme) if !codes::known_scheme(scheme, peppol) => fail(
                    found,
                    if peppol {
                        "PEPPOL-EN16931-CL008"
                    } else {
                        "BR-CL-25"
                    },
                    "",
                    format!("{scheme} is no electronic address scheme of the document's profile"),
                ),
                Some(_) => {}
            },
        }
        for vat in all(party, "cac:PartyTaxScheme")
            .into_iter()
            .filter(|s| text(*s, "cac:TaxScheme/cbc:ID") == "VAT")
        {
            let id = text(vat, "cbc:CompanyID");
            let prefix = id.get(..2).unwrap_or_default();
            if prefix != "EL" && isocountry::CountryCode::for_alpha2(prefix).is_err() {
                fail(
                    found,
                    "BR-CO-09",
                    role.tax_id,
                    format!("the {who}'s VAT id {id:?} begins with its country code"),
                );
            }
        }
    }
}
