//! The rows of an invoice's totals, as every document (the PDF, the share page) shows
//! them. Apart from the model because a tax row says why a zero rate is zero the way the
//! e-invoice's VAT category does, and the e-invoice reads the model.

use crate::einvoice::category;
use crate::model::{Invoice, TaxSubtotal};

/// A row of an invoice's totals, as every document shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    pub label: String,
    /// Minor units; payments and the discount are negative.
    pub minor: i64,
    /// The total and the balance due stand out.
    pub strong: bool,
}

/// The totals, top to bottom: subtotal, discount, each tax rate, the total, each
/// payment, the balance due (none on a quote).
pub fn totals(invoice: &Invoice) -> Vec<Total> {
    let row = |label: String, minor: i64, strong: bool| Total {
        label,
        minor,
        strong,
    };
    let mut rows = vec![row("Subtotal".into(), invoice.subtotal, false)];
    if let Some(discount) = &invoice.discount {
        rows.push(row(discount.label.clone(), -discount.amount, false));
    }
    for tax in &invoice.taxes {
        rows.push(row(tax_label(invoice, tax), tax.tax, false));
    }
    rows.push(row(
        format!("Total {}", invoice.currency.code),
        invoice.total,
        true,
    ));
    for payment in &invoice.payments {
        let how = payment
            .method
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        rows.push(row(
            format!("Paid {}{how}", payment.paid_on),
            -payment.amount,
            false,
        ));
    }
    if invoice.amount_credited > 0 {
        rows.push(row(
            "Credited by credit notes".to_owned(),
            -invoice.amount_credited,
            false,
        ));
    }
    let balance = match invoice.kind {
        crate::model::Kind::Invoice => format!("Balance due {}", invoice.currency.code),
        crate::model::Kind::CreditNote { .. } => format!("Credited {}", invoice.currency.code),
        // An offer: its total is the last word, nothing is owed yet.
        crate::model::Kind::Quote { .. } => return rows,
    };
    rows.push(row(balance, invoice.balance_due, true));
    rows
}

/// A tax rate's row on every document: `Tax 19 % on 950.00`; at a zero rate, also why
/// no tax is charged (`Reverse charge`, the mention an EU invoice must carry then;
/// `Export outside the EU`…), as the e-invoice's VAT category says it.
fn tax_label(invoice: &Invoice, tax: &TaxSubtotal) -> String {
    let on = crate::amount::format(tax.taxable, invoice.currency.minor_digits);
    let category = category(&tax.rate, &invoice.seller, &invoice.buyer);
    match category.reason {
        Some(reason) => format!("Tax {} % on {on} — {reason}", tax.rate),
        None => format!("Tax {} % on {on}", tax.rate),
    }
}
