//! How far a reader trails the feed, for an operator: the age of the oldest event it has
//! not applied yet. Zero when it is at the end, however long ago the last event was — a
//! quiet hour is not lag — and growing by the second while a reader is stopped or failing,
//! which is when someone should be paged.

use fin_problem::Fault;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::{Feed, Position};

/// Seconds between the oldest event after `checkpoint` and `now` (Unix seconds); 0 when
/// there is none, and never negative (a clock a little behind the database's).
pub fn lag(feed: &impl Feed, checkpoint: Position, now: i64) -> Result<i64, Fault> {
    let Some(oldest) = feed.read(checkpoint, 1)?.into_iter().next() else {
        return Ok(0);
    };
    let occurred = OffsetDateTime::parse(&oldest.occurred_at, &Rfc3339).map_err(|e| {
        Fault::Internal(format!(
            "event {} has an unreadable occurred_at {:?}: {e}",
            oldest.id, oldest.occurred_at
        ))
    })?;
    Ok((now - occurred.unix_timestamp()).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FeedEvent, MemoryFeed};

    fn event(seq: i64, occurred_at: &str) -> FeedEvent {
        FeedEvent {
            id: format!("e{seq}"),
            event_type: "invoice.sent".into(),
            occurred_at: occurred_at.into(),
            owner_id: "ada".into(),
            aggregate_id: "inv".into(),
            aggregate_version: seq,
            payload: "{}".into(),
            position: Position { tx: 1, seq },
            traceparent: None,
        }
    }

    /// 2026-12-07T10:00:00Z
    const TEN: i64 = 1_796_637_600;

    #[test]
    fn a_reader_behind_is_as_late_as_its_oldest_unapplied_event() {
        let feed = MemoryFeed(vec![
            event(1, "2026-12-07T09:00:00Z"),
            event(2, "2026-12-07T09:58:20.123456Z"),
            event(3, "2026-12-07T09:59:00Z"),
        ]);
        let after_first = Position { tx: 1, seq: 1 };
        assert_eq!(lag(&feed, Position::default(), TEN), Ok(3600));
        assert_eq!(lag(&feed, after_first, TEN), Ok(100));
    }

    #[test]
    fn a_reader_at_the_end_has_no_lag_however_old_the_last_event() {
        let feed = MemoryFeed(vec![event(1, "2020-01-01T00:00:00Z")]);
        assert_eq!(lag(&feed, Position { tx: 1, seq: 1 }, TEN), Ok(0));
        assert_eq!(
            lag(&MemoryFeed(Vec::new()), Position::default(), TEN),
            Ok(0)
        );
    }

    #[test]
    fn a_clock_behind_the_database_is_no_negative_lag() {
        let feed = MemoryFeed(vec![event(1, "2026-12-07T10:00:05Z")]);
        assert_eq!(lag(&feed, Position::default(), TEN), Ok(0));
    }

    #[test]
    fn an_unreadable_time_is_an_internal_fault_naming_the_event() {
        let feed = MemoryFeed(vec![event(7, "yesterday")]);
        match lag(&feed, Position::default(), TEN) {
            Err(Fault::Internal(reason)) => assert!(reason.contains("e7"), "{reason}"),
            other => panic!("expected an internal fault, got {other:?}"),
        }
    }
}
