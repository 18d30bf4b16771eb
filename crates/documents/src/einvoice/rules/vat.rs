//! The VAT breakdown: one entry per category and rate, each the sum of what is taxed so
//! (BR-S-08 and its kin), its VAT the base times the rate (BR-S-09) or nothing with a
//! reason (BR-AE-10 …), and the parties' VAT ids each category requires.

use roxmltree::Node;

use super::{all, amount, children, fail, text, Category, Exact, Found};

/// UNCL 5305 codes EN 16931 admits (BR-CL-17, BR-CL-18).
const CODES: [&str; 9] = ["S", "Z", "E", "AE", "K", "G", "O", "L", "M"];

struct Taxed {
    category: Category,
    /// What it adds to its category's base: a line's net, a charge; an allowance less.
    base: Exact,
}

pub fn check(root: Node<'_, '_>, found: &mut Found) {
    let mut taxed: Vec<Taxed> = Vec::new();
    for line in super::lines(root) {
        if let Some(category) = all(line, "cac:Item/cac:ClassifiedTaxCategory").first() {
            taxed.push(Taxed {
                category: Category::of(*category),
                base: amount(line, "cbc:LineExtensionAmount").unwrap_or_default(),
            });
        }
    }
    for allowance in children(root, "cac:AllowanceCharge") {
        if let Some(category) = all(allowance, "cac:TaxCategory").first() {
            let amount = amount(allowance, "cbc:Amount").unwrap_or_default();
            let charge = text(allowance, "cbc:ChargeIndicator") == "true";
            taxed.push(Taxed {
                category: Category::of(*category),
                base: if charge { amount } else { Exact::ZERO - amount },
            });
        }
    }
    let breakdown = all(root, "cac:TaxTotal/cac:TaxSubtotal");
    let entries: Vec<Category> = breakdown
        .iter()
        .map(|s| {
            all(*s, "cac:TaxCategory")
                .first()
                .map(|c| Category::of(*c))
                .unwrap_or(Category {
                    code: String::new(),
                    rate: None,
                })
        })
        .collect();

    for item in &taxed {
        let Category { code, rate } = &item.category;
        if !CODES.contains(&code.as_str()) {
            fail(
                found,
                "BR-CL-18",
                "",
                format!("{code:?} is no VAT category code"),
            );
            continue;
        }
        if !entries.contains(&item.category) {
            fail(
                found,
                &format!("BR-{code}-01"),
                "",
                format!("the VAT breakdown has an entry for category {code} at {rate:?}"),
            );
        }
        let zero = Some(Exact::ZERO);
        match code.as_str() {
            "S" if rate.is_none_or(|r| r <= Exact::ZERO) => fail(
                found,
                "BR-S-05",
                "lines.tax_rate",
                "standard-rated items have a rate above zero",
            ),
            "AE" | "E" | "G" | "Z" | "K" if *rate != zero => fail(
                found,
                &format!("BR-{code}-05"),
                "lines.tax_rate",
                format!("items of category {code} have a rate of zero"),
            ),
            "O" if rate.is_some() => fail(
                found,
                "BR-O-05",
                "",
                "items not subject to VAT have no rate",
            ),
            _ => {}
        }
    }

    for (subtotal, category) in breakdown.iter().zip(&entries) {
        let code = category.code.as_str();
        if !CODES.contains(&code) {
            fail(
                found,
                "BR-CL-17",
                "",
                format!("{code:?} is no VAT category code"),
            );
            continue;
        }
        let taxable = amount(*subtotal, "cbc:TaxableAmount").unwrap_or_default();
        let tax = amount(*subtotal, "cbc:TaxAmount").unwrap_or_default();
        let base: Exact = taxed
            .iter()
            .filter(|t| t.category == *category)
            .map(|t| t.base)
            .sum();
        if taxable != base.round2() {
            fail(
                found,
                &format!("BR-{code}-08"),
                "",
                format!("the base of category {code} is what its lines and allowances add up to"),
            );
        }
        let reason = !text(*subtotal, "cac:TaxCategory/cbc:TaxExemptionReason").is_empty()
            || !text(*subtotal, "cac:TaxCategory/cbc:TaxExemptionReasonCode").is_empty();
        if code == "S" {
            let rate = category.rate.unwrap_or_default();
            if tax != taxable.percent(rate).round2() {
                fail(
                    found,
                    "BR-S-09",
                    "currency",
                    format!(
                        "the VAT at {rate} % is the base times the rate, to the cent \
                         (a currency without cents rounds otherwise)",
                        rate = text(*subtotal, "cac:TaxCategory/cbc:Percent")
                    ),
                );
            }
            if reason {
                fail(
                    found,
                    "BR-S-10",
                    "",
                    "standard-rated VAT has no exemption reason",
                );
            }
        } else {
            if tax != Exact::ZERO {
                fail(
                    found,
                    &format!("BR-{code}-09"),
                    "",
                    format!("category {code} carries no VAT"),
                );
            }
            if !reason {
                fail(
                    found,
                    &format!("BR-{code}-10"),
                    "",
                    format!("category {code} says why no VAT is charged"),
                );
            }
        }
    }
    if entries.iter().any(|c| c.code == "O") && entries.len() > 1 {
        fail(
            found,
            "BR-O-11",
            "lines.tax_rate",
            "not subject to VAT excludes every other VAT category",
        );
    }
    parties(root, &entries, found);
}

/// The VAT ids a category requires of the seller and the buyer (BR-S-02 and its kin).
fn parties(root: Node<'_, '_>, entries: &[Category], found: &mut Found) {
    let vat_id = |party: &str| {
        all(root, &format!("{party}/cac:Party/cac:PartyTaxScheme"))
            .into_iter()
            .any(|s| {
                text(s, "cac:TaxScheme/cbc:ID") == "VAT" && !text(s, "cbc:CompanyID").is_empty()
            })
    };
    let seller = vat_id("cac:AccountingSupplierParty");
    let buyer = vat_id("cac:AccountingCustomerParty");
    let buyer_registered = buyer
        || !text(
            root,
            "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
        )
        .is_empty();
    let mut codes: Vec<&str> = entries.iter().map(|c| c.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    for code in codes {
        match code {
            "S" | "E" | "G" | "Z" | "AE" if !seller => fail(
                found,
                &format!("BR-{code}-02"),
                "seller.tax_id",
                format!("an invoice with VAT category {code} names the seller's VAT id (with its country code)"),
            ),
            "AE" if !buyer_registered => fail(
                found,
                "BR-AE-02",
                "buyer.tax_id",
                "a reverse charge names the buyer's VAT id",
            ),
            "O" if seller || buyer => fail(
                found,
                "BR-O-02",
                "seller.tax_id",
                "an invoice not subject to VAT names no VAT id",
            ),
            _ => {}
        }
    }
}
