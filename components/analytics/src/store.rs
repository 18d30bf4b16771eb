//! The read model in Postgres, through Spin's `pg4` binding.

use fin_spin_edge::pg::{connect, execute, int, optional_text, query, query_with, text};
use fin_spin_edge::{rfc3339, Fault};
use spin_sdk::pg4::{self, Connection, ParameterValue};
use time::Date;

use crate::catch_up::{Batch, Checkpoint, ReadModel};
use crate::dashboard::{Figure, Freshness};
use crate::event::Position;

pub struct PgReadModel {
    conn: Connection,
}

impl PgReadModel {
    pub fn open(url: &str) -> Result<Self, Fault> {
        connect(url).map(|conn| Self { conn })
    }

    /// The connection, for billing's event feed read on the same one (one pool checkout
    /// a message, not two).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Every figure of one user's dashboard, in one statement, from the running totals
    /// (V17, V19) — rows by month, by day of this month and the next, by status and by
    /// client, never by invoice, so it reads as much for a user with 100,000 invoices as
    /// for one with 100. `today` is UTC: what falls due before this month is overdue by
    /// month rows, from this month on by day rows; the 12 months and the 30 days likewise.
    /// The failed deliveries are counted from the delivery context's published view,
    /// `delivery_failures` (V23; same database, its owner index): one more index probe,
    /// not another round trip.
    pub fn figures(&self, owner: &str, today: Date) -> Result<Vec<Figure>, Fault> {
        // $1 owner, $2 today. Shown status: a sent invoice past due is overdue.
        let sql = "
            WITH this_month AS (SELECT date_trunc('month', $2::text::date)::date AS d),
            open AS (
                SELECT currency, late, sum(amount)::bigint AS amount,
                       sum(n)::bigint AS n
                  FROM (SELECT currency, true AS late, outstanding AS amount, invoices AS n
                          FROM analytics_open_by_due_month
                         WHERE owner_id = $1::text::uuid AND month < (SELECT d FROM this_month)
                        UNION ALL
                        SELECT currency, due_date < $2::text::date, outstanding, invoices
                          FROM analytics_open_by_due
                         WHERE owner_id = $1::text::uuid AND due_date >= (SELECT d FROM this_month)
                       ) parts
                 GROUP BY currency, late),
            window_start AS (
                SELECT (date_trunc('month', $2::text::date) - interval '11 months')::date AS d)
            SELECT 'status', status, NULL, invoices, NULL::bigint, NULL::bigint, NULL::bigint
              FROM analytics_status_counts
             WHERE owner_id = $1::text::uuid AND status <> 'sent' AND invoices > 0
            UNION ALL
            SELECT 'status', CASE WHEN late THEN 'overdue' ELSE 'sent' END, NULL, sum(n)::bigint,
                   NULL, NULL, NULL
              FROM open GROUP BY late
            UNION ALL
            SELECT 'outstanding', currency::text, NULL, sum(amount)::bigint, sum(n)::bigint,
                   coalesce(sum(amount) FILTER (WHERE late), 0)::bigint,
                   coalesce(sum(n) FILTER (WHERE late), 0)::bigint
              FROM open GROUP BY currency
            UNION ALL
            SELECT 'client', c.currency::text, c.client_id::text, c.outstanding, c.invoices,
                   NULL, NULL
              FROM (SELECT DISTINCT currency FROM open) cur
             CROSS JOIN LATERAL (
                   SELECT currency, client_id, outstanding, invoices
                     FROM analytics_open_by_client
                    WHERE owner_id = $1::text::uuid AND currency = cur.currency
                    ORDER BY outstanding DESC, client_id
                    LIMIT 5) c
            UNION ALL
            SELECT 'invoiced', currency::text, to_char(month, 'YYYY-MM'), invoiced, NULL, NULL, NULL
              FROM analytics_month_totals
             WHERE owner_id = $1::text::uuid AND month >= (SELECT d FROM window_start)
               AND invoices > 0
            UNION ALL
            SELECT 'received', currency::text, to_char(month, 'YYYY-MM'), received, NULL, NULL, NULL
              FROM analytics_month_totals
             WHERE owner_id = $1::text::uuid AND month >= (SELECT d FROM window_start)
               AND received > 0
            UNION ALL
            SELECT 'received30', currency::text, NULL, sum(amount)::bigint, NULL, NULL, NULL
              FROM analytics_received_by_day
             WHERE owner_id = $1::text::uuid
               AND paid_on BETWEEN $2::text::date - 29 AND $2::text::date
             GROUP BY currency
            UNION ALL
            SELECT 'failed_deliveries', NULL, NULL, count(*)::bigint, NULL, NULL, NULL
              FROM delivery_failures
             WHERE owner_id = $1::text::uuid";
        let today = format!(
            "{:04}-{:02}-{:02}",
            today.year(),
            today.month() as u8,
            today.day()
        );
        query(&self.conn, sql, &[owner.to_owned().into(), today.into()])?
            .iter()
            .map(|row| -> Result<Figure, Fault> {
                let kind = text(row.first())?;
                let a = || text(row.get(1));
                let b = || text(row.get(2));
                let n = |i: usize| int(row.get(i));
                Ok(match kind.as_str() {
                    "status" => Figure::Status {
                        status: a()?,
                        count: n(3)?,
                    },
                    "outstanding" => Figure::Outstanding {
                        currency: a()?,
                        amount: n(3)?,
                        invoices: n(4)?,
                        overdue_amount: n(5)?,
                        overdue_invoices: n(6)?,
                    },
                    "client" => Figure::Client {
                        currency: a()?,
                        client_id: b()?,
                        amount: n(3)?,
                        invoices: n(4)?,
                    },
                    "invoiced" => Figure::Invoiced {
                        currency: a()?,
                        month: b()?,
                        amount: n(3)?,
                    },
                    "received" => Figure::Received {
                        currency: a()?,
                        month: b()?,
                        amount: n(3)?,
                    },
                    "received30" => Figure::Received30 {
                        currency: a()?,
                        amount: n(3)?,
                    },
                    "failed_deliveries" => Figure::FailedDeliveries { count: n(3)? },
                    other => return Err(format!("unknown figure {other}").into()),
                })
            })
            .collect()
    }

