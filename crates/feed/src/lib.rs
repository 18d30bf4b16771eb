//! Billing's event feed as the contexts that follow it see it: events in commit order
//! after a position. Readers keep their own checkpoint; a Redis message only says "read
//! again". Billing serves it (`billing::feed`, linked into each reader; the same rows are
//! the WIT contract `fin:billing/event-feed`); the readers' rules see only [`Feed`].

use fin_problem::Fault;

mod hint;
pub use hint::Hint;

#[cfg(feature = "import")]
mod import;
#[cfg(feature = "import")]
pub use import::ImportedFeed;

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
    /// The W3C `traceparent` of the request that wrote it, where that was traced.
    pub traceparent: Option<String>,
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
