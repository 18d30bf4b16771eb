//! Billing's outbox, read in commit order: what `fin:platform/event-feed` serves.
//!
//! Rows are ordered by their transaction id, then sequence, and only rows whose
//! transaction is older than every transaction still running are served
//! (`pg_snapshot_xmin`). Sequences alone would not do: a transaction that drew a lower
//! sequence can commit after one that drew a higher, and a reader that had moved past
//! the higher would never see it.

use fin_spin_edge::pg::{int, query, text};
use fin_spin_edge::rfc3339;
use spin_sdk::pg4::{Connection, ParameterValue};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: String,
    pub event_type: String,
    pub occurred_at: String,
    pub owner_id: String,
    pub aggregate_id: String,
    pub aggregate_version: i64,
    pub payload: String,
    pub tx: u64,
    pub seq: i64,
}

/// Up to `limit` events after `(tx, seq)` (from the first when `None`).
pub fn read(
    conn: &Connection,
    after: Option<(u64, i64)>,
    limit: u32,
) -> Result<Vec<StoredEvent>, String> {
    let (tx, seq) = after.unwrap_or((0, 0));
    let rows = query(
        conn,
        concat!(
            "SELECT o.id::text, o.type, ",
            rfc3339!("o.occurred_at"),
            ", o.owner_id::text, o.aggregate_id::text, o.aggregate_version::bigint,
                o.payload::text, o.tx::text, o.seq
             FROM outbox o
             WHERE (o.tx, o.seq) > ($1::text::xid8, $2::bigint)
               AND o.tx < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY o.tx, o.seq
             LIMIT $3::bigint"
        ),
        &[
            ParameterValue::Str(tx.to_string()),
            ParameterValue::Int64(seq),
            ParameterValue::Int64(i64::from(limit)),
        ],
    )?;
    rows.iter()
        .map(|row| {
            Ok(StoredEvent {
                id: text(row.first())?,
                event_type: text(row.get(1))?,
                occurred_at: text(row.get(2))?,
                owner_id: text(row.get(3))?,
                aggregate_id: text(row.get(4))?,
                aggregate_version: int(row.get(5))?,
                payload: text(row.get(6))?,
                tx: text(row.get(7))?
                    .parse()
                    .map_err(|e| format!("outbox tx: {e}"))?,
                seq: int(row.get(8))?,
            })
        })
        .collect()
}
