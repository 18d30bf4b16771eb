//! Share links in Postgres. Making one checks, in the same statement, everything a link
//! needs — the caller's invoice, issued, naming a seller (billing's `invoice_directory`
//! view says), and room under the limit — so nothing is written when one is missing.

use fin_spin_edge::pg::{optional_text as optional, query, query_with, text};
use fin_spin_edge::{rfc3339, Fault};
use spin_sdk::pg4::{Connection, DbValue, ParameterValue};

use crate::domain::{ShareLink, MAX_ACTIVE};
use crate::error::SharingError;

/// A link's columns, from `share_links` aliased `s`.
const LINK: &str = concat!(
    "s.id::text, s.invoice_id::text, ",
    "CASE WHEN s.revoked_at IS NOT NULL THEN 'revoked' ",
    "WHEN s.expires_at <= now() THEN 'expired' ELSE 'active' END, ",
    rfc3339!("s.created_at"),
    ", ",
    rfc3339!("s.expires_at"),
    ", ",
    rfc3339!("s.revoked_at")
);

/// The new link, or why there is none: no such invoice of the caller's, a draft, no
/// seller to name, too many links.
pub fn create(
    conn: &Connection,
    owner: &str,
    invoice_id: &str,
    digest: &str,
    days: i64,
) -> Result<ShareLink, SharingError> {
    // Concurrent creates for one invoice may each see room for one more: the limit keeps
    // a script from piling links up, it is not a count to the unit.
    let ctes = "inv AS (
           SELECT v.invoice_id AS id, v.issued, v.names_seller FROM invoice_directory v
           WHERE v.owner_id = $1::text::uuid AND v.invoice_id = $2::text::uuid),
         active AS (
           SELECT count(*) AS n FROM share_links s JOIN inv ON s.invoice_id = inv.id
           WHERE s.revoked_at IS NULL AND s.expires_at > now()),
         s AS (
           INSERT INTO share_links (owner_id, invoice_id, token_hash, expires_at)
           SELECT $1::text::uuid, inv.id, $3, now() + make_interval(days => $4::bigint::int)
           FROM inv, active
           WHERE inv.issued AND inv.names_seller AND active.n < $5
           RETURNING *)";
    let sql = format!(
        "SELECT (SELECT issued FROM inv), (SELECT names_seller FROM inv), {LINK}
         FROM (SELECT 1) AS one LEFT JOIN s ON true"
    );
    let params: [ParameterValue; 5] = [
        owner.to_owned().into(),
        invoice_id.to_owned().into(),
        digest.to_owned().into(),
        ParameterValue::Int64(days),
        ParameterValue::Int64(MAX_ACTIVE),
    ];
    let rows = query_with(conn, ctes, &sql, &params)?;
    let row = rows
        .first()
        .ok_or_else(|| Fault::from("share: no row".to_owned()))?;
    let yes = |i: usize| matches!(row.get(i), Some(DbValue::Boolean(true)));
    match row.first() {
        None | Some(DbValue::DbNull) => Err(SharingError::NoInvoice),
        Some(_) if !yes(0) => Err(SharingError::Draft),
        Some(_) if !yes(1) => Err(SharingError::NoSeller),
        Some(_) => match optional(row.get(2)).map_err(Fault::from)? {
            Some(_) => Ok(link(&row[2..])?),
            None => Err(SharingError::TooMany),
        },
    }
}

/// The invoice's links, newest first; `None` when the invoice is not the caller's.
pub fn list(
    conn: &Connection,
    owner: &str,
    invoice_id: &str,
) -> Result<Option<Vec<ShareLink>>, Fault> {
    let sql = format!(
        "SELECT v.invoice_id::text, {LINK}
         FROM invoice_directory v LEFT JOIN share_links s ON s.invoice_id = v.invoice_id
         WHERE v.owner_id = $1::text::uuid AND v.invoice_id = $2::text::uuid
         ORDER BY s.created_at DESC NULLS LAST, s.id"
    );
    let rows = query(
        conn,
        &sql,
        &[owner.to_owned().into(), invoice_id.to_owned().into()],
    )?;
    if rows.is_empty() {
        return Ok(None);
    }
    rows.iter()
        .filter(|row| !matches!(row.get(1), None | Some(DbValue::DbNull)))
        .map(|row| link(&row[1..]))
        .collect::<Result<_, _>>()
        .map(Some)
}

/// Revokes the link (once: a second revoke keeps the first time); `false` when it is not
/// one of the caller's invoice's links.
pub fn revoke(
    conn: &Connection,
    owner: &str,
    invoice_id: &str,
    link_id: &str,
) -> Result<bool, Fault> {
    let rows = query(
        conn,
        "UPDATE share_links SET revoked_at = coalesce(revoked_at, now())
         WHERE owner_id = $1::text::uuid AND invoice_id = $2::text::uuid AND id = $3::text::uuid
         RETURNING id",
        &[
            owner.to_owned().into(),
            invoice_id.to_owned().into(),
            link_id.to_owned().into(),
        ],
    )?;
    Ok(!rows.is_empty())
}

/// A link that works: whose invoice it opens, which, and until when.
pub struct Open {
    pub owner_id: String,
    pub invoice_id: String,
    pub expires_at: String,
}

/// The link whose token has this digest, if it still works.
pub fn open(conn: &Connection, digest: &str) -> Result<Option<Open>, Fault> {
    let sql = format!(
        "SELECT s.owner_id::text, s.invoice_id::text, {expires}
         FROM share_links s
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()",
        expires = rfc3339!("s.expires_at")
    );
    let rows = query(conn, &sql, &[digest.to_owned().into()])?;
    rows.first()
        .map(|row| {
            Ok(Open {
                owner_id: text(row.first())?,
                invoice_id: text(row.get(1))?,
                expires_at: text(row.get(2))?,
            })
        })
        .transpose()
}

fn link(row: &[DbValue]) -> Result<ShareLink, Fault> {
    let state = match text(row.get(2))?.as_str() {
        "revoked" => "revoked",
        "expired" => "expired",
        _ => "active",
    };
    Ok(ShareLink {
        id: text(row.first())?,
        invoice_id: text(row.get(1))?,
        url: None,
        state,
        created_at: text(row.get(3))?,
        expires_at: text(row.get(4))?,
        revoked_at: optional(row.get(5))?,
    })
}
