//! Billing's event feed (`fin:billing/event-feed`, served by the composed billing-service
//! component) for the contexts that follow it: events in commit order after a position.
//! Readers keep their own checkpoint; a Redis message only says "read again".

use fin_problem::Fault;

mod hint;
pub use hint::Hint;

/// Where an event sits in commit order; compared as a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub tx: u64,
    pub seq: i64,
}

/// An event as the feed serves it (`fin:platform/events`), without Spin's types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    pub id: String,
    pub event_type: String,
    pub occurred_at: String,
    pub owner_id: String,
    pub aggregate_id: String,
    pub aggregate_version: i64,
    /// JSON object (docs/events.md).
    pub payload: String,
    pub position: Position,
}

/// Billing's event feed.
pub trait Feed {
    /// Up to `limit` events after `after`, in commit order.
    fn read(&self, after: Position, limit: u32) -> Result<Vec<FeedEvent>, Fault>;
}

/// A feed of events held in memory, in commit order: the readers' tests use it.
pub struct MemoryFeed(pub Vec<FeedEvent>);

impl Feed for MemoryFeed {
    fn read(&self, after: Position, limit: u32) -> Result<Vec<FeedEvent>, Fault> {
        Ok(self
            .0
            .iter()
            .filter(|e| e.position > after)
            .take(limit as usize)
            .cloned()
            .collect())
    }
}

#[cfg(feature = "spin")]
mod bindings {
    wit_bindgen::generate!({
        world: "fin:billing/reads-events",
        path: "../../wit",
        generate_all,
    });
}

/// The feed through the composed billing-service component.
#[cfg(feature = "spin")]
pub struct BillingFeed;

#[cfg(feature = "spin")]
impl Feed for BillingFeed {
    fn read(&self, after: Position, limit: u32) -> Result<Vec<FeedEvent>, Fault> {
        use bindings::fin::billing::event_feed::{self, FeedError};
        use bindings::fin::platform::events;
        let after = events::Position {
            tx: after.tx,
            seq: after.seq,
        };
        event_feed::read(Some(after), limit)
            .map_err(|FeedError::Unavailable(reason)| {
                Fault::Unavailable(format!("event feed: {reason}"))
            })
            .map(|events| {
                events
                    .into_iter()
                    .map(|e| FeedEvent {
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
                    })
                    .collect()
            })
    }
}
