//! Billing's outbox: the SQL every change uses to write its events (the store puts it
//! beside the change, in the same statement), and the feed that reads them back in
//! commit order for `fin:billing/event-feed`.

use fin_feed::{FeedEvent, Position};
use fin_spin_edge::pg::{int, optional_text, query, text};
use fin_spin_edge::{rfc3339, Fault};
use spin_sdk::pg4::{Connection, ParameterValue};

use crate::events::EventType;

/// An invoice row aliased `u` as an event's `invoice` (docs/events.md).
const SNAPSHOT: &str = concat!(
    "jsonb_build_object(",
    "'id', u.id, 'number', 'INV-' || u.number_year || '-' || ",
    "CASE WHEN u.number_seq < 10000 THEN lpad(u.number_seq::text, 4, '0') ELSE u.number_seq::text END, ",
    "'client_id', u.client_id, 'status', u.status, ",
    "'issue_date', to_char(u.issue_date, 'YYYY-MM-DD'), 'due_date', to_char(u.due_date, 'YYYY-MM-DD'), ",
    "'currency', u.currency, 'subtotal', u.subtotal, 'discount_amount', u.discount_amount, ",
    "'tax', u.tax, 'total', u.total, 'amount_paid', u.amount_paid, ",
    "'amount_overpaid', u.amount_overpaid, 'amount_credited', u.amount_credited, ",
    "'amount_refunded', u.amount_refunded, ",
    "'version', u.version, ",
    "'sent_at', ",
    rfc3339!("u.sent_at"),
    ", 'paid_at', ",
    rfc3339!("u.paid_at"),
    ", 'voided_at', ",
    rfc3339!("u.voided_at"),
    ", 'deleted_at', ",
    rfc3339!("u.deleted_at"),
    ")"
);

/// A payment row aliased `p` as the `payment` of `payment.recorded`.
pub(crate) const PAYMENT: &str = concat!(
    "jsonb_build_object('id', p.id, 'amount', p.amount, 'overpaid', p.overpaid, ",
    "'paid_on', to_char(p.paid_on, 'YYYY-MM-DD'), 'method', p.method, ",
    "'reference', p.reference, 'source', p.source)"
);

/// A credit note row aliased `c` as the `credit_note` of `credit_note.issued`.
pub(crate) const CREDIT_NOTE: &str = concat!(
    "jsonb_build_object('id', c.id, 'number', 'CRN-' || c.number_year || '-' || ",
    "CASE WHEN c.number_seq < 10000 THEN lpad(c.number_seq::text, 4, '0') ELSE c.number_seq::text END, ",
    "'issue_date', to_char(c.issue_date, 'YYYY-MM-DD'), 'subtotal', c.subtotal, ",
    "'discount_amount', c.discount_amount, 'tax', c.tax, 'total', c.total, 'reason', c.reason)"
);

/// A refund row aliased `r` as the `refund` of `refund.recorded`.
pub(crate) const REFUND: &str = concat!(
    "jsonb_build_object('id', r.id, 'credit_note_id', r.credit_note_id, 'amount', r.amount, ",
    "'refunded_on', to_char(r.refunded_on, 'YYYY-MM-DD'), 'method', r.method, ",
    "'reference', r.reference)"
);

/// The outbox rows a statement wrote (aliased `o`), as the JSON envelopes it publishes.
pub(crate) const ENVELOPES: &str = concat!(
    "(SELECT json_agg(json_build_object(",
    "'id', o.id, 'type', o.type, 'occurred_at', ",
    rfc3339!("o.occurred_at"),
    ", 'owner_id', o.owner_id, 'aggregate_id', o.aggregate_id, ",
    "'aggregate_version', o.aggregate_version, 'payload', o.payload, ",
    "'traceparent', o.traceparent, ",
    "'position', json_build_object('tx', o.tx::text::numeric, 'seq', o.seq)) ",
    "ORDER BY o.seq)::text FROM o)"
);

/// Where the outbox CTE takes the writing request's `traceparent`: the store numbers it
/// after the statement's own parameters ([`traceparent`]), as each statement's count
/// differs.
pub(crate) const TRACEPARENT: &str = "$traceparent";

/// `ctes` with [`TRACEPARENT`] numbered after `params`, and `params` with the
/// request's trace context (NULL where nothing is traced) appended.
pub(crate) fn traceparent(ctes: &str, params: &[ParameterValue]) -> (String, Vec<ParameterValue>) {
    let ctes = ctes.replace(TRACEPARENT, &format!("${}", params.len() + 1));
    let mut params = params.to_vec();
    params.push(
        fin_spin_edge::trace::current().map_or(ParameterValue::DbNull, |t| {
            ParameterValue::Str(t.to_string())
        }),
    );
    (ctes, params)
}

/// Event names as a `text[]` parameter.
pub(crate) fn event_names(events: &[EventType]) -> ParameterValue {
    ParameterValue::ArrayStr(events.iter().map(|e| Some(e.as_str().to_owned())).collect())
}

/// The CTE `o` that writes one outbox row per name in `names` (a `text[]` expression)
/// about the invoice row `u` of `from`, its payload the invoice snapshot merged with
/// `extra` (a `jsonb` expression that may read `t.type`).
pub(crate) fn outbox(from: &str, extra: Option<&str>, names: &str) -> String {
    let extra = extra.map(|e| format!(" || {e}")).unwrap_or_default();
    format!(
        "o AS (INSERT INTO outbox (type, owner_id, aggregate_id, aggregate_version, payload, traceparent)
               SELECT t.type, u.owner_id, u.id, u.version, jsonb_build_object('invoice', {SNAPSHOT}){extra},
                      {TRACEPARENT}::text
               FROM {from}, unnest({names}) WITH ORDINALITY AS t(type, n)
               ORDER BY t.n
               RETURNING *)"
    )
}

/// Up to `limit` events after `after` (from the first at `Position::default()`).
///
/// Rows are ordered by their transaction id, then sequence, and only rows whose
/// transaction is older than every transaction still running are served
/// (`pg_snapshot_xmin`). Sequences alone would not do: a transaction that drew a lower
/// sequence can commit after one that drew a higher, and a reader that had moved past
/// the higher would never see it.
pub fn read(conn: &Connection, after: Position, limit: u32) -> Result<Vec<FeedEvent>, Fault> {
    let Position { tx, seq } = after;
    let rows = query(
        conn,
        concat!(
            "SELECT o.id::text, o.type, ",
            rfc3339!("o.occurred_at"),
            ", o.owner_id::text, o.aggregate_id::text, o.aggregate_version::bigint,
                o.payload::text, o.tx::text, o.seq, o.traceparent
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
            Ok(FeedEvent {
                id: text(row.first())?,
                event_type: text(row.get(1))?,
                occurred_at: text(row.get(2))?,
                owner_id: text(row.get(3))?,
                aggregate_id: text(row.get(4))?,
                aggregate_version: int(row.get(5))?,
                payload: text(row.get(6))?,
                position: Position {
                    tx: text(row.get(7))?
                        .parse()
                        .map_err(|e| format!("outbox tx: {e}"))?,
                    seq: int(row.get(8))?,
                },
                traceparent: optional_text(row.get(9))?,
            })
        })
        .collect()
}
