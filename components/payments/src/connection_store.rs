//! The Stripe connections in Postgres (`stripe_connections`, V15).

use fin_spin_edge::pg::{connect, execute, query, text};
use fin_spin_edge::{rfc3339, Fault};
use spin_sdk::pg4::{Connection, DbValue, ParameterValue};

use crate::connection::{ConnectionStore, Stored};
use crate::stripe::SecretKey;

pub struct PgConnections {
    conn: Connection,
}

impl PgConnections {
    /// The connection, for reading identity's `account_standing` on the same one.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn open(url: &str) -> Result<Self, Fault> {
        connect(url).map(|conn| Self { conn })
    }
}

const COLUMNS: &str = concat!(
    "sealed_key, key_id, livemode, key_last4, ",
    rfc3339!("connected_at")
);

fn stored(row: &[DbValue]) -> Result<Stored, String> {
    let sealed = match row.first() {
        Some(DbValue::Binary(bytes)) => bytes.clone(),
        other => return Err(format!("expected bytes, got {other:?}")),
    };
    let livemode = match row.get(2) {
        Some(DbValue::Boolean(b)) => *b,
        other => return Err(format!("expected a boolean, got {other:?}")),
    };
    Ok(Stored {
        sealed,
        key_id: text(row.get(1))?,
        livemode,
        key_last4: text(row.get(3))?,
        connected_at: text(row.get(4))?,
    })
}

impl ConnectionStore for PgConnections {
    fn save(
        &self,
        owner: &str,
        sealed: &[u8],
        key_id: &str,
        key: &SecretKey,
    ) -> Result<Stored, Fault> {
        let rows = query(
            &self.conn,
            &format!(
                "INSERT INTO stripe_connections (owner_id, sealed_key, key_id, livemode, key_last4)
                 VALUES ($1::text::uuid, $2, $3, $4, $5)
                 ON CONFLICT (owner_id) DO UPDATE SET sealed_key = EXCLUDED.sealed_key,
                     key_id = EXCLUDED.key_id, livemode = EXCLUDED.livemode,
                     key_last4 = EXCLUDED.key_last4, connected_at = now()
                 RETURNING {COLUMNS}"
            ),
            &[
                owner.to_owned().into(),
                ParameterValue::Binary(sealed.to_vec()),
                key_id.to_owned().into(),
                ParameterValue::Boolean(key.livemode()),
                key.last4().to_owned().into(),
            ],
        )?;
        let row = rows
            .first()
            .ok_or_else(|| Fault::Internal("the connection was not stored".into()))?;
        Ok(stored(row)?)
    }

    fn find(&self, owner: &str) -> Result<Option<Stored>, Fault> {
        let rows = query(
            &self.conn,
            &format!("SELECT {COLUMNS} FROM stripe_connections WHERE owner_id = $1::text::uuid"),
            &[owner.to_owned().into()],
        )?;
        Ok(rows.first().map(|row| stored(row)).transpose()?)
    }

    fn delete(&self, owner: &str) -> Result<bool, Fault> {
        let deleted = execute(
            &self.conn,
            "DELETE FROM stripe_connections WHERE owner_id = $1::text::uuid",
            &[owner.to_owned().into()],
        )?;
        Ok(deleted > 0)
    }
}
