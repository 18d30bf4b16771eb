//! Each invoice line: what it must carry, and that its net is its quantity times price.

use roxmltree::Node;

use super::{amount, at, fail, is_credit_note, lines, text, Exact, Found};

pub fn check(root: Node<'_, '_>, found: &mut Found) {
    let quantity_path = match is_credit_note(root) {
        true => "cbc:CreditedQuantity",
        false => "cbc:InvoicedQuantity",
    };
    for (i, line) in lines(root).into_iter().enumerate() {
        let n = i + 1;
        if text(line, "cbc:ID").is_empty() {
            fail(found, "BR-21", "", format!("line {n} has an identifier"));
        }
        let quantity = at(line, quantity_path);
        if quantity.is_none() {
            fail(found, "BR-22", "", format!("line {n} has a quantity"));
        }
        if quantity.is_some_and(|q| q.attribute("unitCode").is_none()) {
            fail(
                found,
                "BR-23",
                "",
                format!("line {n}'s quantity has a unit code"),
            );
        }
        let net = amount(line, "cbc:LineExtensionAmount");
        if net.is_none() {
            fail(found, "BR-24", "", format!("line {n} has a net amount"));
        }
        if text(line, "cac:Item/cbc:Name").is_empty() {
            fail(
                found,
                "BR-25",
                "lines.description",
                format!("line {n} names its item"),
            );
        }
        let price = amount(line, "cac:Price/cbc:PriceAmount");
        match price {
            None => fail(found, "BR-26", "", format!("line {n} has a net price")),
            Some(p) if p < Exact::ZERO => fail(
                found,
                "BR-27",
                "lines.unit_price",
                format!("line {n}'s price is not negative"),
            ),
            Some(_) => {}
        }
        if text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID").is_empty() {
            fail(
                found,
                "BR-CO-04",
                "",
                format!("line {n} has a VAT category"),
            );
        }
        let quantity = quantity.and_then(|q| Exact::parse(q.text().unwrap_or_default()));
        if let (Some(quantity), Some(price), Some(net)) = (quantity, price, net) {
            // Peppol's slack: a net rounded to the currency may differ from the product.
            if net.abs_diff(quantity.times(price)) > Exact(20_000) {
                fail(
                    found,
                    "PEPPOL-EN16931-R120",
                    // A currency without cents rounds a fractional quantity's net by
                    // more than the rule's slack: whole quantities mend it.
                    "lines.quantity",
                    format!("line {n}'s net is its quantity times its price"),
                );
            }
        }
    }
}
