//! The projector's one job: bring the read model up to the end of billing's event feed.
//!
//! A Redis message only says "there is something new"; what is new is read from the
//! feed, after the position the read model last recorded, in commit order. So a lost
//! message costs latency, never data: the next message (or the supervisor's nudge when
//! the projector starts) catches everything up.

use fin_problem::Fault;

use crate::event::{FeedEvent, Position};
use crate::projection::{project, InvoiceState, PaymentFact};

pub use fin_feed::{Feed, Hint};

/// Where the read model stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// Changes on every rebuild.
    pub generation: i64,
    pub position: Position,
}

/// The newest event a batch holds for one user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OwnerMark {
    pub owner_id: String,
    pub event_id: String,
    pub event_type: String,
    pub occurred_at: String,
    pub tx: u64,
    pub seq: i64,
}

/// What a run of events changes, written at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    pub invoices: Vec<InvoiceState>,
    pub payments: Vec<PaymentFact>,
    pub owners: Vec<OwnerMark>,
    /// The position of the batch's last event: the new checkpoint.
    pub last: Position,
    pub events: usize,
    /// Events whose payload could not be read (logged, then passed over).
    pub skipped: usize,
}

/// The dashboard's tables (Postgres in production).
pub trait ReadModel {
    fn checkpoint(&self) -> Result<Checkpoint, Fault>;
    /// Writes the batch and moves the checkpoint to `batch.last`, only while
    /// `generation` is current; `false` when a rebuild started in between (nothing
    /// written). Keeps the newest version of each invoice and each payment once, so a
    /// batch applied twice, or late, changes nothing.
    fn apply(&self, generation: i64, batch: &Batch) -> Result<bool, Fault>;
    /// Records that the read model has caught up with the feed (the dashboard shows when).
    fn caught_up(&self, generation: i64) -> Result<(), Fault>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUp {
    pub applied: usize,
    pub skipped: usize,
    pub position: Position,
}

/// Rebuilds met in one catch-up before giving up until the next nudge.
const MAX_RESTARTS: usize = 3;

/// Reads the feed from the checkpoint to its end, `batch_size` events at a time — unless
/// the message's event (`hint`) is at or before the checkpoint: an earlier message's
/// catch-up read it, and reading the feed again (and noting "caught up") would be all
/// this message costs. Under a burst of writes that is most messages.
pub fn catch_up(
    feed: &impl Feed,
    model: &impl ReadModel,
    batch_size: u32,
    hint: &Hint,
) -> Result<CatchUp, Fault> {
    let mut done = CatchUp {
        applied: 0,
        skipped: 0,
        position: Position::default(),
    };
    let mut restarts = 0;
    let mut checkpoint = model.checkpoint()?;
    if hint.read_by(checkpoint.position) {
        done.position = checkpoint.position;
        return Ok(done);
    }
    loop {
        let events = feed.read(checkpoint.position, batch_size)?;
        let Some(last) = events.last().map(|e| e.position) else {
            model.caught_up(checkpoint.generation)?;
            done.position = checkpoint.position;
            return Ok(done);
        };
        let batch = batch(&events, last);
        if model.apply(checkpoint.generation, &batch)? {
            done.applied += batch.events - batch.skipped;
            done.skipped += batch.skipped;
            checkpoint.position = last;
        } else {
            restarts += 1;
            if restarts > MAX_RESTARTS {
                return Err(Fault::Unavailable(
                    "the read model keeps being rebuilt; try again later".into(),
                ));
            }
            checkpoint = model.checkpoint()?;
        }
    }
}

/// The effect of `events`, in order, as one batch.
pub fn batch(events: &[FeedEvent], last: Position) -> Batch {
    let mut batch = Batch {
        last,
        events: events.len(),
        ..Batch::default()
    };
    for event in events {
        match project(event) {
            Ok(Some(projected)) => {
                batch.invoices.push(projected.invoice);
                batch.payments.extend(projected.payment);
            }
            Ok(None) => {}
            Err(reason) => {
                // A payload billing wrote and this code cannot read is a bug on one side;
                // holding the whole feed back for it would stop every user's dashboard.
                fin_log::warn!("analytics", "event skipped: {reason}");
                batch.skipped += 1;
                continue;
            }
        }
        match batch
            .owners
            .iter_mut()
            .find(|o| o.owner_id == event.owner_id)
        {
            Some(mark) => *mark = mark_of(event),
            None => batch.owners.push(mark_of(event)),
        }
    }
    batch
}

fn mark_of(event: &FeedEvent) -> OwnerMark {
    OwnerMark {
        owner_id: event.owner_id.clone(),
        event_id: event.id.clone(),
        event_type: event.event_type.clone(),
        occurred_at: event.occurred_at.clone(),
        tx: event.position.tx,
        seq: event.position.seq,
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use serde_json::json;

    use super::*;

    fn event(seq: i64, owner: &str, event_type: &str) -> FeedEvent {
        let invoice = json!({"id": format!("inv-{seq}"), "client_id": "c", "status": "draft",
            "issue_date": "2026-03-01", "due_date": "2026-03-31", "currency": "EUR",
            "total": 100, "amount_paid": 0, "amount_overpaid": 0, "version": 1,
            "deleted_at": null});
        FeedEvent {
            id: format!("e{seq}"),
            event_type: event_type.into(),
            occurred_at: format!("t{seq}"),
            owner_id: owner.into(),
            aggregate_id: format!("inv-{seq}"),
            aggregate_version: 1,
            payload: json!({ "invoice": invoice }).to_string(),
            position: Position { tx: 10, seq },
            traceparent: None,
        }
    }

    use fin_feed::MemoryFeed as Events;

    #[derive(Default)]
    struct Model {
        checkpoint: Cell<Option<Position>>,
        generation: Cell<i64>,
        batches: RefCell<Vec<Batch>>,
        /// Rebuilds to fake before the next `apply`s.
        rebuilds: Cell<usize>,
        caught_up: Cell<usize>,
    }

    impl ReadModel for Model {
        fn checkpoint(&self) -> Result<Checkpoint, Fault> {
            Ok(Checkpoint {
                generation: self.generation.get(),
                position: self.checkpoint.get().unwrap_or_default(),
            })
        }

        fn apply(&self, generation: i64, batch: &Batch) -> Result<bool, Fault> {
            if self.rebuilds.get() > 0 {
                self.rebuilds.set(self.rebuilds.get() - 1);
                self.generation.set(self.generation.get() + 1);
                self.checkpoint.set(None);
            }
            if generation != self.generation.get() {
                return Ok(false);
            }
            self.batches.borrow_mut().push(batch.clone());
            self.checkpoint.set(Some(batch.last));
            Ok(true)
        }

        fn caught_up(&self, _generation: i64) -> Result<(), Fault> {
            self.caught_up.set(self.caught_up.get() + 1);
            Ok(())
        }
    }

    #[test]
    fn reads_from_the_checkpoint_to_the_end_in_batches() {
        let feed = Events((1..=5).map(|s| event(s, "a", "invoice.created")).collect());
        let model = Model::default();
        model.checkpoint.set(Some(Position { tx: 10, seq: 1 }));
        let done = catch_up(&feed, &model, 2, &Hint::default()).expect("caught up");
        assert_eq!(
            done.applied, 4,
            "the event at the checkpoint is not applied again"
        );
        assert_eq!(done.position, Position { tx: 10, seq: 5 });
        let sizes: Vec<usize> = model.batches.borrow().iter().map(|b| b.events).collect();
        assert_eq!(sizes, [2, 2]);
        assert_eq!(model.caught_up.get(), 1);
        // Nothing new: nothing applied, and it still says it is caught up.
        assert_eq!(
            catch_up(&feed, &model, 2, &Hint::default())
                .expect("again")
                .applied,
            0
        );
        assert_eq!(model.caught_up.get(), 2);
    }

    #[test]
    fn an_unreadable_event_is_passed_over_and_counted() {
        let mut broken = event(2, "a", "invoice.sent");
        broken.payload = "{}".into();
        let feed = Events(vec![
            event(1, "a", "invoice.created"),
            broken,
            event(3, "b", "client.renamed"),
        ]);
        let model = Model::default();
        let done = catch_up(&feed, &model, 10, &Hint::default()).expect("caught up");
        assert_eq!((done.applied, done.skipped), (2, 1));
        let batches = model.batches.borrow();
        assert_eq!(batches[0].invoices.len(), 1);
        let owners: Vec<&str> = batches[0]
            .owners
            .iter()
            .map(|o| o.event_id.as_str())
            .collect();
        assert_eq!(owners, ["e1", "e3"], "the newest readable event per user");
    }

    #[test]
    fn a_rebuild_during_a_catch_up_starts_it_over_from_the_fresh_checkpoint() {
        let feed = Events((1..=3).map(|s| event(s, "a", "invoice.created")).collect());
        let model = Model::default();
        model.rebuilds.set(1);
        let done = catch_up(&feed, &model, 10, &Hint::default()).expect("caught up");
        assert_eq!(done.applied, 3);
        assert_eq!(model.generation.get(), 1);
        model.checkpoint.set(None);
        model.rebuilds.set(MAX_RESTARTS + 1);
        assert!(catch_up(&feed, &model, 10, &Hint::default()).is_err());
    }

    /// A message for an event at `seq` (tx 10).
    fn message(seq: i64) -> Hint {
        Hint::read(
            json!({"type": "invoice.created", "position": {"tx": 10, "seq": seq}})
                .to_string()
                .as_bytes(),
        )
    }

    #[test]
    fn a_message_whose_event_was_already_read_reads_nothing() {
        let feed = Events((1..=4).map(|s| event(s, "a", "invoice.created")).collect());
        let model = Model::default();
        model.checkpoint.set(Some(Position { tx: 10, seq: 3 }));
        for seq in [1, 3] {
            let done = catch_up(&feed, &model, 10, &message(seq)).expect("skipped");
            assert_eq!((done.applied, done.position.seq), (0, 3));
        }
        assert!(model.batches.borrow().is_empty(), "the feed was not read");
        assert_eq!(model.caught_up.get(), 0);
        // The next event's message reads on from the checkpoint, as a nudge would.
        let done = catch_up(&feed, &model, 10, &message(4)).expect("caught up");
        assert_eq!((done.applied, done.position.seq), (1, 4));
        assert_eq!(model.caught_up.get(), 1);
    }

    #[test]
    fn a_message_ahead_of_the_checkpoint_catches_up_all_that_is_there() {
        // Its own event may not be readable yet (an older transaction still open): the
        // catch-up reads what is, and the message of that event, or a nudge, the rest.
        let feed = Events((1..=2).map(|s| event(s, "a", "invoice.created")).collect());
        let model = Model::default();
        let done = catch_up(&feed, &model, 10, &message(9)).expect("caught up");
        assert_eq!((done.applied, done.position.seq), (2, 2));
    }
}
