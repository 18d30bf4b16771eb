//! Billing's use cases for other components, as the WIT contract: the outbox as
//! `fin:billing/event-feed` and settlement of a provider's payment as
//! `fin:billing/invoice-payments`. This app's own readers and payments link the same
//! code instead (`billing::feed`, `billing::settlement`): composed, this instance was
//! made beside theirs for every message and every payments request, whether called or
//! not (docs/performance.md, session 14). It is built for a component that takes
//! billing composed.
//!
//! A dependency runs with its parent's configuration (`inherit_configuration`): the
//! parent must list `db_url`, the events variables and their hosts.

use billing::feed::MAX_BATCH;
use billing::outbox;
use billing::settlement::{self, Outcome, ProviderPayment, Unapplied};
use billing::store::PgInvoices;
use fin_commercial::dates::parse_date;
use fin_spin_edge::{config, pg, Fault};

mod bindings {
    wit_bindgen::generate!({
        world: "fin:billing/billing-service",
        path: "../../../wit",
        generate_all,
    });
}

use bindings::exports::fin::billing::event_feed::{self, FeedError};
use bindings::exports::fin::billing::invoice_payments::{
    self, Applied, SettleError, Settlement, UnappliedReason,
};
use bindings::fin::platform::events::{Event, Position};

struct BillingService;

impl event_feed::Guest for BillingService {
    fn read(after: Option<Position>, limit: u32) -> Result<Vec<Event>, FeedError> {
        let unavailable = |reason: String| {
            fin_log::warn!("billing-service", "event feed: {reason}");
            FeedError::Unavailable(reason)
        };
        let url: String = config::get("db_url").map_err(|_| unavailable("db_url".into()))?;
        let conn = pg::connect(&url).map_err(|f| unavailable(cause(f)))?;
        let after = after.map_or_else(Default::default, |p| fin_feed::Position {
            tx: p.tx,
            seq: p.seq,
        });
        let events = outbox::read(&conn, after, limit.clamp(1, MAX_BATCH))
            .map_err(|f| unavailable(cause(f)))?;
        Ok(events
            .into_iter()
            .map(|e| Event {
                id: e.id,
                event_type: e.event_type,
                occurred_at: e.occurred_at,
                owner_id: e.owner_id,
                aggregate_id: e.aggregate_id,
                aggregate_version: e.aggregate_version,
                payload: e.payload,
                position: Position {
                    tx: e.position.tx,
                    seq: e.position.seq,
                },
                traceparent: e.traceparent,
            })
            .collect())
    }
}

impl invoice_payments::Guest for BillingService {
    fn settle(payment: invoice_payments::ProviderPayment) -> Result<Settlement, SettleError> {
        let unavailable = |reason: String| {
            fin_log::warn!(
                "billing-service",
                "settle {}: {reason}",
                payment.payment_ref
            );
            SettleError::Unavailable(reason)
        };
        let received_on = parse_date(&payment.received_on).map_err(unavailable)?;
        let url: String = config::get("db_url").map_err(|_| unavailable("db_url".into()))?;
        let store = PgInvoices::open(&url).map_err(|f| unavailable(cause(f)))?;
        let settled = settlement::settle(
            &store,
            &ProviderPayment {
                payment_ref: payment.payment_ref.clone(),
                invoice_id: payment.invoice_id.clone(),
                owner_id: payment.owner_id.clone(),
                amount: payment.amount,
                currency: payment.currency.clone(),
                received_on,
            },
        )
        .map_err(|err| unavailable(format!("{err:?}")))?;
        Ok(Settlement {
            owner_id: settled.owner,
            outcome: match settled.outcome {
                Outcome::Applied(a) => invoice_payments::Outcome::Applied(Applied {
                    payment_id: a.payment_id,
                    invoice_status: a.invoice_status.as_str().to_owned(),
                    amount_applied: a.amount_applied,
                    amount_overpaid: a.amount_overpaid,
                    duplicate: a.duplicate,
                }),
                Outcome::Unapplied(reason) => invoice_payments::Outcome::Unapplied(match reason {
                    Unapplied::InvoiceNotFound => UnappliedReason::InvoiceNotFound,
                    Unapplied::OwnerMismatch => UnappliedReason::OwnerMismatch,
                    Unapplied::InvoiceDeleted => UnappliedReason::InvoiceDeleted,
                    Unapplied::InvoiceVoid => UnappliedReason::InvoiceVoid,
                    Unapplied::InvoiceNotSent => UnappliedReason::InvoiceNotSent,
                    Unapplied::CurrencyMismatch => UnappliedReason::CurrencyMismatch,
                }),
            },
        })
    }
}

/// The cause for the caller's log. Both kinds mean "not now" to the caller: the
/// projector tries again on its next nudge, the provider on its next delivery.
fn cause(fault: Fault) -> String {
    match fault {
        Fault::Unavailable(reason) => format!("unavailable: {reason}"),
        Fault::Refused(reason) | Fault::Internal(reason) => format!("failed: {reason}"),
    }
}

bindings::export!(BillingService with_types_in bindings);
