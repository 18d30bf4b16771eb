//! Billing's event feed for the readers that follow it (the projector, the mailer):
//! [`outbox::read`] behind [`fin_feed::Feed`], linked into each reader. The contract is
//! still `fin:billing/event-feed` (billing-service exports it for a reader that takes it
//! composed); linked, a message costs its reader one instance instead of two
//! (docs/performance.md, session 14).

use fin_feed::{Feed, FeedEvent, Position};
use fin_spin_edge::Fault;
use spin_sdk::pg4::Connection;

use crate::outbox;

/// The most events one read returns, whatever the caller asks.
pub const MAX_BATCH: u32 = 1000;

/// The outbox, read on the reader's own connection to the database billing's tables
/// are in (the one `db_url` names: the composed instance inherited the same).
pub struct OutboxFeed<'a> {
    conn: &'a Connection,
}

impl<'a> OutboxFeed<'a> {
    pub fn on(conn: &'a Connection) -> Self {
        Self { conn }
    }
}

impl Feed for OutboxFeed<'_> {
    fn read(&self, after: Position, limit: u32) -> Result<Vec<FeedEvent>, Fault> {
        outbox::read(self.conn, after, limit.clamp(1, MAX_BATCH)).map_err(|fault| match fault {
            // The reader's next message tries again; nothing was applied.
            Fault::Unavailable(reason) => Fault::Unavailable(format!("event feed: {reason}")),
            other => other,
        })
    }
}
