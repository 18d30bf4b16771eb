//! Quotes and their links in Postgres, through Spin's `pg4` binding (`quotes`,
//! `quote_links`, `quote_counters`, V37).

use fin_commercial::dates::{format_date, parse_date};
use fin_commercial::lines::{discount_json, parse_discount, DiscountInput, LineItem};
use fin_commercial::money::Currency;
use fin_commercial::totals::Discount;
use fin_spin_edge::pg::{connect, int, keys, optional_text as optional, query, query_with, text};
use fin_spin_edge::Fault;
use spin_sdk::pg4::{Connection, DbValue, ParameterValue};
use time::Date;

use crate::domain::{Answer, QuoteFields, Status};
use crate::listing::ListQuery;
use crate::notice::{Invitation, Notice};
use crate::quote::{Answered, Link, Parties, Quote};
use crate::service::{IdempotencyKey, QuoteStore};

mod shared;

// Parameters are sent as text or int8 and cast in SQL (`$1::text::uuid`): Spin prepares
// each statement, and a value bound straight to a parameter of another type is refused.

/// RFC 3339 in UTC, to the second, as every timestamp of the API.
macro_rules! utc {
    ($column:literal) => {
        concat!(
            "to_char(",
            $column,
            " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        )
    };
}

/// The columns of [`Quote`] (table alias `x`), decoded by [`quote`]; its links come
/// with it.
const COLUMNS: &str = concat!(
    "x.id::text, x.owner_id::text, x.number_year, x.number_seq, x.client_id::text, ",
    "x.currency::text, x.lines::text, x.discount::text, x.notes, x.issue_date::text, ",
    "x.valid_until::text, x.status, ",
    utc!("x.sent_at"),
    ", ",
    utc!("x.answered_at"),
    ", x.answered_by, x.answer_note, x.answer_address, x.invoice_id::text, x.version, ",
    utc!("x.created_at"),
    ", ",
    utc!("x.updated_at"),
    ", (SELECT coalesce(json_agg(l ORDER BY l.created_at)::text, '[]') FROM (",
    "SELECT id::text AS id, ",
    utc!("created_at"),
    " AS created_at, ",
    utc!("revoked_at"),
    " AS revoked_at FROM quote_links WHERE quote_id = x.id) l), x.emailed_to"
);

pub struct PgQuotes {
    conn: Connection,
}

impl PgQuotes {
    pub fn open(url: &str) -> Result<Self, Fault> {
        connect(url).map(|conn| Self { conn })
    }

    /// The connection, for reading identity's `account_standing` on it.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn one(&self, sql: &str, params: &[ParameterValue]) -> Result<Option<Quote>, Fault> {
        first(query(&self.conn, sql, params)?)
    }

    /// The quote a data-modifying `saved AS (… RETURNING *)` wrote, read in the same
    /// statement (Postgres allows such a CTE only at the top level).
    fn written(&self, ctes: &str, params: &[ParameterValue]) -> Result<Option<Quote>, Fault> {
        let sql = format!("SELECT {COLUMNS} FROM saved x");
        first(query_with(&self.conn, ctes, &sql, params)?)
    }
}

/// The fields' columns as parameters, in the order [`ASSIGN`] names them.
fn params(fields: &QuoteFields) -> Vec<ParameterValue> {
    let lines = serde_json::to_string(&fields.lines).unwrap_or_else(|_| "[]".into());
    let discount = match fields.discount {
        Discount::None => ParameterValue::DbNull,
        other => ParameterValue::Str(discount_json(other).to_string()),
    };
    vec![
        ParameterValue::Str(fields.client_id.clone()),
        fields
            .currency
            .map_or(ParameterValue::DbNull, |c| c.code().to_owned().into()),
        ParameterValue::Str(lines),
        discount,
        fields
            .notes
            .clone()
            .map_or(ParameterValue::DbNull, ParameterValue::Str),
        ParameterValue::Str(format_date(fields.issue_date)),
        ParameterValue::Str(format_date(fields.valid_until)),
    ]
}

