//! What one event means for the read model: the invoice as it now stands and, for a
//! payment, the payment. Events carry the whole invoice, so applying one is "keep the
//! newest version" — idempotent, and indifferent to order.

use serde::Deserialize;

use crate::event::FeedEvent;

/// An invoice as the read model keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct InvoiceState {
    pub invoice_id: String,
    pub owner_id: String,
    pub client_id: String,
    pub version: i64,
    /// As billing stores it: `draft`, `sent`, `paid`, `void` (`overdue` is derived).
    pub status: String,
    pub deleted: bool,
    pub currency: String,
    pub issue_date: String,
    pub due_date: String,
    pub total: i64,
    pub amount_paid: i64,
    pub amount_overpaid: i64,
    /// What credit notes took back of `total`.
    pub amount_credited: i64,
}

/// A payment received: money in, on a day, in the invoice's currency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PaymentFact {
    pub payment_id: String,
    pub owner_id: String,
    pub invoice_id: String,
    pub currency: String,
    pub amount: i64,
    pub paid_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projected {
    pub invoice: InvoiceState,
    pub payment: Option<PaymentFact>,
}

/// The event types this read model understands.
const INVOICE_EVENTS: [&str; 9] = [
    "invoice.created",
    "invoice.updated",
    "invoice.sent",
    "invoice.voided",
    "invoice.deleted",
    "payment.recorded",
    "invoice.paid",
    "credit_note.issued",
    // The invoice's state only: money paid back is not a payment received (the
    // dashboard's figures are what was invoiced, credited, owed and received).
    "refund.recorded",
];

#[derive(Deserialize)]
struct Payload {
    invoice: InvoicePayload,
    payment: Option<PaymentPayload>,
}

#[derive(Deserialize)]
struct InvoicePayload {
    id: String,
    client_id: String,
    status: String,
    issue_date: String,
    due_date: String,
    currency: String,
    total: i64,
    amount_paid: i64,
    amount_overpaid: i64,
    /// Absent from events written before credit notes existed: nothing was credited.
    #[serde(default)]
    amount_credited: i64,
    version: i64,
    deleted_at: Option<String>,
}

#[derive(Deserialize)]
struct PaymentPayload {
    id: String,
    amount: i64,
    paid_on: String,
}

/// The event's effect; `Ok(None)` for a type this read model does not use (a newer
/// producer's, say), an error for a payload it cannot read.
pub fn project(event: &FeedEvent) -> Result<Option<Projected>, String> {
    if !INVOICE_EVENTS.contains(&event.event_type.as_str()) {
        return Ok(None);
    }
    let payload: Payload = serde_json::from_str(&event.payload)
        .map_err(|e| format!("event {} ({}): {e}", event.id, event.event_type))?;
    let invoice = payload.invoice;
    if invoice.id != event.aggregate_id || invoice.version != event.aggregate_version {
        return Err(format!(
            "event {}: its invoice is {} v{}, its envelope says {} v{}",
            event.id, invoice.id, invoice.version, event.aggregate_id, event.aggregate_version
        ));
    }
    let payment = match (event.event_type.as_str(), payload.payment) {
        ("payment.recorded", Some(p)) => Some(PaymentFact {
            payment_id: p.id,
            owner_id: event.owner_id.clone(),
            invoice_id: invoice.id.clone(),
            currency: invoice.currency.clone(),
            amount: p.amount,
            paid_on: p.paid_on,
        }),
        ("payment.recorded", None) => {
            return Err(format!(
                "event {}: payment.recorded without a payment",
                event.id
            ))
        }
        _ => None,
    };
    Ok(Some(Projected {
        invoice: InvoiceState {
            invoice_id: invoice.id,
            owner_id: event.owner_id.clone(),
            client_id: invoice.client_id,
            version: invoice.version,
            status: invoice.status,
            deleted: invoice.deleted_at.is_some(),
            currency: invoice.currency,
            issue_date: invoice.issue_date,
            due_date: invoice.due_date,
            total: invoice.total,
            amount_paid: invoice.amount_paid,
            amount_overpaid: invoice.amount_overpaid,
            amount_credited: invoice.amount_credited,
        },
        payment,
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::event::Position;

    const INVOICE: &str = "11111111-1111-4111-8111-111111111111";

    fn event(event_type: &str, payload: serde_json::Value) -> FeedEvent {
        FeedEvent {
            id: "e1".into(),
            event_type: event_type.into(),
            occurred_at: "2026-03-01T10:00:00.000000Z".into(),
            owner_id: "owner".into(),
            aggregate_id: INVOICE.into(),
            aggregate_version: 3,
            payload: payload.to_string(),
            position: Position { tx: 1, seq: 1 },
            traceparent: None,
        }
    }

    fn invoice(deleted_at: Option<&str>) -> serde_json::Value {
        json!({"id": INVOICE, "number": "INV-2026-0001", "client_id": "c", "status": "sent",
               "issue_date": "2026-03-01", "due_date": "2026-03-31", "currency": "EUR",
               "subtotal": 1000, "discount_amount": 0, "tax": 0, "total": 1000,
               "amount_paid": 400, "amount_overpaid": 0, "version": 3,
               "sent_at": null, "paid_at": null, "voided_at": null, "deleted_at": deleted_at})
    }

    #[test]
    fn an_invoice_event_carries_the_invoice_as_it_now_stands() {
        let projected = project(&event("invoice.sent", json!({"invoice": invoice(None)})))
            .expect("readable")
            .expect("used");
        assert_eq!(projected.invoice.status, "sent");
        assert_eq!(projected.invoice.amount_paid, 400);
        assert!(!projected.invoice.deleted);
        assert_eq!(projected.payment, None);
        let deleted = project(&event(
            "invoice.deleted",
            json!({"invoice": invoice(Some("2026-03-02T00:00:00Z"))}),
        ))
        .expect("readable")
        .expect("used");
        assert!(deleted.invoice.deleted);
    }

    #[test]
    fn a_payment_event_also_carries_the_payment_in_the_invoice_currency() {
        let payment = json!({"id": "p1", "amount": 400, "overpaid": 0, "paid_on": "2026-03-05",
                             "method": null, "reference": null, "source": "manual"});
        let projected = project(&event(
            "payment.recorded",
            json!({"invoice": invoice(None), "payment": payment}),
        ))
        .expect("readable")
        .expect("used");
        let payment = projected.payment.expect("payment");
        assert_eq!((payment.amount, payment.currency.as_str()), (400, "EUR"));
        assert_eq!(payment.paid_on, "2026-03-05");
    }

    #[test]
    fn unknown_types_are_skipped_and_unreadable_payloads_are_errors() {
        assert_eq!(project(&event("client.renamed", json!({}))), Ok(None));
        assert!(project(&event("invoice.sent", json!({"invoice": {"id": INVOICE}}))).is_err());
        assert!(project(&event(
            "payment.recorded",
            json!({"invoice": invoice(None)})
        ))
        .is_err());
        let mut other = invoice(None);
        other["version"] = json!(2);
        assert!(
            project(&event("invoice.sent", json!({"invoice": other}))).is_err(),
            "an envelope and payload that disagree are not applied"
        );
    }
}
