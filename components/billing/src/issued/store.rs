//! Issued invoices as the sharing context may see them, in Postgres.

use fin_seller::BusinessProfile;
use fin_spin_edge::pg::{binary, optional_text as optional, query, text};
use fin_spin_edge::Fault;
use spin_sdk::pg4::Connection;

use crate::invoice::Invoice;
use crate::store::{invoice as read_invoice, COLUMNS, COLUMN_COUNT};

/// An issued invoice, and the business profile to name its seller with when it froze none.
pub struct Issued {
    pub invoice: Invoice,
    pub profile: Option<BusinessProfile>,
}

/// Sent (or paid, overdue, void), not deleted: what a link may show.
const ISSUED: &str = "i.owner_id = $1::text::uuid AND i.id = $2::text::uuid
                      AND i.deleted_at IS NULL AND i.status <> 'draft'";

pub fn invoice(conn: &Connection, owner: &str, id: &str) -> Result<Option<Issued>, Fault> {
    // The seller as the profile context publishes it now: for an invoice that froze none.
    let sql = format!(
        "SELECT {COLUMNS}, (SELECT d.seller FROM seller_directory d WHERE d.owner_id = i.owner_id)::text
         FROM invoices i WHERE {ISSUED}"
    );
    let rows = query(conn, &sql, &[owner.to_owned().into(), id.to_owned().into()])?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let profile = optional(row.get(COLUMN_COUNT))?
        .map(|json| serde_json::from_str(&json).map_err(|e| format!("decode profile: {e}")))
        .transpose()?;
    Ok(Some(Issued {
        invoice: read_invoice(row)?,
        profile,
    }))
}

/// The logo of the seller the invoice names (frozen, or the profile's when it froze
/// none): its type and bytes.
pub fn logo(conn: &Connection, owner: &str, id: &str) -> Result<Option<(String, Vec<u8>)>, Fault> {
    let sql = format!(
        "SELECT l.content_type, l.bytes
         FROM invoices i
         LEFT JOIN seller_directory d ON d.owner_id = i.owner_id
         JOIN seller_logos l ON l.owner_id = i.owner_id
          AND l.sha256 = coalesce(i.seller, d.seller)->'logo'->>'sha256'
         WHERE {ISSUED}"
    );
    let rows = query(conn, &sql, &[owner.to_owned().into(), id.to_owned().into()])?;
    rows.first()
        .map(|row| Ok((text(row.first())?, binary(row.get(1))?)))
        .transpose()
}