/// The columns [`params`] fills, as `(column, cast)`.
const ASSIGN: [(&str, &str); 7] = [
    ("client_id", "::text::uuid"),
    ("currency", ""),
    ("lines", "::text::jsonb"),
    ("discount", "::text::jsonb"),
    ("notes", ""),
    ("issue_date", "::text::date"),
    ("valid_until", "::text::date"),
];

fn owned(owner: &str, id: &str) -> Vec<ParameterValue> {
    vec![owner.to_owned().into(), id.to_owned().into()]
}

impl QuoteStore for PgQuotes {
    fn client_currency(
        &self,
        owner: &str,
        client: &str,
    ) -> Result<Option<Option<Currency>>, Fault> {
        let rows = query(
            &self.conn,
            "SELECT default_currency::text FROM client_directory
             WHERE owner_id = $1::text::uuid AND id = $2::text::uuid AND NOT archived",
            &owned(owner, client),
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
        fields: &QuoteFields,
        key: Option<&IdempotencyKey>,
    ) -> Result<Quote, Fault> {
        let columns: Vec<&str> = ASSIGN.iter().map(|(c, _)| *c).collect();
        let values: Vec<String> = ASSIGN
            .iter()
            .enumerate()
            .map(|(i, (_, cast))| format!("${}{cast}", i + 3))
            .collect();
        // The number, the quote and its key in one statement: a refused insert (the key
        // taken by a request racing this one) takes no number.
        let ctes = format!(
            "n AS (INSERT INTO quote_counters AS c (owner_id, year, last)
                   VALUES ($1::text::uuid, $2::bigint::int, 1)
                   ON CONFLICT (owner_id, year) DO UPDATE SET last = c.last + 1
                   RETURNING last),
             saved AS (INSERT INTO quotes (owner_id, number_year, number_seq, {})
                   SELECT $1::text::uuid, $2::bigint::int, n.last, {} FROM n
                   RETURNING *),
             {}",
            columns.join(", "),
            values.join(", "),
            keys::cte(
                "kept",
                "quote_idempotency_keys",
                "quote_id",
                "saved",
                ASSIGN.len() + 3
            )
        );
        let mut all = vec![
            ParameterValue::Str(owner.to_owned()),
            ParameterValue::Int64(i64::from(fields.issue_date.year())),
        ];
        all.extend(params(fields));
        all.extend(keys::params(key));
        self.written(&ctes, &all)?
            .ok_or_else(|| Fault::from("insert returned no row"))
    }

    fn replay(&self, owner: &str, key: &str) -> Result<Option<(String, String)>, Fault> {
        keys::replay(&self.conn, "quote_idempotency_keys", "quote_id", owner, key)
    }

    fn get(&self, owner: &str, id: &str) -> Result<Option<Quote>, Fault> {
        let sql = format!(
            "SELECT {COLUMNS} FROM quotes x
             WHERE x.owner_id = $1::text::uuid AND x.id = $2::text::uuid AND NOT x.deleted"
        );
        self.one(&sql, &owned(owner, id))
    }

