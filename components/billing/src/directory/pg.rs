//! The clients context's `client_directory` view (V20), read on billing's connection.

use fin_spin_edge::pg::{query, text};
use fin_spin_edge::Fault;
use spin_sdk::pg4::Connection;

use crate::error::BillingError;
use crate::service::{ClientDirectory, ClientLookup};

use super::ClientView;

pub struct PgDirectory<'a> {
    pub(super) conn: &'a Connection,
    /// Only the caller's own clients are found: another user's id reads as missing.
    pub(super) owner: &'a str,
}

impl ClientDirectory for PgDirectory<'_> {
    fn lookup(&self, client_id: &str) -> Result<ClientLookup, BillingError> {
        let rows = query(
            self.conn,
            "SELECT to_jsonb(d)::text FROM client_directory d
             WHERE d.owner_id = $1::text::uuid AND d.id = $2::text::uuid",
            &[self.owner.to_owned().into(), client_id.to_owned().into()],
        )?;
        let Some(row) = rows.first() else {
            return Ok(ClientLookup::Missing);
        };
        let json = text(row.first()).map_err(Fault::from)?;
        let view: ClientView = serde_json::from_str(&json)
            .map_err(|e| Fault::from(format!("unreadable client directory row: {e}")))?;
        Ok(view.into())
    }
}
