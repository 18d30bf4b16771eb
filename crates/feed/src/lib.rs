//! Billing's event feed as the contexts that follow it see it: events in commit order
//! after a position. Readers keep their own checkpoint; a Redis message only says "read
//! again". Billing serves it (`billing::feed`, linked into each reader; the same rows are
//! the WIT contract `fin:billing/event-feed`); the readers' rules see only [`Feed`].

use fin_problem::Fault;

mod hint;
mod lag;
pub use hint::Hint;
pub use lag::lag;

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

/// A feed that shows `seen` every event it serves: a reader's edge links its span to the
/// trace of each event it applies (fin_spin_edge::trace) without its rules knowing.
pub struct Observed<F, S> {
    pub feed: F,
    pub seen: S,
}

impl<F: Feed, S: Fn(&FeedEvent)> Feed for Observed<F, S> {
    fn read(&self, after: Position, limit: u32) -> Result<Vec<FeedEvent>, Fault> {
        let events = self.feed.read(after, limit)?;
        events.iter().for_each(&self.seen);
        Ok(events)
    }
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

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    fn event(seq: i64, traceparent: Option<&str>) -> FeedEvent {
        FeedEvent {
            id: format!("e{seq}"),
            event_type: "invoice.sent".into(),
            occurred_at: "2026-12-07T10:00:00Z".into(),
            owner_id: "ada".into(),
            aggregate_id: "inv".into(),
            aggregate_version: seq,
            payload: "{}".into(),
            position: Position { tx: 1, seq },
            traceparent: traceparent.map(str::to_owned),
        }
    }

    #[test]
    fn an_observed_feed_shows_every_event_it_serves_and_serves_them_unchanged() {
        let events = vec![event(1, Some("00-a-b-01")), event(2, None), event(3, None)];
        let seen = RefCell::new(Vec::new());
        let feed = Observed {
            feed: MemoryFeed(events.clone()),
            seen: |e: &FeedEvent| seen.borrow_mut().push(e.id.clone()),
        };
        let first = feed.read(Position::default(), 2).expect("read");
        let rest = feed.read(Position { tx: 1, seq: 2 }, 2).expect("read");
        assert_eq!(first, events[..2]);
        assert_eq!(rest, events[2..]);
        assert_eq!(*seen.borrow(), ["e1", "e2", "e3"]);
    }
}
