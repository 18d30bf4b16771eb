//! The provider's events in Postgres, through Spin's `pg4` binding.

use fin_spin_edge::pg::{connect, int, optional_text, query, query_with, text, text_or_null};
use fin_spin_edge::{rfc3339, Fault};
use spin_sdk::pg4::{Connection, DbValue, ParameterValue};

use crate::listing::{Cursor, ListQuery};
use crate::service::{EventLog, Record};

pub struct PgEventLog {
    conn: Connection,
}

impl PgEventLog {
    pub fn open(url: &str) -> Result<Self, Fault> {
        connect(url).map(|conn| Self { conn })
    }
}

/// The columns of [`Record`], from `provider_events e`. `received_at` keeps its
/// microseconds: the list's cursor resumes from it.
const COLUMNS: &str = concat!(
    "e.event_id, e.type, e.livemode, ",
    rfc3339!("e.created_at"),
    ", to_char(e.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ",
    "e.outcome, e.reason, e.owner_id::text, e.invoice_ref, e.payment_ref, e.amount, ",
    "e.currency::text, e.amount_applied, e.amount_overpaid, e.payment_id::text, e.duplicate"
);

fn optional_int(value: Option<&DbValue>) -> Result<Option<i64>, String> {
    match value {
        Some(DbValue::DbNull) => Ok(None),
        other => int(other).map(Some),
    }
}

fn boolean(value: Option<&DbValue>) -> Result<bool, String> {
    match value {
        Some(DbValue::Boolean(b)) => Ok(*b),
        other => Err(format!("expected a boolean, got {other:?}")),
    }
}

fn record(row: &[DbValue]) -> Result<Record, String> {
    let outcome = match text(row.get(5))?.as_str() {
        "applied" => "applied",
        "unapplied" => "unapplied",
        "ignored" => "ignored",
        other => return Err(format!("unknown outcome {other}")),
    };
    Ok(Record {
        event_id: text(row.first())?,
        event_type: text(row.get(1))?,
        livemode: boolean(row.get(2))?,
        created_at: text(row.get(3))?,
        received_at: optional_text(row.get(4))?,
        outcome,
        reason: optional_text(row.get(6))?,
        owner_id: optional_text(row.get(7))?,
        invoice_id: optional_text(row.get(8))?,
        payment_ref: optional_text(row.get(9))?,
        amount: optional_int(row.get(10))?,
        currency: optional_text(row.get(11))?,
        amount_applied: optional_int(row.get(12))?,
        amount_overpaid: optional_int(row.get(13))?,
        payment_id: optional_text(row.get(14))?,
        duplicate: boolean(row.get(15))?,
    })
}

fn optional_int_param(value: Option<i64>) -> ParameterValue {
    value.map_or(ParameterValue::DbNull, ParameterValue::Int64)
}

impl EventLog for PgEventLog {
    fn find(&self, event_id: &str) -> Result<Option<Record>, Fault> {
        let rows = query(
            &self.conn,
            &format!("SELECT {COLUMNS} FROM provider_events e WHERE e.event_id = $1"),
            &[event_id.to_owned().into()],
        )?;
        Ok(rows.first().map(|row| record(row)).transpose()?)
    }

    fn record(&self, r: &Record) -> Result<Option<Record>, Fault> {
        let insert = "e AS (
                INSERT INTO provider_events (event_id, type, livemode, created_at, outcome,
                    reason, owner_id, invoice_ref, payment_ref, amount, currency,
                    amount_applied, amount_overpaid, payment_id, duplicate)
                VALUES ($1, $2, $3, $4::text::timestamptz, $5, $6, $7::text::uuid, $8, $9,
                        $10::bigint, $11, $12::bigint, $13::bigint, $14::text::uuid, $15)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING *)";
        let rows = query_with(
            &self.conn,
            insert,
            &format!("SELECT {COLUMNS} FROM e"),
            &[
                r.event_id.clone().into(),
                r.event_type.clone().into(),
                ParameterValue::Boolean(r.livemode),
                r.created_at.clone().into(),
                r.outcome.to_owned().into(),
                text_or_null(r.reason.as_deref()),
                text_or_null(r.owner_id.as_deref()),
                text_or_null(r.invoice_id.as_deref()),
                text_or_null(r.payment_ref.as_deref()),
                optional_int_param(r.amount),
                text_or_null(r.currency.as_deref()),
                optional_int_param(r.amount_applied),
                optional_int_param(r.amount_overpaid),
                text_or_null(r.payment_id.as_deref()),
                ParameterValue::Boolean(r.duplicate),
            ],
        )?;
        Ok(rows.first().map(|row| record(row)).transpose()?)
    }

    fn list(&self, owner: &str, list: &ListQuery) -> Result<Vec<Record>, Fault> {
        let mut params: Vec<ParameterValue> = vec![owner.to_owned().into()];
        let mut sql = format!(
            "SELECT {COLUMNS} FROM provider_events e
             WHERE e.owner_id = $1::text::uuid AND e.amount IS NOT NULL"
        );
        if let Some(outcome) = list.outcome {
            params.push(outcome.to_owned().into());
            sql.push_str(&format!(" AND e.outcome = ${}", params.len()));
        }
        if let Some(Cursor {
            received_at,
            event_id,
        }) = &list.after
        {
            params.push(received_at.clone().into());
            params.push(event_id.clone().into());
            sql.push_str(&format!(
                " AND (e.received_at, e.event_id) < (${}::text::timestamptz, ${})",
                params.len() - 1,
                params.len()
            ));
        }
        sql.push_str(&format!(
            " ORDER BY e.received_at DESC, e.event_id DESC LIMIT {}",
            list.limit + 1
        ));
        query(&self.conn, &sql, &params)?
            .iter()
            .map(|row| record(row).map_err(Fault::from))
            .collect()
    }
}
