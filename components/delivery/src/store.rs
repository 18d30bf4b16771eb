//! The deliveries table in Postgres, through Spin's `pg4` binding. Each step is one
//! statement, so two mailers (or a mailer and its restart) never both hold a delivery:
//! a claim takes a row with `FOR UPDATE SKIP LOCKED`, and an attempt's end is written
//! only while its attempt number is still the row's.

use fin_feed::Position;
use fin_problem::Fault;
use fin_spin_edge::pg::{self, execute, int, optional_text, query, query_with, text};
use serde::Serialize;
use serde_json::json;
use spin_sdk::pg4::Connection;

use crate::domain::{Kind, Next};
use crate::service::{Claimed, Finished, InvoiceState, Owed, Queue};
use crate::settings::Settings;

mod account;

pub struct PgQueue {
    conn: Connection,
}

impl PgQueue {
    pub fn open(url: &str) -> Result<Self, Fault> {
        pg::connect(url).map(|conn| Self { conn })
    }

    /// The connection, for billing's event feed read on the same one (one pool checkout
    /// a message, not two).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

impl Queue for PgQueue {
    fn checkpoint(&self) -> Result<Position, Fault> {
        let rows = query(&self.conn, "SELECT tx, seq FROM delivery_checkpoint", &[])?;
        let row = rows
            .first()
            .ok_or("delivery_checkpoint has no row (run the migrations)")?;
        Ok(Position {
            tx: u64::try_from(int(row.first())?).map_err(|e| e.to_string())?,
            seq: int(row.get(1))?,
        })
    }

    fn enqueue(&self, owed: &[Owed], states: &[InvoiceState], last: Position) -> Result<(), Fault> {
        let owed: Vec<_> = owed
            .iter()
            .map(|o| {
                json!({"owner_id": o.owner_id, "invoice_id": o.invoice_id, "kind": o.kind.as_key(),
                       "event_id": o.event_id, "occurred_at": o.occurred_at,
                       "traceparent": o.traceparent})
            })
            .collect();
        let states: Vec<_> = states
            .iter()
            .map(|i| {
                json!({"invoice_id": i.invoice_id, "owner_id": i.owner_id, "status": i.status,
                       "due_date": i.due_date, "version": i.version, "deleted": i.deleted})
            })
            .collect();
        execute(
            &self.conn,
            "WITH owed AS (
                 INSERT INTO deliveries (owner_id, invoice_id, kind, event_id, traceparent)
                 SELECT (o->>'owner_id')::uuid, (o->>'invoice_id')::uuid, o->>'kind',
                        (o->>'event_id')::uuid, o->>'traceparent'
                 FROM jsonb_array_elements($1::text::jsonb) AS o, delivery_checkpoint c
                 -- The feed writes times to the second.
                 WHERE (o->>'occurred_at')::timestamptz >= date_trunc('second', c.started_at)
                 ON CONFLICT (invoice_id, kind) DO NOTHING),
             states AS (
                 INSERT INTO delivery_invoices AS d (invoice_id, owner_id, status, due_date, version, deleted)
                 SELECT DISTINCT ON (invoice_id) invoice_id, owner_id, status, due_date, version, deleted
                 FROM jsonb_to_recordset($4::text::jsonb)
                      AS i(invoice_id uuid, owner_id uuid, status text, due_date date,
                           version integer, deleted boolean)
                 ORDER BY invoice_id, version DESC
                 ON CONFLICT (invoice_id) DO UPDATE
                 SET status = EXCLUDED.status, due_date = EXCLUDED.due_date,
                     version = EXCLUDED.version, deleted = EXCLUDED.deleted
                 WHERE d.version <= EXCLUDED.version)
             UPDATE delivery_checkpoint SET tx = $2::bigint, seq = $3::bigint",
            &[
                serde_json::Value::from(owed).to_string().into(),
                i64::try_from(last.tx).map_err(|e| e.to_string())?.into(),
                last.seq.into(),
                serde_json::Value::from(states).to_string().into(),
            ],
        )
        .map(|_| ())
    }