    fn save(
        &self,
        owner: &str,
        current: &Quote,
        fields: &QuoteFields,
    ) -> Result<Option<Quote>, Fault> {
        let assign: Vec<String> = ASSIGN
            .iter()
            .enumerate()
            .map(|(i, (column, cast))| format!("{column} = ${}{cast}", i + 4))
            .collect();
        let ctes = format!(
            "saved AS (UPDATE quotes SET {}, version = version + 1, updated_at = now()
                WHERE owner_id = $1::text::uuid AND id = $2::text::uuid AND NOT deleted
                  AND version = $3 AND status = 'draft'
                RETURNING *)",
            assign.join(", ")
        );
        let mut all = owned(owner, &current.id);
        all.push(ParameterValue::Int64(current.version));
        all.extend(params(fields));
        self.written(&ctes, &all)
    }

    fn send(
        &self,
        owner: &str,
        current: &Quote,
        invitation: &Invitation,
    ) -> Result<Option<Quote>, Fault> {
        let mut all = owned(owner, &current.id);
        all.extend([
            ParameterValue::Int64(current.version),
            current.fields.client_id.clone().into(),
            invitation.digest.clone().into(),
            invitation.from_name.clone().into(),
            invitation.mail.subject.clone().into(),
            invitation.mail.body.clone().into(),
            invitation.attachment.clone().into(),
        ]);
        // The address is read in the statement that sends: the link and the e-mail are
        // written with the sending or not at all.
        let sent = self.written(
            "address AS (SELECT nullif(btrim(c.email), '') AS email FROM client_directory c
                WHERE c.owner_id = $1::text::uuid AND c.id = $4::text::uuid),
             saved AS (UPDATE quotes SET status = 'sent', sent_at = now(),
                    emailed_to = (SELECT email FROM address),
                    version = version + 1, updated_at = now()
                WHERE owner_id = $1::text::uuid AND id = $2::text::uuid AND NOT deleted
                  AND version = $3 AND status = 'draft'
                RETURNING *),
             link AS (INSERT INTO quote_links (quote_id, owner_id, token_digest)
                SELECT id, owner_id, $5 FROM saved WHERE emailed_to IS NOT NULL),
             mail AS (INSERT INTO quote_mail
                    (owner_id, quote_id, recipient, from_name, subject, body, attachment)
                SELECT owner_id, id, emailed_to, $6, $7, $8, $9 FROM saved
                WHERE emailed_to IS NOT NULL)",
            &all,
        )?;
        match sent {
            // The statement's own reading of the links predates its new one.
            Some(quote) if quote.emailed_to.is_some() => self.get(owner, &quote.id),
            other => Ok(other),
        }
    }

    fn delete(&self, owner: &str, current: &Quote) -> Result<bool, Fault> {
        let mut all = owned(owner, &current.id);
        all.push(ParameterValue::Int64(current.version));
        let rows = query(
            &self.conn,
            "UPDATE quotes SET deleted = true, version = version + 1, updated_at = now()
             WHERE owner_id = $1::text::uuid AND id = $2::text::uuid AND NOT deleted
               AND version = $3 AND status = 'draft'
             RETURNING id",
            &all,
        )?;
        Ok(!rows.is_empty())
    }

    fn list(&self, owner: &str, list: &ListQuery, today: Date) -> Result<Vec<Quote>, Fault> {
        let mut params: Vec<ParameterValue> = vec![owner.to_owned().into()];
        let mut sql = format!(
            "SELECT {COLUMNS} FROM quotes x WHERE x.owner_id = $1::text::uuid AND NOT x.deleted"
        );
        // `expired` is read, not stored: a sent quote past its date.
        let (stored, valid) = match list.status {
            None => (None, None),
            Some(Status::Sent) => (Some("sent"), Some(">=")),
            Some(Status::Expired) => (Some("sent"), Some("<")),
            Some(other) => (Some(other.name()), None),
        };
        if let Some(stored) = stored {
            params.push(stored.to_owned().into());
            sql.push_str(&format!(" AND x.status = ${}", params.len()));
        }
        if let Some(compare) = valid {
            params.push(format_date(today).into());
            sql.push_str(&format!(
                " AND x.valid_until {compare} ${}::text::date",
                params.len()
            ));
        }
        if let Some(invoice) = &list.invoice_id {
            params.push(invoice.clone().into());
            sql.push_str(&format!(
                " AND x.invoice_id = ${}::text::uuid",
                params.len()
            ));
        }
        if let Some(cursor) = &list.after {
            let n = params.len();
            params.push(ParameterValue::Int64(i64::from(cursor.year)));
            params.push(ParameterValue::Int64(cursor.seq));
            sql.push_str(&format!(
                " AND (x.number_year, x.number_seq) < (${}::bigint::int, ${}::bigint::int)",
                n + 1,
                n + 2
            ));
        }
        sql.push_str(&format!(
            " ORDER BY x.number_year DESC, x.number_seq DESC LIMIT {}",
            list.limit + 1
        ));
        query(&self.conn, &sql, &params)?
            .iter()
            .map(|row| quote(row).map_err(Fault::from))
            .collect()
    }

    fn add_link(&self, owner: &str, quote_id: &str, digest: &str) -> Result<Link, Fault> {
        let mut all = owned(owner, quote_id);
        all.push(digest.to_owned().into());
        let rows = query(
            &self.conn,
            concat!(
                "INSERT INTO quote_links (quote_id, owner_id, token_digest)
                 VALUES ($2::text::uuid, $1::text::uuid, $3)
                 RETURNING id::text, ",
                utc!("created_at")
            ),
            &all,
        )?;
        let row = rows.first().ok_or("insert returned no row")?;
        Ok(Link {
            id: text(row.first())?,
            created_at: text(row.get(1))?,
            revoked_at: None,
        })
    }

    fn revoke_link(&self, owner: &str, quote_id: &str, link_id: &str) -> Result<bool, Fault> {
        let mut all = owned(owner, quote_id);
        all.push(link_id.to_owned().into());
        // Revoking twice is revoking once: the link is found either way.
        let rows = query(
            &self.conn,
            "UPDATE quote_links SET revoked_at = coalesce(revoked_at, now())
             WHERE owner_id = $1::text::uuid AND quote_id = $2::text::uuid
               AND id = $3::text::uuid
             RETURNING id",
            &all,
        )?;
        Ok(!rows.is_empty())
    }

    fn open(&self, digest: &str) -> Result<Option<Quote>, Fault> {
        let sql = format!(
            "SELECT {COLUMNS} FROM quote_links l JOIN quotes x ON x.id = l.quote_id
             WHERE l.token_digest = $1 AND l.revoked_at IS NULL AND NOT x.deleted"
        );
        self.one(&sql, &[digest.to_owned().into()])
    }

    fn answer(
        &self,
        digest: &str,
        answer: &Answer,
        address: Option<&str>,
        today: Date,
        notice: &Notice,
    ) -> Result<Option<Quote>, Fault> {
        let (status, name, note) = match answer {
            Answer::Accept { name, note } => ("accepted", Some(name.clone()), note.clone()),
            Answer::Decline { reason } => ("declined", None, reason.clone()),
        };
        let null = |v: Option<String>| v.map_or(ParameterValue::DbNull, ParameterValue::Str);
        let params = [
            digest.to_owned().into(),
            status.to_owned().into(),
            null(name),
            null(note),
            null(address.map(str::to_owned)),
            format_date(today).into(),
            notice.subject.clone().into(),
            notice.body.clone().into(),
        ];
        // One compare-and-set on `status = 'sent'`: of two answers racing, one is
        // recorded (with its e-mail) and the other finds the quote answered.
        self.written(
            "saved AS (UPDATE quotes u SET status = $2, answered_at = now(), answered_by = $3,
                    answer_note = $4, answer_address = $5, version = u.version + 1,
                    updated_at = now()
                FROM quote_links l
                WHERE l.token_digest = $1 AND l.revoked_at IS NULL AND l.quote_id = u.id
                  AND NOT u.deleted AND u.status = 'sent' AND u.valid_until >= $6::text::date
                RETURNING u.*),
             mail AS (INSERT INTO quote_mail (owner_id, quote_id, subject, body)
                SELECT owner_id, id, $7, $8 FROM saved)",
            &params,
        )
    }

    /// The seller's name from the profile context's `seller_directory`, the client's
    /// from the clients context's `client_directory`.
    fn parties(&self, quote: &Quote) -> Result<Parties, Fault> {
        let rows = query(
            &self.conn,
            "SELECT (SELECT coalesce(s.seller->>'trading_name', s.seller->>'legal_name')
                       FROM seller_directory s WHERE s.owner_id = $1::text::uuid),
                    c.name, c.country
             FROM (SELECT 1) one LEFT JOIN LATERAL (
                 SELECT coalesce(c.company, c.name) AS name, c.address->>'country' AS country
                 FROM client_directory c
                 WHERE c.owner_id = $1::text::uuid AND c.id = $2::text::uuid) c ON true",
            &owned(&quote.owner, &quote.fields.client_id),
        )?;
        let row = rows.first().ok_or("no row")?;
        Ok(Parties {
            seller: optional(row.first())?,
            client: optional(row.get(1))?,
            client_country: optional(row.get(2))?,
        })
    }

    fn converted(&self, owner: &str, quote_id: &str, invoice_id: &str) -> Result<Quote, Fault> {
        let mut all = owned(owner, quote_id);
        all.push(invoice_id.to_owned().into());
        let linked = self.written(
            "saved AS (UPDATE quotes SET invoice_id = $3::text::uuid, version = version + 1,
                    updated_at = now()
                WHERE owner_id = $1::text::uuid AND id = $2::text::uuid
                  AND status = 'accepted' AND invoice_id IS NULL
                RETURNING *)",
            &all,
        )?;
        match linked {
            Some(quote) => Ok(quote),
            // A conversion racing this one linked it first (the same invoice: one key).
            None => self
                .get(owner, quote_id)?
                .ok_or_else(|| Fault::from("the converted quote is gone")),
        }
    }
}

