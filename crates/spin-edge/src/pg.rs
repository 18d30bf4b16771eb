//! Postgres through Spin's `pg4` binding.

pub mod keys;

use fin_problem::Fault;
use spin_sdk::pg4::{Connection, DbValue, Decode, ParameterValue, PgError as Error, QueryError};

/// SQL that renders a `timestamptz` column as RFC 3339 text in UTC, seconds precision:
/// `rfc3339!("i.created_at")`. A macro so it joins other literals in `concat!`.
#[macro_export]
macro_rules! rfc3339 {
    ($col:literal) => {
        concat!(
            "to_char(",
            $col,
            " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        )
    };
}

/// Opens a connection (from Spin's pool). A server that cannot be reached is an outage.
pub fn connect(url: &str) -> Result<Connection, Fault> {
    Connection::open(url).map_err(fault)
}

/// The database `db_url` names, which every context's store opens: an outage is a 503, a
/// missing variable a 500.
pub fn database(context: &str) -> Result<Connection, fin_problem::Problem> {
    let url: String = crate::config::get("db_url")?;
    connect(&url).map_err(|fault| fault.into_problem(context))
}

/// SQLSTATE classes and codes that mean "the database is not there right now":
/// connection exceptions, shutdowns, too many connections, a server starting up.
const OUTAGE_STATES: [&str; 6] = ["08", "57P01", "57P02", "57P03", "53300", "53400"];

/// The SQLSTATE class of data exceptions: a value that cannot be stored or read as its
/// type (`22021` a NUL in text, `22P05` one in `jsonb`, `22003` out of range, `22P02`
/// not a number or uuid). Our statements only meet the caller's values there.
const DATA_EXCEPTION: &str = "22";

/// What a `pg4` error means for the caller: a database that cannot be reached (refused,
/// reset, shutting down, out of connections) is an outage — 503, retry —, a value it
/// refuses the caller's (422), and anything else (a statement we got wrong, a value that
/// does not decode) a defect.
pub fn fault(err: Error) -> Fault {
    if let Error::QueryFailed(QueryError::DbError(db)) = &err {
        if db.code.starts_with(DATA_EXCEPTION) {
            return Fault::Refused(first_line(&err));
        }
    }
    let outage = match &err {
        Error::ConnectionFailed(_) => true,
        Error::QueryFailed(QueryError::DbError(db)) => {
            OUTAGE_STATES.iter().any(|state| db.code.starts_with(state))
        }
        // The connection died under the statement (reset, closed, timed out).
        Error::QueryFailed(QueryError::Text(text)) | Error::Other(text) => {
            let text = text.to_ascii_lowercase();
            [
                "connection",
                "closed",
                "reset",
                "broken pipe",
                "timed out",
                "communicating",
            ]
            .iter()
            .any(|sign| text.contains(sign))
        }
        Error::BadParameter(_) | Error::ValueConversionFailed(_) => false,
    };
    let reason = format!("postgres: {}", first_line(&err));
    if outage {
        Fault::Unavailable(reason)
    } else {
        Fault::Internal(reason)
    }
}

/// The error without the backtrace Spin appends to the host's message.
fn first_line(err: &Error) -> String {
    let text = match err {
        Error::QueryFailed(QueryError::DbError(db)) => {
            return format!("{} ({}): {}", db.severity, db.code, db.message)
        }
        Error::ConnectionFailed(text)
        | Error::BadParameter(text)
        | Error::ValueConversionFailed(text)
        | Error::Other(text)
        | Error::QueryFailed(QueryError::Text(text)) => text,
    };
    text.split("\n\n").next().unwrap_or_default().to_owned()
}

/// Runs a `SELECT`, or an `INSERT`/`UPDATE`/`DELETE … RETURNING`, and returns its rows in
/// order — zero rows included.
///
/// Spin 4.0.0–4.0.2 never return from a synchronous `query` that matches no rows
/// (spinframework/spin#3671, fixed upstream by #3673 after 4.0.2). Until every host we
/// run on has the fix, the statement runs as a CTE joined to a one-row guard, so Postgres
/// always sends a row; a `found` marker tells real rows from the guard's row of NULLs,
/// and a position column keeps the statement's order. Use this for every statement that
/// returns rows; `Connection::execute` is unaffected.
///
/// Failures are [`fault`]s: outages apart from defects.
pub fn query(
    conn: &Connection,
    sql: &str,
    params: &[ParameterValue],
) -> Result<Vec<Vec<DbValue>>, Fault> {
    query_with(conn, "", sql, params)
}

/// [`query`] for a statement that needs common table expressions of its own, such as
/// data-modifying ones (`n AS (INSERT … RETURNING …)`), which Postgres allows only at the
/// top level: `ctes` is the list after `WITH`, `sql` the statement that reads them.
pub fn query_with(
    conn: &Connection,
    ctes: &str,
    sql: &str,
    params: &[ParameterValue],
) -> Result<Vec<Vec<DbValue>>, Fault> {
    let ctes = if ctes.is_empty() {
        String::new()
    } else {
        format!("{ctes}, ")
    };
    let guarded = format!(
        "WITH {ctes}q AS ({sql}) \
         SELECT t.* FROM (SELECT 1) AS guard \
         LEFT JOIN (SELECT true AS found, row_number() OVER () AS pos, q.* FROM q) AS t ON true \
         ORDER BY t.pos"
    );
    let rows = conn.query(&guarded, params).map_err(fault)?;
    Ok(rows
        .rows
        .into_iter()
        .filter(|row| matches!(row.first(), Some(DbValue::Boolean(true))))
        .map(|mut row| row.split_off(2))
        .collect())
}

/// An integer column of any width that must not be NULL.
pub fn int(value: Option<&DbValue>) -> Result<i64, String> {
    match value {
        Some(DbValue::Int16(v)) => Ok(i64::from(*v)),
        Some(DbValue::Int32(v)) => Ok(i64::from(*v)),
        Some(DbValue::Int64(v)) => Ok(*v),
        other => Err(format!("expected an integer, got {other:?}")),
    }
}

/// A nullable text parameter.
pub fn text_or_null(value: Option<&str>) -> ParameterValue {
    value.map_or(ParameterValue::DbNull, |v| {
        ParameterValue::Str(v.to_owned())
    })
}

/// A text column that may be NULL. A missing column is an error, not a panic.
pub fn optional_text(value: Option<&DbValue>) -> Result<Option<String>, String> {
    let value = value.ok_or_else(|| "missing column".to_owned())?;
    Option::<String>::decode(value).map_err(|e| format!("decode: {e}"))
}

/// A text column that must not be NULL.
pub fn text(value: Option<&DbValue>) -> Result<String, String> {
    optional_text(value)?.ok_or_else(|| "unexpected NULL".to_owned())
}

/// A `LIKE` pattern matching `text` anywhere, its wildcards (and the escape) taken
/// literally: what a list's `q` searches for.
pub fn contains_pattern(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// A `bytea` column that must not be NULL.
pub fn binary(value: Option<&DbValue>) -> Result<Vec<u8>, String> {
    match value {
        Some(DbValue::Binary(bytes)) => Ok(bytes.clone()),
        other => Err(format!("expected bytes, got {other:?}")),
    }
}

/// A statement that returns no rows (Spin's `execute` has no zero-row issue).
/// The number in the first column of the first row — a `SELECT count(*) FROM <cte>`
/// after a statement's data-modifying CTEs — or 0 when there is no row.
pub fn first_count(rows: &[Vec<DbValue>]) -> Result<i64, Fault> {
    Ok(rows
        .first()
        .map(|row| int(row.first()))
        .transpose()?
        .unwrap_or(0))
}

pub fn execute(conn: &Connection, sql: &str, params: &[ParameterValue]) -> Result<u64, Fault> {
    conn.execute(sql, params).map_err(fault)
}

#[cfg(test)]
mod tests {
    use super::*;
    use spin_sdk::pg4::DbError;

    #[test]
    fn search_wildcards_are_literal() {
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    fn db_error(code: &str) -> Error {
        Error::QueryFailed(QueryError::DbError(DbError {
            as_text: String::new(),
            severity: "ERROR".into(),
            code: code.into(),
            message: "m".into(),
            detail: None,
            extras: Vec::new(),
        }))
    }

    #[test]
    fn the_callers_data_is_refused_an_outage_unavailable_and_the_rest_a_defect() {
        for code in ["22021", "22P05", "22003", "22P02"] {
            assert!(matches!(fault(db_error(code)), Fault::Refused(_)), "{code}");
        }
        for code in ["08006", "57P01", "53300"] {
            assert!(fault(db_error(code)).is_unavailable(), "{code}");
        }
        for code in ["42601", "23505", "40001"] {
            assert!(
                matches!(fault(db_error(code)), Fault::Internal(_)),
                "{code}"
            );
        }
        assert!(fault(Error::ConnectionFailed("refused".into())).is_unavailable());
    }
}