    fn sweep(&self, today: Option<&str>) -> Result<usize, Fault> {
        // Per invoice, the latest step whose day has come; a step already queued (or an
        // earlier step's row standing for it) is not queued again, nor is one the
        // invoice passed before reminders were on — only the latest.
        let rows = query_with(
            &self.conn,
            "due AS (
                 SELECT DISTINCT ON (i.invoice_id) i.owner_id, i.invoice_id, d AS days
                 FROM delivery_invoices i
                 JOIN delivery_settings s ON s.owner_id = i.owner_id AND s.reminders_enabled
                 CROSS JOIN LATERAL unnest(s.reminder_days) AS d
                 WHERE i.status = 'sent' AND NOT i.deleted
                   AND i.due_date + d <= COALESCE($1::text::date, (now() AT TIME ZONE 'UTC')::date)
                 ORDER BY i.invoice_id, d DESC),
             queued AS (
                 INSERT INTO deliveries (owner_id, invoice_id, kind)
                 SELECT owner_id, invoice_id, 'reminder:' || days FROM due
                 ON CONFLICT (invoice_id, kind) DO NOTHING
                 RETURNING id)",
            "SELECT count(*) FROM queued",
            &[pg::text_or_null(today)],
        )?;
        let count = pg::first_count(&rows)?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    fn claim(&self, lease_seconds: i64) -> Result<Option<Claimed>, Fault> {
        let rows = query_with(
            &self.conn,
            "due AS (
                 SELECT id FROM deliveries
                 WHERE (status = 'queued' AND next_attempt_at <= now())
                    OR (status = 'sending' AND lease_until < now())
                 ORDER BY next_attempt_at
                 LIMIT 1
                 FOR UPDATE SKIP LOCKED),
             claimed AS (
                 UPDATE deliveries d
                 SET status = 'sending', attempts = attempts + 1, updated_at = now(),
                     lease_until = now() + $1::bigint * interval '1 second'
                 FROM due WHERE d.id = due.id
                 RETURNING d.id, d.owner_id, d.invoice_id, d.kind, d.attempts, d.share_link_id,
                           d.traceparent)",
            "SELECT id::text, owner_id::text, invoice_id::text, kind, attempts,
                    share_link_id::text, traceparent FROM claimed",
            &[lease_seconds.into()],
        )?;
        rows.first()
            .map(|row| {
                let kind = text(row.get(3))?;
                Ok(Claimed {
                    id: text(row.first())?,
                    owner_id: text(row.get(1))?,
                    invoice_id: text(row.get(2))?,
                    kind: Kind::parse(&kind).ok_or_else(|| format!("unknown kind {kind}"))?,
                    attempt: u32::try_from(int(row.get(4))?).map_err(|e| e.to_string())?,
                    share_link_id: optional_text(row.get(5))?,
                    traceparent: optional_text(row.get(6))?,
                })
            })
            .transpose()
            .map_err(|e: String| Fault::Internal(e))
    }

    fn settings(&self, owner: &str) -> Result<Settings, Fault> {
        settings_of(&self.conn, owner)
    }

    fn finish(&self, claimed: &Claimed, finished: &Finished) -> Result<(), Fault> {
        let (status, provider_id, retry_in, error) = row_state(&finished.next);
        execute(
            &self.conn,
            "UPDATE deliveries
             SET status = $3, updated_at = now(), lease_until = NULL,
                 provider_message_id = COALESCE($4, provider_message_id),
                 next_attempt_at = now() + $5::bigint * interval '1 second',
                 last_error = $6, recipient = COALESCE($7, recipient),
                 share_link_id = COALESCE($8::text::uuid, share_link_id),
                 sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END
             WHERE id = $1::text::uuid AND status = 'sending' AND attempts = $2::bigint",
            &[
                claimed.id.clone().into(),
                i64::from(claimed.attempt).into(),
                status.to_owned().into(),
                pg::text_or_null(provider_id.as_deref()),
                retry_in.into(),
                pg::text_or_null(error.as_deref()),
                pg::text_or_null(finished.recipient.as_deref()),
                pg::text_or_null(finished.share_link_id.as_deref()),
            ],
        )
        .map(|_| ())
    }
}

