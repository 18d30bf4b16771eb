//! Invoices in Postgres, through Spin's `pg4` binding. Every statement that changes an
//! invoice also writes its events to the outbox (data-modifying CTEs: one statement, one
//! transaction), and the events it wrote are then published as nudges.

use fin_spin_edge::pg::{
    connect, int, keys, optional_text as optional, query, query_with, text, text_or_null,
};
use fin_spin_edge::{rfc3339, Fault};
use spin_sdk::pg4::{self, Connection, DbValue, ParameterValue};
use time::Date;

use crate::change::Change;
use crate::credit::{CreditNote, NewCreditNote};
use crate::domain::{InvoiceFields, NewPayment};
use crate::events::EventType;
use crate::invoice::{Invoice, Payment};
use crate::listing::{Detail, ListQuery, StatusFilter};
use crate::outbox::{event_names, outbox, traceparent, CREDIT_NOTE, ENVELOPES, PAYMENT, REFUND};
use crate::refund::NewRefund;
use crate::service::{IdempotencyKey, InvoiceStore, Located, Settled};
use crate::status::Status;
use fin_commercial::dates::{format_date, parse_date};
use fin_commercial::lines::LineItem;
use fin_commercial::money::Currency;
use fin_commercial::totals::{Discount, Totals};

// Parameters are sent as text or int8 and cast in SQL (`$1::text::uuid`,
// `$2::bigint::int`): Spin prepares each statement and refuses a value whose type does
// not match the parameter's exactly.

/// The invoice's identity, client, dates and currency: the first columns of both
/// [`COLUMNS`] and [`SUMMARY_COLUMNS`], which must read them alike.
macro_rules! head_columns {
    () => {
        concat!(
            "i.id::text, i.number_year::bigint, i.number_seq::bigint, i.status, i.client_id::text, ",
            "to_char(i.issue_date, 'YYYY-MM-DD'), to_char(i.due_date, 'YYYY-MM-DD'), i.currency, "
        )
    };
}

/// Its sums and version, in the same place of both lists.
macro_rules! sum_columns {
    () => {
        "i.subtotal, i.discount_amount, i.tax, i.total, i.amount_paid, i.version::bigint, "
    };
}

/// Its five timestamps (RFC 3339, UTC), in the same place of both lists.
macro_rules! stamp_columns {
    () => {
        concat!(
            rfc3339!("i.sent_at"),
            ", ",
            rfc3339!("i.paid_at"),
            ", ",
            rfc3339!("i.voided_at"),
            ", ",
            rfc3339!("i.created_at"),
            ", ",
            rfc3339!("i.updated_at")
        )
    };
}

/// The columns of [`Invoice`], read from an invoice aliased `i`.
pub(crate) const COLUMNS: &str = concat!(
    head_columns!(),
    "i.lines::text, i.discount_kind, i.discount_value, i.notes, ",
    sum_columns!(),
    "(SELECT coalesce(json_agg(json_build_object(",
    "'id', p.id, 'amount', p.amount, 'overpaid', p.overpaid, ",
    "'paid_on', to_char(p.paid_on, 'YYYY-MM-DD'), ",
    "'method', p.method, 'reference', p.reference, 'source', p.source, 'recorded_at', ",
    rfc3339!("p.created_at"),
    ") ORDER BY p.created_at, p.id), '[]'::json)::text FROM payments p WHERE p.invoice_id = i.id), ",
    stamp_columns!(),
    ", i.amount_overpaid, i.seller::text, i.buyer::text, i.amount_credited, ",
    "(SELECT coalesce(json_agg(json_build_object(",
    "'id', c.id, 'year', c.number_year, 'sequence', c.number_seq, ",
    "'issue_date', to_char(c.issue_date, 'YYYY-MM-DD'), 'lines', c.lines, ",
    "'discount_kind', c.discount_kind, 'discount_value', c.discount_value, ",
    "'subtotal', c.subtotal, 'discount_amount', c.discount_amount, 'tax', c.tax, ",
    "'total', c.total, 'reason', c.reason, 'issued_at', ",
    rfc3339!("c.created_at"),
    ", 'refunds', (SELECT coalesce(json_agg(json_build_object(",
    "'id', r.id, 'amount', r.amount, 'refunded_on', to_char(r.refunded_on, 'YYYY-MM-DD'), ",
    "'method', r.method, 'reference', r.reference, 'recorded_at', ",
    rfc3339!("r.created_at"),
    ") ORDER BY r.created_at, r.id), '[]'::json) FROM credit_note_refunds r ",
    "WHERE r.credit_note_id = c.id)",
    ") ORDER BY c.number_year, c.number_seq), '[]'::json)::text ",
    "FROM credit_notes c WHERE c.invoice_id = i.id), i.amount_refunded"
);

