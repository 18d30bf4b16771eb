//! Billing's feed through the `fin:billing/event-feed` import, which the composed profile
//! (`scripts/composed.sh`) satisfies with the billing-service component: the same
//! [`Feed`] the readers link (`billing::feed`), taken by contract instead.

use fin_problem::Fault;

use crate::{Feed, FeedEvent, Position};

mod bindings {
    wit_bindgen::generate!({
        world: "fin:billing/reads-events",
        path: "../../wit",
        generate_all,
    });
}

use bindings::fin::billing::event_feed::{self, FeedError};
use bindings::fin::platform::events;

/// The feed, read from the billing-service component.
pub struct ImportedFeed;

impl Feed for ImportedFeed {
    fn read(&self, after: Position, limit: u32) -> Result<Vec<FeedEvent>, Fault> {
        // The contract's "from the first" is `none`; the linked feed's is the zero position.
        let after = (after != Position::default()).then_some(events::Position {
            tx: after.tx,
            seq: after.seq,
        });
        let events = event_feed::read(after, limit).map_err(|FeedError::Unavailable(reason)| {
            Fault::Unavailable(format!("event feed: {reason}"))
        })?;
        Ok(events
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
                traceparent: e.traceparent,
            })
            .collect())
    }
}
