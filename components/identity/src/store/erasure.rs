//! The erasure in Postgres: one call of identity's `identity_erase_account` (V31), which
//! calls each context's published erase function and then deletes the user.

use fin_problem::Fault;
use fin_spin_edge::pg::query;

use super::account::ended_if_any;
use super::PgIdentity;
use crate::account::Ended;
use crate::erasure::ErasureStore;

impl ErasureStore for PgIdentity {
    fn erase(&self, user_id: &str, version: i32) -> Result<Option<Vec<Ended>>, Fault> {
        if uuid::Uuid::parse_str(user_id).is_err() {
            return Ok(None);
        }
        let rows = query(
            &self.conn,
            "SELECT user_id, token_id, expires_at
             FROM identity_erase_account($1::text::uuid, $2::int)",
            &[user_id.to_owned().into(), version.into()],
        )?;
        ended_if_any(&rows)
    }
}