/// [`COLUMNS`] as a list summary reads them: each invoice's own row only — its lines,
/// payments, credit notes, discount, notes and seller read as empty and its buyer as its
/// name alone (the summary shows no more), so a page costs its rows and no subquery.
const SUMMARY_COLUMNS: &str = concat!(
    head_columns!(),
    "'[]'::text, NULL::text, NULL::bigint, NULL::text, ",
    sum_columns!(),
    "'[]'::text, ",
    stamp_columns!(),
    ", i.amount_overpaid, NULL::text, ",
    "CASE WHEN i.buyer IS NULL THEN NULL ELSE json_build_object('name', i.buyer->>'name')::text END, ",
    "i.amount_credited, '[]'::text, i.amount_refunded"
);

/// How many columns [`COLUMNS`] reads: where what a statement reads after them begins
/// (the index of [`ENVELOPES`] in a row that reads `COLUMNS` first).
pub(crate) const COLUMN_COUNT: usize = 30;

pub struct PgInvoices {
    conn: Connection,
}

impl PgInvoices {
    pub fn open(url: &str) -> Result<Self, Fault> {
        connect(url).map(|conn| Self { conn })
    }

    /// The connection, for the clients directory's read in the same request.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn one(&self, sql: &str, params: &[ParameterValue]) -> Result<Option<Invoice>, Fault> {
        Ok(query(&self.conn, sql, params)?
            .first()
            .map(|row| invoice(row))
            .transpose()?)
    }
}

fn owner_and_id(owner: &str, id: &str) -> Vec<ParameterValue> {
    vec![owner.to_owned().into(), id.to_owned().into()]
}

/// The CTE `k` that keeps the idempotency key of a change to the invoice `u`: the key at
/// `$at`, its request's hash at the next parameter ([`keys::params`]' order).
fn key_cte(at: usize) -> String {
    keys::cte("k", "idempotency_keys", "invoice_id", "u", at)
}

/// What an event of `event_type` adds to its payload: `{name: object}` (a `jsonb`
/// expression over the row added beside the invoice), nothing for the change's other
/// events.
fn added(event_type: &str, name: &str, object: &str) -> String {
    format!(
        "CASE WHEN t.type = '{event_type}' THEN jsonb_build_object('{name}', {object}) ELSE '{{}}'::jsonb END"
    )
}

/// A discount as its kind and value columns.
fn discount_columns(discount: Discount) -> (Option<&'static str>, ParameterValue) {
    let (kind, value) = discount.to_columns();
    (
        kind,
        value.map_or(ParameterValue::DbNull, ParameterValue::Int64),
    )
}

/// The editable columns as parameters, in the order of [`FIELD_COLUMNS`].
fn field_params(fields: &InvoiceFields, totals: &Totals) -> Result<Vec<ParameterValue>, String> {
    let (kind, value) = discount_columns(fields.discount);
    Ok(vec![
        fields.client_id.clone().into(),
        format_date(fields.issue_date).into(),
        format_date(fields.due_date).into(),
        text_or_null(fields.currency.map(Currency::code)),
        pg4::jsonb(&fields.lines).map_err(|e| format!("lines: {e}"))?,
        text_or_null(kind),
        value,
        text_or_null(fields.notes.as_deref()),
        ParameterValue::Int64(totals.subtotal),
        ParameterValue::Int64(totals.discount),
        ParameterValue::Int64(totals.tax),
        ParameterValue::Int64(totals.total),
    ])
}

/// `$n` casts for [`field_params`], starting at `$first`.
fn field_casts(first: usize) -> Vec<String> {
    [
        "::text::uuid",
        "::text::date",
        "::text::date",
        "::text",
        "::jsonb",
        "::text",
        "::bigint",
        "::text",
        "::bigint",
        "::bigint",
        "::bigint",
        "::bigint",
    ]
    .iter()
    .enumerate()
    .map(|(i, cast)| format!("${}{cast}", first + i))
    .collect()
}

