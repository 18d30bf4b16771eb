//! Templates in Postgres, through Spin's `pg4` binding (`recurring_templates`, V36). The
//! sweep's statements over `recurring_runs` are in [`crate::runs`].

use fin_commercial::lines::{parse_discount, DiscountInput, LineItem};
use fin_commercial::money::Currency;
use fin_commercial::totals::Discount;
use fin_recurrence::End;
use fin_spin_edge::pg::{
    connect, int, keys, optional_text as optional, query, query_with, text, text_or_null,
};
use fin_spin_edge::Fault;
use spin_sdk::pg4::{Connection, DbValue, ParameterValue};

use crate::domain::{
    catch_up_name, frequency_name, parse_catch_up, parse_date, parse_frequency, TemplateFields,
};
use crate::listing::ListQuery;
use crate::service::{IdempotencyKey, Standing, TemplateStore};
use crate::template::{Run, Template};

// Parameters are sent as text or int8 and cast in SQL (`$1::text::uuid`,
// `$6::bigint::int`): Spin prepares each statement, and a value bound straight to a
// parameter of another type is refused.

/// The columns of [`Template`] (table alias `t`), decoded by [`template`]; its newest
/// twelve periods come with it.
pub(crate) const COLUMNS: &str = "t.id::text, t.name, t.client_id::text, t.currency::text, \
    t.lines::text, t.discount::text, t.notes, t.payment_terms_days, t.frequency, \
    t.start_date::text, t.end_date::text, t.max_count, t.time_zone, t.catch_up, t.send::int, \
    t.paused::int, t.next_period, t.version, \
    to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
    to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
    (SELECT coalesce(json_agg(r)::text, '[]') FROM (\
        SELECT period, issue_date::text AS issue_date, state, invoice_id::text AS invoice_id, \
               last_error AS error \
        FROM recurring_runs WHERE template_id = t.id ORDER BY period DESC LIMIT 12) r)";

/// How many columns [`COLUMNS`] has: what a statement selects after them starts here.
pub(crate) const COLUMN_COUNT: usize = 21;

pub struct PgTemplates {
    conn: Connection,
}

impl PgTemplates {
    pub fn open(url: &str) -> Result<Self, Fault> {
        connect(url).map(|conn| Self { conn })
    }

    fn one(&self, sql: &str, params: &[ParameterValue]) -> Result<Option<Template>, Fault> {
        first(query(&self.conn, sql, params)?)
    }

    /// The template a data-modifying `saved AS (… RETURNING *)` wrote, read in the same
    /// statement (Postgres allows such a CTE only at the top level).
    fn written(&self, saved: &str, params: &[ParameterValue]) -> Result<Option<Template>, Fault> {
        let sql = format!("SELECT {COLUMNS} FROM saved t");
        first(query_with(&self.conn, saved, &sql, params)?)
    }
}

/// The fields' and standing's columns as parameters, from `$first` on, in the order
/// [`ASSIGN`] names them.
fn params(fields: &TemplateFields, standing: &Standing) -> Vec<ParameterValue> {
    let (end_date, count) = match fields.end {
        End::Never => (None, None),
        End::On(date) => (Some(date.to_string()), None),
        End::After(n) => (None, Some(n)),
    };
    let lines = serde_json::to_string(&fields.lines).unwrap_or_else(|_| "[]".into());
    let discount = match fields.discount {
        Discount::None => None,
        other => Some(fin_commercial::lines::discount_json(other).to_string()),
    };
    vec![
        ParameterValue::Str(fields.name.clone()),
        ParameterValue::Str(fields.client_id.clone()),
        text_or_null(fields.currency.map(|c| c.code())),
        ParameterValue::Str(lines),
        text_or_null(discount.as_deref()),
        text_or_null(fields.notes.as_deref()),
        ParameterValue::Int64(fields.payment_terms_days),
        ParameterValue::Str(frequency_name(fields.frequency).into()),
        ParameterValue::Str(fields.start_date.to_string()),
        text_or_null(end_date.as_deref()),
        count.map_or(ParameterValue::DbNull, |n| ParameterValue::Int64(n.into())),
        ParameterValue::Str(fields.time_zone.clone()),
        ParameterValue::Str(catch_up_name(fields.catch_up).into()),
        ParameterValue::Boolean(fields.send),
        ParameterValue::Boolean(standing.paused),
        ParameterValue::Int64(standing.next_period.into()),
        text_or_null(standing.next_due_at.as_deref()),
    ]
}

