//! Share links in Postgres. Making one checks, in the same statement, everything a link
//! needs: the caller's invoice, sent, with a seller to name, and room under the limit.

use fin_seller::BusinessProfile;
use fin_spin_edge::pg::{binary, optional_text as optional, query, query_with, text};
use fin_spin_edge::{rfc3339, Fault};
use spin_sdk::pg4::{Connection, DbValue, ParameterValue};

use super::domain::{ShareLink, MAX_ACTIVE};
use crate::invoice::Invoice;
use crate::store::{invoice, COLUMNS, COLUMN_COUNT};

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

/// What asking for a new link came to.
#[derive(Debug)]
pub enum Created {
    Link(ShareLink),
    /// Not the caller's invoice, or no such one.
    NoInvoice,
    /// A draft is not issued: nothing to show a client yet.
    Draft,
    /// Sent before any business profile existed, and there is none now: the page would
    /// name no seller.
    NoSeller,
    /// [`MAX_ACTIVE`] links already work.
    TooMany,
}

pub fn create(
    conn: &Connection,
    owner: &str,
    invoice_id: &str,
    digest: &str,
    days: i64,
) -> Result<Created, Fault> {
    let ctes = "inv AS (
           SELECT i.id, i.status,
                  i.seller IS NOT NULL OR EXISTS (
                    SELECT 1 FROM seller_directory d WHERE d.owner_id = i.owner_id) AS has_seller
           FROM invoices i
           WHERE i.owner_id = $1::text::uuid AND i.id = $2::text::uuid AND i.deleted_at IS NULL
           FOR UPDATE OF i),
         active AS (
           SELECT count(*) AS n FROM share_links s JOIN inv ON s.invoice_id = inv.id
           WHERE s.revoked_at IS NULL AND s.expires_at > now()),
         s AS (
           INSERT INTO share_links (owner_id, invoice_id, token_hash, expires_at)
           SELECT $1::text::uuid, inv.id, $3, now() + make_interval(days => $4::bigint::int)
           FROM inv, active
           WHERE inv.status <> 'draft' AND inv.has_seller AND active.n < $5
           RETURNING *)";
    let sql = format!(
        "SELECT (SELECT status FROM inv), (SELECT has_seller FROM inv), (SELECT n FROM active),
                {LINK}
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
    let status = optional(row.first())?;
    Ok(match status.as_deref() {
        None => Created::NoInvoice,
        Some("draft") => Created::Draft,
        Some(_) if !matches!(row.get(1), Some(DbValue::Boolean(true))) => Created::NoSeller,
        Some(_) => match optional(row.get(3))? {
            Some(_) => Created::Link(link(&row[3..])?),
            None => Created::TooMany,
        },
    })
}

/// The invoice's links, newest first; `None` when the invoice is not the caller's.
pub fn list(
    conn: &Connection,
    owner: &str,
    invoice_id: &str,
) -> Result<Option<Vec<ShareLink>>, Fault> {
    let sql = format!(
        "SELECT i.id::text, {LINK}
         FROM invoices i LEFT JOIN share_links s ON s.invoice_id = i.id
         WHERE i.owner_id = $1::text::uuid AND i.id = $2::text::uuid AND i.deleted_at IS NULL
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

/// What a link opens, if it opens anything: a sent invoice, the business profile to name
/// its seller with when it froze none, and when the link expires.
pub struct Opened {
    pub invoice: Invoice,
    pub profile: Option<BusinessProfile>,
    pub expires_at: String,
    /// Whose invoice it is: the payments context asks for their Stripe connection.
    pub owner_id: String,
}

pub fn open(conn: &Connection, digest: &str) -> Result<Option<Opened>, Fault> {
    // The seller as the profile context publishes it now: for an invoice that froze none.
    let sql = format!(
        "SELECT {COLUMNS}, (SELECT d.seller FROM seller_directory d WHERE d.owner_id = i.owner_id)::text,
                {expires}, i.owner_id::text
         FROM share_links s JOIN invoices i ON i.id = s.invoice_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
           AND i.deleted_at IS NULL AND i.status <> 'draft'",
        expires = rfc3339!("s.expires_at")
    );
    let rows = query(conn, &sql, &[digest.to_owned().into()])?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let at = COLUMN_COUNT;
    let profile = optional(row.get(at))?
        .map(|json| serde_json::from_str(&json).map_err(|e| format!("decode profile: {e}")))
        .transpose()?;
    Ok(Some(Opened {
        invoice: invoice(row)?,
        profile,
        expires_at: text(row.get(at + 1))?,
        owner_id: text(row.get(at + 2))?,
    }))
}

/// The logo of the seller a link's invoice names (frozen, or the profile's when it froze
/// none): its type and bytes.
pub fn open_logo(conn: &Connection, digest: &str) -> Result<Option<(String, Vec<u8>)>, Fault> {
    let rows = query(
        conn,
        "SELECT l.content_type, l.bytes
         FROM share_links s JOIN invoices i ON i.id = s.invoice_id
         LEFT JOIN seller_directory d ON d.owner_id = i.owner_id
         JOIN seller_logos l ON l.owner_id = i.owner_id
          AND l.sha256 = coalesce(i.seller, d.seller)->'logo'->>'sha256'
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
           AND i.deleted_at IS NULL AND i.status <> 'draft'",
        &[digest.to_owned().into()],
    )?;
    rows.first()
        .map(|row| Ok((text(row.first())?, binary(row.get(1))?)))
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