/// What an attempt's end writes: status, the provider's id, the wait, the error.
fn row_state(next: &Next) -> (&'static str, Option<String>, i64, Option<String>) {
    match next {
        Next::MarkSent { provider_id } => ("sent", provider_id.clone(), 0, None),
        Next::Skip { reason } => ("skipped", None, 0, Some(reason.clone())),
        Next::RetryIn { seconds, reason } => ("queued", None, *seconds, Some(reason.clone())),
        Next::Fail { reason } => ("failed", None, 0, Some(reason.clone())),
    }
}

/// The columns `delivery_settings` and [`Settings`] share, one name each.
const SETTINGS: &str = "sender_name, invoice_subject, invoice_body, reminder_subject, \
     reminder_body, reminders_enabled, reminder_days, final_notice";

/// The owner's settings, or the defaults when they saved none.
pub fn settings_of(conn: &Connection, owner: &str) -> Result<Settings, Fault> {
    let sql = format!(
        "SELECT row_to_json(s)::text FROM (SELECT {SETTINGS} FROM delivery_settings
         WHERE owner_id = $1::text::uuid) s"
    );
    let rows = query(conn, &sql, &[owner.to_owned().into()])?;
    match rows.first() {
        Some(row) => serde_json::from_str(&text(row.first())?)
            .map_err(|e| Fault::Internal(format!("delivery_settings: {e}"))),
        None => Ok(Settings::defaults()),
    }
}

/// Replaces the owner's settings (already parsed).
pub fn put_settings(conn: &Connection, owner: &str, settings: &Settings) -> Result<(), Fault> {
    let json = serde_json::to_string(settings).map_err(|e| Fault::Internal(e.to_string()))?;
    let updates: Vec<String> = SETTINGS
        .split(", ")
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO delivery_settings (owner_id, {SETTINGS})
         SELECT $1::text::uuid, {SETTINGS}
         FROM jsonb_populate_record(NULL::delivery_settings, $2::text::jsonb)
         ON CONFLICT (owner_id) DO UPDATE SET {}, updated_at = now()",
        updates.join(", ")
    );
    execute(conn, &sql, &[owner.to_owned().into(), json.into()]).map(|_| ())
}

/// A delivery as its invoice's owner sees it (`GET /invoices/{id}/deliveries`).
#[derive(Debug, Serialize)]
pub struct DeliveryView {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub recipient: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// An invoice's deliveries, newest first; only the owner's.
pub fn for_invoice(
    conn: &Connection,
    owner: &str,
    invoice: &str,
) -> Result<Vec<DeliveryView>, Fault> {
    const TS: &str = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
    let sql = format!(
        "SELECT id::text, kind, status, recipient, attempts, last_error,
                CASE WHEN status IN ('queued', 'sending')
                     THEN to_char(next_attempt_at AT TIME ZONE 'UTC', {TS}) END,
                to_char(created_at AT TIME ZONE 'UTC', {TS}),
                to_char(sent_at AT TIME ZONE 'UTC', {TS})
         FROM deliveries
         WHERE owner_id = $1::text::uuid AND invoice_id = $2::text::uuid
         ORDER BY created_at DESC, kind"
    );
    let rows = query(
        conn,
        &sql,
        &[owner.to_owned().into(), invoice.to_owned().into()],
    )?;
    rows.iter()
        .map(|row| {
            Ok(DeliveryView {
                id: text(row.first())?,
                kind: text(row.get(1))?,
                status: text(row.get(2))?,
                recipient: optional_text(row.get(3))?,
                attempts: int(row.get(4))?,
                last_error: optional_text(row.get(5))?,
                next_attempt_at: optional_text(row.get(6))?,
                created_at: text(row.get(7))?,
                sent_at: optional_text(row.get(8))?,
            })
        })
        .collect::<Result<_, String>>()
        .map_err(Fault::Internal)
}
