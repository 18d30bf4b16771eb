//! The sweep's statements, in Postgres through Spin's `pg4` binding: templates due, the
//! decision's compare-and-set, and the owed rows' claims (`recurring_runs`, V36).

use fin_spin_edge::pg::{
    connect, execute, int, optional_text as optional, query, query_with, text,
};
use fin_spin_edge::Fault;
use jiff::Timestamp;
use serde_json::Value;
use spin_sdk::pg4::{Connection, ParameterValue};

use crate::issue::{Made, Owed, Periods};
use crate::store::{template, COLUMNS};
use crate::sweep::Decision;
use crate::template::Template;

pub struct PgRuns {
    conn: Connection,
}

impl PgRuns {
    pub fn open(url: &str) -> Result<Self, Fault> {
        connect(url).map(|conn| Self { conn })
    }

    fn key(owed: &Owed) -> [ParameterValue; 2] {
        [
            ParameterValue::Str(owed.template_id.clone()),
            ParameterValue::Int64(owed.period.into()),
        ]
    }
}

impl Periods for PgRuns {
    fn due(&self, now: Timestamp, limit: u32) -> Result<Vec<Template>, Fault> {
        let sql = format!(
            "SELECT {COLUMNS} FROM recurring_templates t
             WHERE NOT t.paused AND t.next_due_at <= $1::text::timestamptz
             ORDER BY t.next_due_at LIMIT {limit}"
        );
        query(&self.conn, &sql, &[now.to_string().into()])?
            .iter()
            .map(|row| Ok(template(row)?))
            .collect()
    }

    fn decide(&self, template: &Template, decision: &Decision) -> Result<bool, Fault> {
        let runs: Vec<Value> = decision
            .runs
            .iter()
            .map(|run| {
                serde_json::json!({
                    "period": run.period,
                    "issue_date": run.issue_date.to_string(),
                    "state": if run.body.is_some() { "pending" } else { "skipped" },
                    "body": run.body,
                    "send": run.send,
                })
            })
            .collect();
        let rows = query_with(
            &self.conn,
            "moved AS (
                UPDATE recurring_templates
                SET next_period = $4::bigint::int, next_due_at = $5::text::timestamptz
                WHERE id = $1::text::uuid AND version = $2 AND next_period = $3::bigint::int
                  AND NOT paused
                RETURNING id, owner_id
             ), decided AS (
                INSERT INTO recurring_runs (template_id, period, owner_id, issue_date, state, body, send)
                SELECT moved.id, r.period, moved.owner_id, r.issue_date, r.state, r.body, r.send
                FROM moved, jsonb_to_recordset($6::text::jsonb)
                    AS r(period int, issue_date date, state text, body jsonb, send boolean)
                RETURNING 1
             )",
            "SELECT count(*) FROM moved",
            &[
                template.id.clone().into(),
                ParameterValue::Int64(template.version),
                ParameterValue::Int64(template.next_period.into()),
                ParameterValue::Int64(decision.next.into()),
                decision
                    .next_due_at
                    .clone()
                    .map_or(ParameterValue::DbNull, ParameterValue::Str),
                Value::Array(runs).to_string().into(),
            ],
        )?;
        Ok(rows.first().map(|row| int(row.first())).transpose()? == Some(1))
    }

    fn claim(&self, limit: u32, lease_seconds: u32) -> Result<Vec<Owed>, Fault> {
        let rows = query(
            &self.conn,
            "UPDATE recurring_runs r
             SET attempts = r.attempts + 1,
                 next_attempt_at = now() + $1::bigint * interval '1 second'
             WHERE (r.template_id, r.period) IN (
                SELECT template_id, period FROM recurring_runs
                WHERE state IN ('pending', 'created') AND next_attempt_at <= now()
                ORDER BY next_attempt_at LIMIT $2::bigint::int
                FOR UPDATE SKIP LOCKED)
             RETURNING r.template_id::text, r.period, r.owner_id::text, r.body::text,
                       r.send::int, r.invoice_id::text",
            &[
                ParameterValue::Int64(lease_seconds.into()),
                ParameterValue::Int64(limit.into()),
            ],
        )?;
        rows.iter()
            .map(|row| {
                Ok(Owed {
                    template_id: text(row.first())?,
                    period: u32::try_from(int(row.get(1))?).map_err(|e| e.to_string())?,
                    owner: text(row.get(2))?,
                    body: serde_json::from_str(&text(row.get(3))?)
                        .map_err(|e| format!("body: {e}"))?,
                    send: int(row.get(4))? == 1,
                    invoice_id: optional(row.get(5))?,
                })
            })
            .collect::<Result<_, String>>()
            .map_err(Fault::from)
    }

    fn made(&self, owed: &Owed, invoice_id: &str, done: Made) -> Result<(), Fault> {
        let [template, period] = Self::key(owed);
        execute(
            &self.conn,
            "UPDATE recurring_runs SET state = $3, invoice_id = $4::text::uuid, last_error = NULL
             WHERE template_id = $1::text::uuid AND period = $2::bigint::int",
            &[
                template,
                period,
                done.state().to_owned().into(),
                invoice_id.to_owned().into(),
            ],
        )
        .map(drop)
    }

    fn failed(&self, owed: &Owed, reason: &str) -> Result<(), Fault> {
        self.note(owed, "state = 'failed', last_error = $3", reason)
    }

    fn later(&self, owed: &Owed, reason: &str) -> Result<(), Fault> {
        self.note(owed, "last_error = $3", reason)
    }
}

impl PgRuns {
    fn note(&self, owed: &Owed, set: &str, reason: &str) -> Result<(), Fault> {
        let [template, period] = Self::key(owed);
        let reason: String = reason.chars().take(500).collect();
        execute(
            &self.conn,
            &format!(
                "UPDATE recurring_runs SET {set}
                 WHERE template_id = $1::text::uuid AND period = $2::bigint::int"
            ),
            &[template, period, reason.into()],
        )
        .map(drop)
    }
}
