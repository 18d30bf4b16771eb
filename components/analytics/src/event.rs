//! An event as billing's feed serves it (`fin:platform/events`), without Spin's types.

/// Where an event sits in commit order; compared as a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub tx: u64,
    pub seq: i64,
}

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
