//! Idempotency keys as every context's store keeps them: per owner, beside what the
//! request made, inserted in the statement that makes it — so two requests racing with
//! one key make one thing, and the loser's unique violation sends it to replay the
//! winner's.

use fin_idempotency::IdempotencyKey;
use fin_problem::Fault;
use spin_sdk::pg4::{Connection, ParameterValue};

use super::{query, text, text_or_null};

/// The key and its request's digest as a statement's two parameters (NULLs without a
/// key), in the order [`cte`] reads them.
pub fn params(key: Option<&IdempotencyKey>) -> [ParameterValue; 2] {
    [
        text_or_null(key.map(|k| k.key.as_str())),
        text_or_null(key.map(|k| k.request_hash.as_str())),
    ]
}

/// The CTE `name` keeping the key at `$at` (and its digest at the next parameter) in
/// `table`, pointing at the row the CTE `made` returns (its `owner_id` and `id`) in the
/// column `made_column`; it keeps nothing without a key.
pub fn cte(name: &str, table: &str, made_column: &str, made: &str, at: usize) -> String {
    format!(
        "{name} AS (INSERT INTO {table} (owner_id, key, request_hash, {made_column})
               SELECT m.owner_id, ${at}::text, ${}::text, m.id FROM {made} m
               WHERE ${at}::text IS NOT NULL)",
        at + 1
    )
}

/// The id `key` made for `owner`, as `table` keeps it in `made_column`, with the digest
/// of the request it came with; `None` if the key is new.
pub fn replay(
    conn: &Connection,
    table: &str,
    made_column: &str,
    owner: &str,
    key: &str,
) -> Result<Option<(String, String)>, Fault> {
    let rows = query(
        conn,
        &format!(
            "SELECT {made_column}::text, request_hash FROM {table}
             WHERE owner_id = $1::text::uuid AND key = $2"
        ),
        &[owner.to_owned().into(), key.to_owned().into()],
    )?;
    rows.first()
        .map(|row| Ok((text(row.first())?, text(row.get(1))?)))
        .transpose()
        .map_err(Fault::Internal)
}
