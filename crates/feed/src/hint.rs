//! What a message on the events channel says about itself.
//!
//! A reader never applies a message — the feed is the truth — but it may let a message
//! spare it work: under a burst of writes every event is its own message, and most find
//! their event already read by the catch-up an earlier one ran. A hint can only ever
//! save work, never cause it to be missed: a reader skips a message only when its own
//! state (the checkpoint it keeps) shows the work done, and the next message — or the
//! supervisor's periodic nudge — reads the feed from the checkpoint as always. (Skipping
//! by the event's kind does not hold: a message may be what finds an earlier event that
//! was hidden behind an open transaction when its own message came — docs/events.md.)

use serde::Deserialize;

use crate::Position;

/// The position of the event a message carries; `None` for the supervisor's `catch-up`
/// nudge, a test's `sweep …`, or anything unreadable.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hint {
    pub position: Option<Position>,
}

#[derive(Deserialize)]
struct Envelope {
    position: Option<EnvelopePosition>,
}

#[derive(Deserialize)]
struct EnvelopePosition {
    tx: u64,
    seq: i64,
}

impl Hint {
    /// Reads billing's envelope (docs/events.md); anything else hints nothing.
    pub fn read(message: &[u8]) -> Self {
        match serde_json::from_slice::<Envelope>(message) {
            Ok(envelope) => Self {
                position: envelope.position.map(|p| Position {
                    tx: p.tx,
                    seq: p.seq,
                }),
            },
            Err(_) => Self::default(),
        }
    }

    /// Whether the message's event is at or before `checkpoint`: already read.
    pub fn read_by(&self, checkpoint: Position) -> bool {
        self.position.is_some_and(|position| position <= checkpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_hints_its_position() {
        let hint = Hint::read(
            br#"{"id":"e1","type":"invoice.created","position":{"tx":734,"seq":12},"payload":{}}"#,
        );
        assert_eq!(hint.position, Some(Position { tx: 734, seq: 12 }));
        assert!(hint.read_by(Position { tx: 734, seq: 12 }));
        assert!(hint.read_by(Position { tx: 735, seq: 1 }));
        assert!(!hint.read_by(Position { tx: 734, seq: 11 }));
        assert!(!hint.read_by(Position { tx: 90, seq: 99 }));
    }

    #[test]
    fn a_nudge_or_junk_hints_nothing_and_is_never_read_by_a_checkpoint() {
        for message in [
            &b"catch-up"[..],
            b"sweep 2027-01-20",
            b"",
            b"\xff\xfe",
            br#"{"position":"734:12"}"#,
            br#"{"position":{"tx":-1,"seq":1}}"#,
            b"[1,2]",
        ] {
            let hint = Hint::read(message);
            assert_eq!(hint, Hint::default(), "{message:?}");
            assert!(!hint.read_by(Position {
                tx: u64::MAX,
                seq: i64::MAX
            }));
        }
    }
}