/// The columns [`params`] fills, as `(column, cast)` with `$n` placed by the caller.
const ASSIGN: [(&str, &str); 17] = [
    ("name", ""),
    ("client_id", "::text::uuid"),
    ("currency", ""),
    ("lines", "::text::jsonb"),
    ("discount", "::text::jsonb"),
    ("notes", ""),
    ("payment_terms_days", "::bigint::int"),
    ("frequency", ""),
    ("start_date", "::text::date"),
    ("end_date", "::text::date"),
    ("max_count", "::bigint::int"),
    ("time_zone", ""),
    ("catch_up", ""),
    ("send", "::boolean"),
    ("paused", "::boolean"),
    ("next_period", "::bigint::int"),
    ("next_due_at", "::text::timestamptz"),
];

impl TemplateStore for PgTemplates {
    fn client_currency(
        &self,
        owner: &str,
        client: &str,
    ) -> Result<Option<Option<Currency>>, Fault> {
        let rows = query(
            &self.conn,
            "SELECT default_currency::text FROM client_directory
             WHERE owner_id = $1::text::uuid AND id = $2::text::uuid AND NOT archived",
            &[owner.to_owned().into(), client.to_owned().into()],
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let currency = optional(row.first())?
            .map(|code| Currency::parse(&code))
            .transpose()?;
        Ok(Some(currency))
    }

    fn insert(
        &self,
        owner: &str,
        fields: &TemplateFields,
        standing: &Standing,
        key: Option<&IdempotencyKey>,
    ) -> Result<Template, Fault> {
        let columns: Vec<&str> = ASSIGN.iter().map(|(c, _)| *c).collect();
        let values: Vec<String> = ASSIGN
            .iter()
            .enumerate()
            .map(|(i, (_, cast))| format!("${}{cast}", i + 2))
            .collect();
        // The template and its key in one statement: one is never kept without the other.
        let insert = format!(
            "saved AS (INSERT INTO recurring_templates (owner_id, {}) VALUES ($1::text::uuid, {})
                RETURNING *),
             {}",
            columns.join(", "),
            values.join(", "),
            keys::cte(
                "kept",
                "recurring_idempotency_keys",
                "template_id",
                "saved",
                ASSIGN.len() + 2
            )
        );
        let mut all = vec![ParameterValue::Str(owner.to_owned())];
        all.extend(params(fields, standing));
        all.extend(keys::params(key));
        self.written(&insert, &all)?
            .ok_or_else(|| Fault::from("insert returned no row"))
    }

    fn replay(&self, owner: &str, key: &str) -> Result<Option<(String, String)>, Fault> {
        keys::replay(
            &self.conn,
            "recurring_idempotency_keys",
            "template_id",
            owner,
            key,
        )
    }

    fn get(&self, owner: &str, id: &str) -> Result<Option<Template>, Fault> {
        let sql = format!(
            "SELECT {COLUMNS} FROM recurring_templates t
             WHERE t.owner_id = $1::text::uuid AND t.id = $2::text::uuid"
        );
        self.one(&sql, &[owner.to_owned().into(), id.to_owned().into()])
    }

