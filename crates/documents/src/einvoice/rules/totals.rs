//! The totals: each one the sum the rules say it is (BR-CO-10 to BR-CO-16), and every
//! amount written with at most two decimals (BR-DEC).

use roxmltree::Node;

use super::exact::decimals;
use super::{all, amount, at, children, fail, text, Exact, Found};

const TOTALS: &str = "cac:LegalMonetaryTotal";

pub fn check(root: Node<'_, '_>, found: &mut Found) {
    let Some(totals) = at(root, TOTALS) else {
        fail(found, "BR-12", "", "an invoice has its totals");
        return;
    };
    let total = |name: &str| amount(totals, name);
    for (name, rule) in [
        ("cbc:LineExtensionAmount", "BR-12"),
        ("cbc:TaxExclusiveAmount", "BR-13"),
        ("cbc:TaxInclusiveAmount", "BR-14"),
        ("cbc:PayableAmount", "BR-15"),
    ] {
        if total(name).is_none() {
            fail(found, rule, "", format!("the invoice has its {name}"));
        }
    }
    let zero = Exact::ZERO;
    let lines: Exact = super::lines(root)
        .into_iter()
        .filter_map(|l| amount(l, "cbc:LineExtensionAmount"))
        .sum();
    let sum_of = |charge: bool| -> Exact {
        children(root, "cac:AllowanceCharge")
            .filter(|a| (text(*a, "cbc:ChargeIndicator") == "true") == charge)
            .filter_map(|a| amount(a, "cbc:Amount"))
            .sum()
    };
    let (allowances, charges) = (sum_of(false), sum_of(true));
    let line_total = total("cbc:LineExtensionAmount").unwrap_or(zero);
    if line_total != lines.round2() {
        fail(
            found,
            "BR-CO-10",
            "",
            "the sum of line nets is the lines' nets added up",
        );
    }
    let allowance_total = total("cbc:AllowanceTotalAmount");
    if allowance_total.unwrap_or(zero) != allowances.round2() {
        fail(
            found,
            "BR-CO-11",
            "",
            "the sum of allowances is the allowances added up",
        );
    }
    let charge_total = total("cbc:ChargeTotalAmount");
    if charge_total.unwrap_or(zero) != charges.round2() {
        fail(
            found,
            "BR-CO-12",
            "",
            "the sum of charges is the charges added up",
        );
    }
    let without_vat = total("cbc:TaxExclusiveAmount").unwrap_or(zero);
    let expected = line_total - allowance_total.unwrap_or(zero) + charge_total.unwrap_or(zero);
    if without_vat != expected.round2() {
        fail(
            found,
            "BR-CO-13",
            "",
            "the total without VAT is the lines less allowances plus charges",
        );
    }

    let tax_totals: Vec<_> = children(root, "cac:TaxTotal").collect();
    let with_breakdown: Vec<_> = tax_totals
        .iter()
        .filter(|t| children(**t, "cac:TaxSubtotal").next().is_some())
        .collect();
    if with_breakdown.len() != 1 {
        fail(
            found,
            "PEPPOL-EN16931-R053",
            "",
            "exactly one tax total with a VAT breakdown",
        );
    }
    let vat = with_breakdown
        .first()
        .and_then(|t| amount(**t, "cbc:TaxAmount"));
    if let Some(breakdown) = with_breakdown.first() {
        let subtotals: Exact = children(**breakdown, "cac:TaxSubtotal")
            .filter_map(|s| amount(s, "cbc:TaxAmount"))
            .sum();
        if vat != Some(subtotals.round2()) {
            fail(
                found,
                "BR-CO-14",
                "",
                "the VAT total is the breakdown's VAT added up",
            );
        }
    } else {
        fail(found, "BR-CO-18", "", "the invoice has a VAT breakdown");
    }
    let with_vat = total("cbc:TaxInclusiveAmount").unwrap_or(zero);
    if with_vat != (without_vat + vat.unwrap_or(zero)).round2() {
        fail(
            found,
            "BR-CO-15",
            "",
            "the total with VAT is the total without VAT plus the VAT",
        );
    }
    let paid = total("cbc:PrepaidAmount").unwrap_or(zero);
    let rounding = total("cbc:PayableRoundingAmount").unwrap_or(zero);
    let payable = total("cbc:PayableAmount").unwrap_or(zero);
    if (payable - rounding).round2() != (with_vat - paid).round2() {
        fail(
            found,
            "BR-CO-16",
            "",
            "the amount due is the total with VAT less what was paid",
        );
    }

    for allowance in children(root, "cac:AllowanceCharge") {
        let charge = text(allowance, "cbc:ChargeIndicator") == "true";
        let (amount_rule, category_rule, reason_rule) = if charge {
            ("BR-36", "BR-37", "BR-38")
        } else {
            ("BR-31", "BR-32", "BR-33")
        };
        if amount(allowance, "cbc:Amount").is_none() {
            fail(
                found,
                amount_rule,
                "",
                "an allowance or charge has an amount",
            );
        }
        if text(allowance, "cac:TaxCategory/cbc:ID").is_empty() {
            fail(
                found,
                category_rule,
                "",
                "an allowance or charge has a VAT category",
            );
        }
        if text(allowance, "cbc:AllowanceChargeReason").is_empty()
            && text(allowance, "cbc:AllowanceChargeReasonCode").is_empty()
        {
            fail(found, reason_rule, "", "an allowance or charge says why");
        }
    }
    two_decimals(root, found);
}

/// BR-DEC: amounts have at most two decimals — which a currency with three minor digits
/// (BHD, KWD) cannot honour.
fn two_decimals(root: Node<'_, '_>, found: &mut Found) {
    let mut places: Vec<(&str, Vec<Node<'_, '_>>)> = vec![
        ("BR-DEC-01", all(root, "cac:AllowanceCharge/cbc:Amount")),
        (
            "BR-DEC-09",
            all(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount"),
        ),
        (
            "BR-DEC-10",
            all(root, "cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount"),
        ),
        (
            "BR-DEC-12",
            all(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
        ),
        ("BR-DEC-13", all(root, "cac:TaxTotal/cbc:TaxAmount")),
        (
            "BR-DEC-14",
            all(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
        ),
        (
            "BR-DEC-16",
            all(root, "cac:LegalMonetaryTotal/cbc:PrepaidAmount"),
        ),
        (
            "BR-DEC-18",
            all(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"),
        ),
        (
            "BR-DEC-19",
            all(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount"),
        ),
        (
            "BR-DEC-20",
            all(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount"),
        ),
    ];
    places.push((
        "BR-DEC-23",
        super::lines(root)
            .into_iter()
            .filter_map(|l| at(l, "cbc:LineExtensionAmount"))
            .collect(),
    ));
    for (rule, nodes) in places {
        if let Some(node) = nodes
            .into_iter()
            .find(|n| decimals(n.text().unwrap_or_default()) > 2)
        {
            fail(
                found,
                rule,
                "currency",
                format!(
                    "{} has at most two decimals (EN 16931 cannot carry a currency with three)",
                    node.tag_name().name()
                ),
            );
        }
    }
}