const FIELD_COLUMNS: [&str; 12] = [
    "client_id",
    "issue_date",
    "due_date",
    "currency",
    "lines",
    "discount_kind",
    "discount_value",
    "notes",
    "subtotal",
    "discount_amount",
    "tax",
    "total",
];

impl InvoiceStore for PgInvoices {
    fn create(
        &self,
        owner: &str,
        fields: &InvoiceFields,
        totals: &Totals,
        key: Option<&IdempotencyKey>,
    ) -> Result<Invoice, Fault> {
        // $1 owner, $2 year, $3…$14 fields, $15 key, $16 request hash.
        let casts = field_casts(3).join(", ");
        let ctes = format!(
            "n AS (INSERT INTO invoice_counters AS c (owner_id, year, last)
                   VALUES ($1::text::uuid, $2::bigint::int, 1)
                   ON CONFLICT (owner_id, year) DO UPDATE SET last = c.last + 1
                   RETURNING last),
             i AS (INSERT INTO invoices (owner_id, number_year, number_seq, {columns})
                   SELECT $1::text::uuid, $2::bigint::int, n.last, {casts} FROM n
                   RETURNING *),
             {keyed},
             {outbox}",
            columns = FIELD_COLUMNS.join(", "),
            keyed = keys::cte("k", "idempotency_keys", "invoice_id", "i", 15),
            outbox = outbox("i AS u", None, "ARRAY['invoice.created']")
        );
        let mut params = vec![
            ParameterValue::Str(owner.to_owned()),
            ParameterValue::Int64(i64::from(fields.issue_date.year())),
        ];
        params.extend(field_params(fields, totals)?);
        params.extend(keys::params(key));
        self.write(&ctes, "i", &params)?
            .ok_or_else(|| Fault::from("insert returned no row"))
    }

    fn get(&self, owner: &str, id: &str) -> Result<Option<Invoice>, Fault> {
        let sql = format!(
            "SELECT {COLUMNS} FROM invoices i
             WHERE i.owner_id = $1::text::uuid AND i.id = $2::text::uuid AND i.deleted_at IS NULL"
        );
        self.one(&sql, &owner_and_id(owner, id))
    }

    fn list(&self, owner: &str, list: &ListQuery, today: Date) -> Result<Vec<Invoice>, Fault> {
        let mut params: Vec<ParameterValue> = vec![owner.to_owned().into()];
        let mut filter = String::from("{t}.owner_id = $1::text::uuid AND {t}.deleted_at IS NULL");
        let mut param = |value: ParameterValue, clause: &str, params: &mut Vec<_>| {
            params.push(value);
            filter.push_str(&clause.replace("$?", &format!("${}", params.len())));
        };
        if let Some(client) = &list.client_id {
            param(
                client.clone().into(),
                " AND {t}.client_id = $?::text::uuid",
                &mut params,
            );
        }
        if let Some(from) = list.issued_from {
            param(
                format_date(from).into(),
                " AND {t}.issue_date >= $?::text::date",
                &mut params,
            );
        }
        if let Some(to) = list.issued_to {
            param(
                format_date(to).into(),
                " AND {t}.issue_date <= $?::text::date",
                &mut params,
            );
        }
        match list.status {
            None => {}
            Some(StatusFilter::Stored(status)) => param(
                status.as_str().to_owned().into(),
                " AND {t}.status = $?",
                &mut params,
            ),
            Some(StatusFilter::Sent) => param(
                format_date(today).into(),
                " AND {t}.status = 'sent' AND {t}.due_date >= $?::text::date",
                &mut params,
            ),
            Some(StatusFilter::Overdue) => param(
                format_date(today).into(),
                " AND {t}.status = 'sent' AND {t}.due_date < $?::text::date",
                &mut params,
            ),
        }
        let by_date = list.by_issue_date();
        if let Some(cursor) = list.after {
            let issued = cursor.issued.filter(|_| by_date);
            if let Some(issued) = issued {
                param(
                    format_date(issued).into(),
                    " AND ({t}.issue_date, {t}.number_year, {t}.number_seq) < ($?::text::date",
                    &mut params,
                );
            }
            param(
                ParameterValue::Int64(i64::from(cursor.year)),
                match issued {
                    Some(_) => ", $?::bigint::int",
                    None => " AND ({t}.number_year, {t}.number_seq) < ($?::bigint::int",
                },
                &mut params,
            );
            param(
                ParameterValue::Int64(cursor.sequence),
                ", $?::bigint::int)",
                &mut params,
            );
        }
        let order = match by_date {
            true => "{t}.issue_date DESC, {t}.number_year DESC, {t}.number_seq DESC",
            false => "{t}.number_year DESC, {t}.number_seq DESC",
        };
        let columns = match list.detail {
            Detail::Summary => SUMMARY_COLUMNS,
            Detail::Full => COLUMNS,
        };
        let limit = list.limit + 1;
        let sql = match list.status {
            // A page of sent or overdue invoices is found first from the index of the sent
            // ones alone (V43: their due dates beside their numbers), then only its rows are
            // read: the invoices not yet due are skipped without reading each of them.
            Some(StatusFilter::Sent | StatusFilter::Overdue) => format!(
                "SELECT {columns} FROM (SELECT o.id FROM invoices o WHERE {inner_filter}
                   ORDER BY {inner_order} LIMIT {limit}) page
                 JOIN invoices i ON i.id = page.id ORDER BY {outer_order}",
                inner_filter = filter.replace("{t}", "o"),
                inner_order = order.replace("{t}", "o"),
                outer_order = order.replace("{t}", "i"),
            ),
            _ => format!(
                "SELECT {columns} FROM invoices i WHERE {filter} ORDER BY {order} LIMIT {limit}",
                filter = filter.replace("{t}", "i"),
                order = order.replace("{t}", "i"),
            ),
        };
        query(&self.conn, &sql, &params)?
            .iter()
            .map(|row| invoice(row).map_err(Fault::from))
            .collect()
    }

    fn apply(
        &self,
        owner: &str,
        id: &str,
        version: i64,
        change: &Change,
        events: &[EventType],
        key: Option<&IdempotencyKey>,
    ) -> Result<Option<Invoice>, Fault> {
        // $1 owner, $2 id, $3 version; the change's own parameters follow.
        let mut params = owner_and_id(owner, id);
        params.push(ParameterValue::Int64(version));
        let matches = "i.owner_id = $1::text::uuid AND i.id = $2::text::uuid \
                       AND i.version = $3::bigint AND i.deleted_at IS NULL";
        let set = match change {
            Change::Fields(fields, totals) => {
                params.extend(field_params(fields, totals)?);
                FIELD_COLUMNS
                    .iter()
                    .zip(field_casts(4))
                    .map(|(column, value)| format!("{column} = {value}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Change::Status(status) => {
                params.push(status.as_str().to_owned().into());
                "status = $4::text, \
                 sent_at = CASE WHEN $4::text = 'sent' THEN now() ELSE sent_at END, \
                 voided_at = CASE WHEN $4::text = 'void' THEN now() ELSE voided_at END"
                    .to_owned()
            }
            // The seller as the profile is now, with its logo, in the same statement (NULL
            // without a profile).
            Change::Send(buyer) => {
                let buyer = serde_json::to_string(buyer).map_err(|e| format!("buyer: {e}"))?;
                params.push(buyer.into());
                concat!(
                    "status = 'sent', sent_at = now(), buyer = $4::text::jsonb, ",
                    "seller = (SELECT d.seller FROM seller_directory d WHERE d.owner_id = i.owner_id)"
                )
                .to_owned()
            }
            Change::Delete => "deleted_at = now()".to_owned(),
            Change::Payment(payment, status) => {
                return self.pay(params, matches, payment, *status, events, key);
            }
            Change::Credit(note, status) => {
                return self.credit(params, matches, note, *status, events, key);
            }
            Change::Refund(refund) => {
                return self.refund(params, matches, refund, events, key);
            }
        };
        // The events' names come last.
        params.push(event_names(events));
        let ctes = format!(
            "u AS (UPDATE invoices AS i SET {set}, version = i.version + 1, updated_at = now()
                   WHERE {matches} RETURNING i.*),
             {outbox}",
            outbox = outbox("u", None, &format!("${}::text[]", params.len()))
        );
        self.write(&ctes, "u", &params)
    }

    fn locate(&self, id: &str) -> Result<Option<Located>, Fault> {
        let rows = query(
            &self.conn,
            "SELECT owner_id::text, deleted_at IS NOT NULL FROM invoices WHERE id = $1::text::uuid",
            &[id.to_owned().into()],
        )?;
        rows.first()
            .map(|row| {
                Ok(Located {
                    owner: text(row.first())?,
                    deleted: matches!(row.get(1), Some(DbValue::Boolean(true))),
                })
            })
            .transpose()
    }

    fn settled(&self, payment_ref: &str) -> Result<Option<Settled>, Fault> {
        let rows = query(
            &self.conn,
            "SELECT p.owner_id::text, p.id::text, i.status, p.amount, p.overpaid
             FROM payments p JOIN invoices i ON i.id = p.invoice_id
             WHERE p.provider_payment_ref = $1",
            &[payment_ref.to_owned().into()],
        )?;
        rows.first()
            .map(|row| {
                let status = text(row.get(2))?;
                Ok(Settled {
                    owner: text(row.first())?,
                    payment_id: text(row.get(1))?,
                    invoice_status: Status::parse(&status)
                        .ok_or_else(|| format!("unknown status {status}"))?,
                    amount: int(row.get(3))?,
                    overpaid: int(row.get(4))?,
                })
            })
            .transpose()
    }

    fn replay(&self, owner: &str, key: &str) -> Result<Option<(String, String)>, Fault> {
        keys::replay(&self.conn, "idempotency_keys", "invoice_id", owner, key)
    }
}

