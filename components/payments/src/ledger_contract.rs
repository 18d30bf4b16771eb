//! Billing, as the composed profile reaches it (`scripts/composed.sh`): the
//! `fin:billing/invoice-payments` import, satisfied by the billing-service component
//! through Spin `dependencies`. The same [`Ledger`] as the linked `ledger.rs`, so the
//! webhook's rules cannot tell which one they were given.

use crate::event::Money;
use crate::service::{Ledger, Settlement};

mod bindings {
    wit_bindgen::generate!({
        world: "fin:billing/settles-payments",
        path: "../../wit",
        generate_all,
    });
}

use bindings::fin::billing::invoice_payments::{
    self as contract, Outcome, ProviderPayment, SettleError, UnappliedReason,
};

pub struct Billing;

impl Ledger for Billing {
    fn settle(&self, money: &Money, received_on: &str) -> Result<Settlement, String> {
        let settled = contract::settle(&ProviderPayment {
            provider: "stripe".into(),
            payment_ref: money.payment_ref.clone(),
            invoice_id: money.invoice_ref.clone(),
            owner_id: money.owner_ref.clone(),
            amount: money.amount,
            currency: money.currency.clone(),
            received_on: received_on.to_owned(),
        })
        .map_err(|SettleError::Unavailable(reason)| reason)?;
        Ok(match settled.outcome {
            Outcome::Applied(applied) => Settlement::Applied {
                owner: settled.owner_id.unwrap_or_default(),
                payment_id: applied.payment_id,
                invoice_status: applied.invoice_status,
                amount_applied: applied.amount_applied,
                amount_overpaid: applied.amount_overpaid,
                duplicate: applied.duplicate,
            },
            Outcome::Unapplied(reason) => Settlement::Unapplied {
                owner: settled.owner_id,
                reason: match reason {
                    UnappliedReason::InvoiceNotFound => "invoice_not_found",
                    UnappliedReason::OwnerMismatch => "owner_mismatch",
                    UnappliedReason::InvoiceDeleted => "invoice_deleted",
                    UnappliedReason::InvoiceVoid => "invoice_void",
                    UnappliedReason::InvoiceNotSent => "invoice_not_sent",
                    UnappliedReason::CurrencyMismatch => "currency_mismatch",
                },
            },
        })
    }
}
