//! Billing, as the payments context reaches it: billing's settlement
//! (`billing::settlement`, the use case behind `fin:billing/invoice-payments`), linked
//! into this component rather than composed. Composed, the billing-service instance was
//! made for every request of this component — a webhook redelivery that never settles
//! included — and that second instance was a fifth to a half of a redelivery's cost
//! (docs/performance.md, session 14). Billing's rules and its tables stay billing's: this
//! is billing's code, run with this component's configuration, as the composed instance
//! was (`inherit_configuration`).

use billing::settlement::{self, Outcome, ProviderPayment};
use billing::store::PgInvoices;
use fin_commercial::dates::parse_date;
use fin_spin_edge::config;

use crate::event::Money;
use crate::service::{Ledger, Settlement};

pub struct Billing;

impl Ledger for Billing {
    fn settle(&self, money: &Money, received_on: &str) -> Result<Settlement, String> {
        let received_on = parse_date(received_on)?;
        let url: String = config::get("db_url").map_err(|_| "db_url".to_owned())?;
        let store = PgInvoices::open(&url).map_err(|f| format!("{f:?}"))?;
        let settled = settlement::settle(
            &store,
            &ProviderPayment {
                payment_ref: money.payment_ref.clone(),
                invoice_id: money.invoice_ref.clone(),
                owner_id: money.owner_ref.clone(),
                amount: money.amount,
                currency: money.currency.clone(),
                received_on,
            },
        )
        .map_err(|err| format!("{err:?}"))?;
        Ok(match settled.outcome {
            Outcome::Applied(applied) => Settlement::Applied {
                owner: settled.owner.unwrap_or_default(),
                payment_id: applied.payment_id,
                invoice_status: applied.invoice_status.as_str().to_owned(),
                amount_applied: applied.amount_applied,
                amount_overpaid: applied.amount_overpaid,
                duplicate: applied.duplicate,
            },
            Outcome::Unapplied(reason) => Settlement::Unapplied {
                owner: settled.owner,
                reason: reason.as_str(),
            },
        })
    }
}