fn first(rows: Vec<Vec<DbValue>>) -> Result<Option<Quote>, Fault> {
    Ok(rows.first().map(|row| quote(row)).transpose()?)
}

/// A row of [`COLUMNS`].
fn quote(row: &[DbValue]) -> Result<Quote, String> {
    let col = |i: usize| row.get(i);
    let lines: Vec<LineItem> =
        serde_json::from_str(&text(col(6))?).map_err(|e| format!("lines: {e}"))?;
    let discount = match optional(col(7))? {
        None => Discount::None,
        Some(json) => {
            let input: DiscountInput =
                serde_json::from_str(&json).map_err(|e| format!("discount: {e}"))?;
            parse_discount(input).map_err(|e| format!("discount: {}", e.message))?
        }
    };
    let fields = QuoteFields {
        client_id: text(col(4))?,
        currency: Some(Currency::parse(&text(col(5))?)?),
        lines,
        discount,
        notes: optional(col(8))?,
        issue_date: parse_date(&text(col(9))?)?,
        valid_until: parse_date(&text(col(10))?)?,
    };
    let stored = text(col(11))?;
    let stored = Status::parse(&stored).ok_or_else(|| format!("status {stored}"))?;
    let answer = optional(col(13))?
        .map(|at| -> Result<Answered, String> {
            Ok(Answered {
                at,
                name: optional(col(14))?,
                note: optional(col(15))?,
                address: optional(col(16))?,
            })
        })
        .transpose()?;
    let links: Vec<Link> =
        serde_json::from_str(&text(col(21))?).map_err(|e| format!("links: {e}"))?;
    Ok(Quote {
        id: text(col(0))?,
        owner: text(col(1))?,
        number_year: i32::try_from(int(col(2))?).map_err(|e| e.to_string())?,
        number_seq: int(col(3))?,
        fields,
        stored,
        sent_at: optional(col(12))?,
        emailed_to: optional(col(22))?,
        answer,
        invoice_id: optional(col(17))?,
        version: int(col(18))?,
        created_at: text(col(19))?,
        updated_at: text(col(20))?,
        links,
    })
}