impl PgInvoices {
    /// The payment row, the invoice's paid amounts and status, the idempotency key and
    /// the events, in one statement.
    fn pay(
        &self,
        mut params: Vec<ParameterValue>,
        matches: &str,
        payment: &NewPayment,
        status: Status,
        events: &[EventType],
        key: Option<&IdempotencyKey>,
    ) -> Result<Option<Invoice>, Fault> {
        params.extend([
            ParameterValue::Int64(payment.amount),
            status.as_str().to_owned().into(),
            format_date(payment.paid_on).into(),
            text_or_null(payment.method.as_deref()),
            text_or_null(payment.reference.as_deref()),
        ]);
        params.extend(keys::params(key));
        params.extend([
            ParameterValue::Int64(payment.overpaid),
            payment.source.name().to_owned().into(),
            text_or_null(payment.source.payment_ref()),
            event_names(events),
        ]);
        // $4 amount, $5 status, $6 paid on, $7 method, $8 reference, $9 key, $10 hash,
        // $11 overpaid, $12 source, $13 provider reference, $14 event names.
        let ctes = format!(
            "u AS (UPDATE invoices AS i SET amount_paid = i.amount_paid + $4::bigint - $11::bigint,
                     amount_overpaid = i.amount_overpaid + $11::bigint,
                     status = $5::text,
                     paid_at = CASE WHEN $5::text = 'paid' THEN coalesce(i.paid_at, now()) ELSE i.paid_at END,
                     version = i.version + 1, updated_at = now()
                   WHERE {matches} RETURNING i.*),
             p AS (INSERT INTO payments (invoice_id, owner_id, amount, overpaid, paid_on, method,
                                         reference, source, provider_payment_ref)
                   SELECT u.id, u.owner_id, $4::bigint, $11::bigint, $6::text::date, $7::text,
                          $8::text, $12::text, $13::text FROM u
                   RETURNING *),
             {keyed},
             {outbox}",
            keyed = key_cte(9),
            outbox = outbox(
                "u LEFT JOIN p ON true",
                Some(&added("payment.recorded", "payment", PAYMENT)),
                "$14::text[]"
            )
        );
        self.reread(self.write(&ctes, "u", &params)?, &params)
    }

    /// The credit note under the owner's next credit-note number, the invoice's credited
    /// amount and status, the idempotency key and the events, in one statement: a
    /// refused statement takes no number, so the series stays gapless.
    fn credit(
        &self,
        mut params: Vec<ParameterValue>,
        matches: &str,
        note: &NewCreditNote,
        status: Status,
        events: &[EventType],
        key: Option<&IdempotencyKey>,
    ) -> Result<Option<Invoice>, Fault> {
        let (kind, value) = discount_columns(note.discount);
        params.extend([
            ParameterValue::Int64(note.totals.total),
            status.as_str().to_owned().into(),
            ParameterValue::Int64(i64::from(note.issue_date.year())),
            format_date(note.issue_date).into(),
            pg4::jsonb(&note.lines).map_err(|e| format!("lines: {e}"))?,
            text_or_null(kind),
            value,
            ParameterValue::Int64(note.totals.subtotal),
            ParameterValue::Int64(note.totals.discount),
            ParameterValue::Int64(note.totals.tax),
            text_or_null(note.reason.as_deref()),
        ]);
        params.extend(keys::params(key));
        params.push(event_names(events));
        // $4 total, $5 status, $6 year, $7 issue date, $8 lines, $9 discount kind,
        // $10 discount value, $11 subtotal, $12 discount, $13 tax, $14 reason, $15 key,
        // $16 hash, $17 event names.
        let ctes = format!(
            "u AS (UPDATE invoices AS i SET amount_credited = i.amount_credited + $4::bigint,
                     status = $5::text, version = i.version + 1, updated_at = now()
                   WHERE {matches} RETURNING i.*),
             n AS (INSERT INTO credit_note_counters AS n (owner_id, year, last)
                   SELECT u.owner_id, $6::bigint::int, 1 FROM u
                   ON CONFLICT (owner_id, year) DO UPDATE SET last = n.last + 1
                   RETURNING last),
             c AS (INSERT INTO credit_notes (invoice_id, owner_id, number_year, number_seq,
                                             issue_date, currency, lines, discount_kind,
                                             discount_value, subtotal, discount_amount, tax,
                                             total, reason)
                   SELECT u.id, u.owner_id, $6::bigint::int, n.last, $7::text::date, u.currency,
                          $8::jsonb, $9::text, $10::bigint, $11::bigint, $12::bigint,
                          $13::bigint, $4::bigint, $14::text FROM u, n
                   RETURNING *),
             {keyed},
             {outbox}",
            keyed = key_cte(15),
            outbox = outbox(
                "u LEFT JOIN c ON true",
                Some(&added("credit_note.issued", "credit_note", CREDIT_NOTE)),
                "$17::text[]"
            )
        );
        self.reread(self.write(&ctes, "u", &params)?, &params)
    }

    /// The refund row, the invoice's refunded amount, the idempotency key and the event,
    /// in one statement.
    fn refund(
        &self,
        mut params: Vec<ParameterValue>,
        matches: &str,
        refund: &NewRefund,
        events: &[EventType],
        key: Option<&IdempotencyKey>,
    ) -> Result<Option<Invoice>, Fault> {
        params.extend([
            ParameterValue::Int64(refund.amount),
            refund.credit_note_id.clone().into(),
            format_date(refund.refunded_on).into(),
            text_or_null(refund.method.as_deref()),
            text_or_null(refund.reference.as_deref()),
        ]);
        params.extend(keys::params(key));
        params.push(event_names(events));
        // $4 amount, $5 credit note, $6 refunded on, $7 method, $8 reference, $9 key,
        // $10 hash, $11 event names.
        let ctes = format!(
            "u AS (UPDATE invoices AS i SET amount_refunded = i.amount_refunded + $4::bigint,
                     version = i.version + 1, updated_at = now()
                   WHERE {matches} RETURNING i.*),
             r AS (INSERT INTO credit_note_refunds (credit_note_id, invoice_id, owner_id, amount,
                                                    refunded_on, method, reference)
                   SELECT $5::text::uuid, u.id, u.owner_id, $4::bigint, $6::text::date,
                          $7::text, $8::text FROM u
                   RETURNING *),
             {keyed},
             {outbox}",
            keyed = key_cte(9),
            outbox = outbox(
                "u LEFT JOIN r ON true",
                Some(&added("refund.recorded", "refund", REFUND)),
                "$11::text[]"
            )
        );
        self.reread(self.write(&ctes, "u", &params)?, &params)
    }

    /// The invoice a statement changed, read again so that what the statement added
    /// beside it (a payment, a credit note) is in its lists: a statement's own reads see
    /// the rows as they were before it.
    fn reread(
        &self,
        changed: Option<Invoice>,
        params: &[ParameterValue],
    ) -> Result<Option<Invoice>, Fault> {
        match changed {
            Some(invoice) => {
                let owner = match params.first() {
                    Some(ParameterValue::Str(owner)) => owner.clone(),
                    _ => return Err("owner parameter missing".into()),
                };
                self.get(&owner, &invoice.id)
            }
            None => Ok(None),
        }
    }

    /// Runs a write whose CTEs end in the outbox insert `o` and whose changed invoice is
    /// the CTE `changed`; publishes the events it wrote and returns the invoice as the
    /// statement left it (`None` when it matched no invoice).
    fn write(
        &self,
        ctes: &str,
        changed: &str,
        params: &[ParameterValue],
    ) -> Result<Option<Invoice>, Fault> {
        let (ctes, params) = traceparent(ctes, params);
        let rows = query_with(
            &self.conn,
            &ctes,
            &format!("SELECT {COLUMNS}, {ENVELOPES} FROM {changed} i"),
            &params,
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let written = invoice(row)?;
        match optional(row.get(COLUMN_COUNT)) {
            Ok(Some(envelopes)) => fin_spin_edge::nudge::publish_all(&envelopes),
            Ok(None) => fin_log::warn!("billing", "a change to {} wrote no events", written.id),
            Err(e) => fin_log::warn!("billing", "cannot read the events just written: {e}"),
        }
        Ok(Some(written))
    }
}