    pub fn freshness(&self, owner: &str) -> Result<Freshness, Fault> {
        let sql = concat!(
            "SELECT o.last_event_id::text, o.last_event_type, ",
            rfc3339!("o.last_event_at"),
            ", ",
            rfc3339!("c.caught_up_at"),
            " FROM analytics_checkpoint c LEFT JOIN analytics_owners o ON o.owner_id = $1::text::uuid"
        );
        let rows = query(&self.conn, sql, &[owner.to_owned().into()])?;
        let Some(row) = rows.first() else {
            return Ok(Freshness::default());
        };
        Ok(Freshness {
            last_event_id: optional_text(row.first())?,
            last_event_type: optional_text(row.get(1))?,
            last_event_at: optional_text(row.get(2))?,
            caught_up_at: optional_text(row.get(3))?,
        })
    }
}

fn signed(tx: u64) -> Result<i64, Fault> {
    i64::try_from(tx).map_err(|_| Fault::from(format!("feed position {tx} out of range")))
}

impl ReadModel for PgReadModel {
    fn checkpoint(&self) -> Result<Checkpoint, Fault> {
        let rows = query(
            &self.conn,
            "SELECT generation, tx, seq FROM analytics_checkpoint",
            &[],
        )?;
        let row = rows
            .first()
            .ok_or("analytics_checkpoint has no row (run the migrations)")?;
        Ok(Checkpoint {
            generation: int(row.first())?,
            position: Position {
                tx: u64::try_from(int(row.get(1))?).map_err(|e| e.to_string())?,
                seq: int(row.get(2))?,
            },
        })
    }

