//! The quotes' domain events on the events channel: `quote.sent`, `quote.accepted`,
//! `quote.declined`, in billing's envelope (docs/events.md) without a feed position.
//!
//! The quote's row is the record of each (its `sent_at`, its answer); the message is
//! the news of it, and a nudge for the mailer, which sends what the same statement owed.
//! Redis pub/sub delivers at most once: a consumer that needs every event reads the
//! quotes' state through a published view, never the message alone.

use serde_json::{json, Value};
use time::Date;

use crate::quote::Quote;

/// The envelope of `kind` for `quote` as the change left it (event-carried state, the
/// owner's view).
pub fn envelope(kind: &str, quote: &Quote, today: Date) -> Value {
    let occurred_at = match kind {
        "quote.sent" => quote.sent_at.clone(),
        _ => quote.answer.as_ref().map(|a| a.at.clone()),
    };
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "type": kind,
        "occurred_at": occurred_at.unwrap_or_else(|| quote.updated_at.clone()),
        "owner_id": quote.owner,
        "aggregate_id": quote.id,
        "aggregate_version": quote.version,
        "payload": {"quote": quote.view(today)},
    })
}

/// Publishes the event; a failure is logged, never the caller's (`fin_spin_edge::nudge`).
pub fn publish(kind: &str, quote: &Quote, today: Date) {
    let message = envelope(kind, quote, today).to_string().into_bytes();
    fin_spin_edge::nudge::publish(&[message]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Answer, QuoteInput};
    use crate::memory::MemoryQuotes;
    use crate::service::{answer, create, send, share, NewLink};
    use time::macros::date;

    #[test]
    fn an_answer_is_an_event_of_its_kind_dated_when_it_was_given() {
        let (owner, client) = (
            "11111111-1111-4111-8111-111111111111",
            "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11",
        );
        let today = date!(2026 - 12 - 06);
        let store = MemoryQuotes::with_client(owner, client, Some("EUR"));
        let input: QuoteInput = serde_json::from_value(json!({"client_id": client,
            "lines": [{"description": "Audit", "quantity": "1", "unit_price": 1000}]}))
        .expect("input");
        let (quote, _) = create(&store, owner, input, today, None).expect("created");
        let link = NewLink {
            digest: "d-mail".into(),
            url: "https://app.example/share/quotes/t".into(),
        };
        let (sent, _) = send(&store, owner, &quote.id, None, today, link).expect("sent");
        let event = envelope("quote.sent", &sent, today);
        assert_eq!(event["occurred_at"], json!(sent.sent_at));
        share(&store, owner, &quote.id, "d").expect("shared");
        let reply = Answer::Decline { reason: None };
        let declined = answer(&store, "d", &reply, None, today, "https://app.example").expect("ok");
        let event = envelope("quote.declined", &declined, today);
        let at = declined.answer.as_ref().map(|a| a.at.clone());
        assert_eq!(
            (&event["type"], &event["aggregate_id"], &event["owner_id"]),
            (&json!("quote.declined"), &json!(quote.id), &json!(owner))
        );
        assert_eq!(event["occurred_at"], json!(at));
        assert_eq!(event["aggregate_version"], json!(declined.version));
        assert_eq!(event["payload"]["quote"]["status"], "declined");
        assert!(event.get("position").is_none(), "no feed position: a nudge");
    }
}