/// An invoice from a row that read [`COLUMNS`]; public for the page benchmark, which
/// feeds it rows as Postgres sends them.
pub fn invoice(row: &[DbValue]) -> Result<Invoice, String> {
    let date = |i: usize| -> Result<Date, String> { parse_date(&text(row.get(i))?) };
    let lines: Vec<LineItem> =
        serde_json::from_str(&text(row.get(8))?).map_err(|e| format!("decode lines: {e}"))?;
    let discount_kind = optional(row.get(9))?;
    let discount_value = discount_kind
        .as_ref()
        .map(|_| int(row.get(10)))
        .transpose()?;
    let discount = Discount::from_columns(discount_kind.as_deref(), discount_value)?;
    let currency = optional(row.get(7))?
        .map(|c| Currency::parse(&c))
        .transpose()?;
    let fields = InvoiceFields {
        client_id: text(row.get(4))?,
        issue_date: date(5)?,
        due_date: date(6)?,
        currency,
        lines,
        discount,
        notes: optional(row.get(11))?,
    };
    // Per line and per rate is derived from the stored lines; the sums are as stored.
    let derived = fields
        .totals()
        .map_err(|e| format!("stored lines do not add up: {e:?}"))?;
    let status = text(row.get(3))?;
    let status = Status::parse(&status).ok_or_else(|| format!("unknown status {status}"))?;
    let payments: Vec<Payment> =
        serde_json::from_str(&text(row.get(18))?).map_err(|e| format!("decode payments: {e}"))?;
    Ok(Invoice {
        id: text(row.first())?,
        year: int(row.get(1))?
            .try_into()
            .map_err(|_| "year out of range")?,
        sequence: int(row.get(2))?,
        status,
        totals: Totals {
            line_nets: derived.line_nets,
            subtotal: int(row.get(12))?,
            discount: int(row.get(13))?,
            taxes: derived.taxes,
            tax: int(row.get(14))?,
            total: int(row.get(15))?,
        },
        fields,
        amount_paid: int(row.get(16))?,
        version: int(row.get(17))?,
        payments,
        sent_at: optional(row.get(19))?,
        paid_at: optional(row.get(20))?,
        voided_at: optional(row.get(21))?,
        created_at: text(row.get(22))?,
        updated_at: text(row.get(23))?,
        amount_overpaid: int(row.get(24))?,
        seller: json_column(row.get(25), "seller")?,
        buyer: json_column(row.get(26), "buyer")?,
        amount_credited: int(row.get(27))?,
        credit_notes: serde_json::from_str::<Vec<CreditNote>>(&text(row.get(28))?)
            .map_err(|e| format!("decode credit notes: {e}"))?,
        amount_refunded: int(row.get(29))?,
    })
}

/// A nullable `jsonb` column read as `::text`, decoded into `T`.
fn json_column<T: serde::de::DeserializeOwned>(
    value: Option<&DbValue>,
    name: &str,
) -> Result<Option<T>, String> {
    optional(value)?
        .map(|text| serde_json::from_str(&text).map_err(|e| format!("decode {name}: {e}")))
        .transpose()
}