    fn apply(&self, generation: i64, batch: &Batch) -> Result<bool, Fault> {
        // $1 invoices, $2 payments, $3 owners, $4 generation, $5/$6 last position,
        // $7 events applied, $8 events skipped.
        let ctes = "
            cp AS (SELECT 1 FROM analytics_checkpoint WHERE generation = $4::bigint),
            inv AS (
                INSERT INTO analytics_invoices AS a (invoice_id, owner_id, client_id, version,
                    status, deleted, currency, issue_date, due_date, total, amount_paid,
                    amount_overpaid, amount_credited)
                SELECT DISTINCT ON (r.invoice_id) r.invoice_id, r.owner_id, r.client_id,
                       r.version, r.status, r.deleted, r.currency, r.issue_date, r.due_date,
                       r.total, r.amount_paid, r.amount_overpaid, r.amount_credited
                  FROM jsonb_to_recordset($1::jsonb) AS r(invoice_id uuid, owner_id uuid,
                       client_id uuid, version integer, status text, deleted boolean,
                       currency text, issue_date date, due_date date, total bigint,
                       amount_paid bigint, amount_overpaid bigint, amount_credited bigint)
                 WHERE EXISTS (SELECT 1 FROM cp)
                 ORDER BY r.invoice_id, r.version DESC
                ON CONFLICT (invoice_id) DO UPDATE SET
                    owner_id = EXCLUDED.owner_id, client_id = EXCLUDED.client_id,
                    version = EXCLUDED.version, status = EXCLUDED.status,
                    deleted = EXCLUDED.deleted, currency = EXCLUDED.currency,
                    issue_date = EXCLUDED.issue_date, due_date = EXCLUDED.due_date,
                    total = EXCLUDED.total, amount_paid = EXCLUDED.amount_paid,
                    amount_overpaid = EXCLUDED.amount_overpaid,
                    amount_credited = EXCLUDED.amount_credited
                 WHERE a.version < EXCLUDED.version
                RETURNING 1),
            pay AS (
                INSERT INTO analytics_payments (payment_id, owner_id, invoice_id, currency,
                    amount, paid_on)
                SELECT r.payment_id, r.owner_id, r.invoice_id, r.currency, r.amount, r.paid_on
                  FROM jsonb_to_recordset($2::jsonb) AS r(payment_id uuid, owner_id uuid,
                       invoice_id uuid, currency text, amount bigint, paid_on date)
                 WHERE EXISTS (SELECT 1 FROM cp)
                ON CONFLICT (payment_id) DO NOTHING
                RETURNING 1),
            own AS (
                INSERT INTO analytics_owners AS o (owner_id, last_event_id, last_event_type,
                    last_event_at, tx, seq)
                SELECT r.owner_id, r.event_id, r.event_type, r.occurred_at, r.tx, r.seq
                  FROM jsonb_to_recordset($3::jsonb) AS r(owner_id uuid, event_id uuid,
                       event_type text, occurred_at timestamptz, tx bigint, seq bigint)
                 WHERE EXISTS (SELECT 1 FROM cp)
                ON CONFLICT (owner_id) DO UPDATE SET
                    last_event_id = EXCLUDED.last_event_id,
                    last_event_type = EXCLUDED.last_event_type,
                    last_event_at = EXCLUDED.last_event_at,
                    tx = EXCLUDED.tx, seq = EXCLUDED.seq
                 WHERE (o.tx, o.seq) < (EXCLUDED.tx, EXCLUDED.seq)
                RETURNING 1),
            adv AS (
                UPDATE analytics_checkpoint
                   SET tx = $5::bigint, seq = $6::bigint,
                       events_applied = events_applied + $7::bigint,
                       events_skipped = events_skipped + $8::bigint,
                       caught_up_at = now()
                 WHERE generation = $4::bigint AND (tx, seq) < ($5::bigint, $6::bigint)
                RETURNING 1)";
        let rows = query_with(
            &self.conn,
            ctes,
            "SELECT EXISTS (SELECT 1 FROM cp), (SELECT count(*) FROM inv), \
             (SELECT count(*) FROM pay), (SELECT count(*) FROM own), (SELECT count(*) FROM adv)",
            &[
                jsonb(&batch.invoices)?,
                jsonb(&batch.payments)?,
                jsonb(&batch.owners)?,
                ParameterValue::Int64(generation),
                ParameterValue::Int64(signed(batch.last.tx)?),
                ParameterValue::Int64(batch.last.seq),
                ParameterValue::Int64((batch.events - batch.skipped) as i64),
                ParameterValue::Int64(batch.skipped as i64),
            ],
        )?;
        Ok(matches!(
            rows.first().and_then(|r| r.first()),
            Some(spin_sdk::pg4::DbValue::Boolean(true))
        ))
    }

    fn caught_up(&self, generation: i64) -> Result<(), Fault> {
        execute(
            &self.conn,
            "UPDATE analytics_checkpoint SET caught_up_at = now() WHERE generation = $1::bigint",
            &[ParameterValue::Int64(generation)],
        )
        .map(|_| ())
    }
}

/// Rows as one `jsonb` parameter, for `jsonb_to_recordset`.
fn jsonb<T: serde::Serialize>(rows: &[T]) -> Result<ParameterValue, Fault> {
    pg4::jsonb(&rows).map_err(|e| Fault::from(format!("batch: {e}")))
}
