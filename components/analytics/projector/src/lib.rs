//! The analytics projector, on Spin's Redis trigger (the events channel).
//!
//! Every message — an event billing published, or the supervisor's `catch-up` nudge —
//! means the same: read billing's event feed from the read model's checkpoint to its
//! end and apply it. The message's own content is never applied: the feed (billing's
//! outbox) is the truth, so a lost message delays the dashboard and a forged or stale
//! one changes nothing. An event's message whose position the checkpoint has passed
//! skips the read (`fin_feed::Hint`): an earlier catch-up got it.
//!
//! Spin ends the whole `spin up` when the trigger's Redis connection drops, so this
//! component runs in a process of its own (`scripts/projector.sh`), apart from the
//! HTTP API.

use std::cell::RefCell;

use analytics::catch_up::{catch_up, Hint};
use analytics::store::PgReadModel;
use fin_feed::Observed;
use fin_spin_edge::trace::{Kind, Span};
use fin_spin_edge::{config, Fault};
use spin_sdk::redis_component;

#[redis_component]
fn on_message(message: bytes::Bytes) -> anyhow::Result<()> {
    fin_spin_edge::trace::install_log();
    let nudge = describe(&message);
    // One statement applies a batch of events, so the span cannot sit in each event's
    // trace: it links to the request that wrote each one instead.
    let span = RefCell::new(Span::start("project", Kind::Consumer, None));
    let result = (|| {
        let batch_size: u32 = config::get("projector_batch_size")
            .map_err(|_| Fault::from("variable `projector_batch_size` is missing or invalid"))?;
        let url: String =
            config::get("db_url").map_err(|_| Fault::from("variable `db_url` is missing"))?;
        let model = PgReadModel::open(&url)?;
        // Linked: billing's feed on the read model's own connection. Composed: the
        // billing-service component's (`fin:billing/event-feed`).
        #[cfg(not(feature = "composed"))]
        let feed = billing::feed::OutboxFeed::on(model.connection());
        #[cfg(feature = "composed")]
        let feed = fin_feed::ImportedFeed;
        let feed = Observed {
            feed,
            seen: |event: &fin_feed::FeedEvent| {
                if let Some(traceparent) = &event.traceparent {
                    span.borrow_mut().link(traceparent);
                }
            },
        };
        catch_up(&feed, &model, batch_size, &Hint::read(&message))
    })();
    let mut span = span.into_inner();
    match &result {
        Ok(done) => {
            span.set("events.applied", &done.applied.to_string());
            span.set("events.skipped", &done.skipped.to_string());
        }
        Err(reason) => span.fail(&reason.to_string()),
    }
    drop(span);
    match result {
        Ok(done) if done.applied + done.skipped > 0 => {
            fin_log::info!(
                "projector",
                "{nudge}: applied {} event(s), skipped {}, now at {}:{}",
                done.applied,
                done.skipped,
                done.position.tx,
                done.position.seq
            );
            Ok(())
        }
        Ok(_) => Ok(()),
        // The next message retries from the same checkpoint; nothing is half-applied
        // (each batch is one statement).
        Err(reason) => {
            fin_log::warn!("projector", "{nudge}: catch-up failed: {reason}");
            Ok(())
        }
    }
}

/// What the message was, for the log.
fn describe(message: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(message) {
        Ok(envelope) if envelope.get("type").is_some() => format!(
            "{} {}",
            envelope["type"].as_str().unwrap_or("?"),
            envelope["id"].as_str().unwrap_or("?")
        ),
        _ => String::from_utf8_lossy(&message[..message.len().min(40)]).into_owned(),
    }
}