    fn save(
        &self,
        owner: &str,
        current: &Template,
        fields: &TemplateFields,
        standing: &Standing,
    ) -> Result<Option<Template>, Fault> {
        let assign: Vec<String> = ASSIGN
            .iter()
            .enumerate()
            .map(|(i, (column, cast))| format!("{column} = ${}{cast}", i + 5))
            .collect();
        let update = format!(
            "saved AS (UPDATE recurring_templates SET {}, version = version + 1, updated_at = now()
                WHERE owner_id = $1::text::uuid AND id = $2::text::uuid
                  AND version = $3 AND next_period = $4::bigint::int
                RETURNING *)",
            assign.join(", ")
        );
        let mut all = vec![
            ParameterValue::Str(owner.to_owned()),
            ParameterValue::Str(current.id.clone()),
            ParameterValue::Int64(current.version),
            ParameterValue::Int64(current.next_period.into()),
        ];
        all.extend(params(fields, standing));
        self.written(&update, &all)
    }

    fn delete(&self, owner: &str, id: &str) -> Result<bool, Fault> {
        let rows = query(
            &self.conn,
            "DELETE FROM recurring_templates WHERE owner_id = $1::text::uuid AND id = $2::text::uuid
             RETURNING id",
            &[owner.to_owned().into(), id.to_owned().into()],
        )?;
        Ok(!rows.is_empty())
    }

    fn list(&self, owner: &str, list: &ListQuery) -> Result<Vec<(Template, String)>, Fault> {
        let mut params: Vec<ParameterValue> = vec![owner.to_owned().into()];
        let mut sql = format!(
            "SELECT {COLUMNS},
                to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')
             FROM recurring_templates t WHERE t.owner_id = $1::text::uuid"
        );
        if let Some(cursor) = &list.after {
            params.push(cursor.key.clone().into());
            params.push(cursor.id.clone().into());
            sql.push_str(" AND (t.created_at, t.id) < ($2::text::timestamptz, $3::text::uuid)");
        }
        sql.push_str(&format!(
            " ORDER BY t.created_at DESC, t.id DESC LIMIT {}",
            list.limit + 1
        ));
        query(&self.conn, &sql, &params)?
            .iter()
            .map(|row| Ok((template(row)?, text(row.get(COLUMN_COUNT))?)))
            .collect()
    }
}

fn first(rows: Vec<Vec<DbValue>>) -> Result<Option<Template>, Fault> {
    Ok(rows.first().map(|row| template(row)).transpose()?)
}

/// A row of [`COLUMNS`].
pub(crate) fn template(row: &[DbValue]) -> Result<Template, String> {
    let col = |i: usize| row.get(i);
    let lines: Vec<LineItem> =
        serde_json::from_str(&text(col(4))?).map_err(|e| format!("lines: {e}"))?;
    let discount = match optional(col(5))? {
        None => Discount::None,
        Some(json) => {
            let input: DiscountInput =
                serde_json::from_str(&json).map_err(|e| format!("discount: {e}"))?;
            parse_discount(input).map_err(|e| format!("discount: {}", e.message))?
        }
    };
    let end = match (optional(col(10))?, col(11)) {
        (Some(date), _) => End::On(parse_date(&date)?),
        (None, Some(DbValue::DbNull) | None) => End::Never,
        (None, count) => End::After(u32::try_from(int(count)?).map_err(|e| e.to_string())?),
    };
    let fields = TemplateFields {
        name: text(col(1))?,
        client_id: text(col(2))?,
        currency: Some(Currency::parse(&text(col(3))?)?),
        lines,
        discount,
        notes: optional(col(6))?,
        payment_terms_days: int(col(7))?,
        frequency: parse_frequency(&text(col(8))?)?,
        start_date: parse_date(&text(col(9))?)?,
        end,
        time_zone: text(col(12))?,
        catch_up: parse_catch_up(&text(col(13))?)?,
        send: int(col(14))? == 1,
    };
    let runs: Vec<Run> = serde_json::from_str(&text(col(20))?).map_err(|e| format!("runs: {e}"))?;
    Ok(Template {
        id: text(col(0))?,
        fields,
        paused: int(col(15))? == 1,
        next_period: u32::try_from(int(col(16))?).map_err(|e| e.to_string())?,
        version: int(col(17))?,
        created_at: text(col(18))?,
        updated_at: text(col(19))?,
        runs,
    })
}
