//! Users in Postgres, through Spin's `pg4` binding.

use fin_spin_edge::pg::{self, query};
use spin_sdk::pg4::{Connection, DbValue};

use crate::domain::User;
use crate::service::{StoreError, UserStore};

/// The columns of [`User`], timestamps as RFC 3339 UTC text.
const USER_COLUMNS: &str =
    "id::text, email, name, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

pub struct PgUsers {
    conn: Connection,
}

impl PgUsers {
    pub fn open(url: &str) -> Result<Self, StoreError> {
        pg::connect(url)
            .map(|conn| Self { conn })
            .map_err(StoreError::Other)
    }
}

impl UserStore for PgUsers {
    fn insert(&self, email: &str, name: &str, password_hash: &str) -> Result<User, StoreError> {
        // ON CONFLICT rather than catching the unique violation: Spin 4.0.2 flattens
        // Postgres errors to text, and a concurrent twin simply waits and inserts nothing.
        let sql = format!(
            "INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
             ON CONFLICT (email) DO NOTHING
             RETURNING {USER_COLUMNS}"
        );
        let params = [
            email.to_owned().into(),
            name.to_owned().into(),
            password_hash.to_owned().into(),
        ];
        let rows = query(&self.conn, &sql, &params).map_err(StoreError::Other)?;
        first_user(&rows)?.ok_or(StoreError::Duplicate)
    }

    fn credentials(&self, email: &str) -> Result<Option<(String, String)>, StoreError> {
        let rows = query(
            &self.conn,
            "SELECT id::text, password_hash FROM users WHERE email = $1",
            &[email.to_owned().into()],
        )
        .map_err(StoreError::Other)?;
        rows.first()
            .map(|row| Ok((text(row.first())?, text(row.get(1))?)))
            .transpose()
    }

    fn find(&self, id: &str) -> Result<Option<User>, StoreError> {
        // The id comes from a verified token, but compare as text so a malformed one is
        // simply "not found" rather than a cast error.
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id::text = $1");
        let rows = query(&self.conn, &sql, &[id.to_owned().into()]).map_err(StoreError::Other)?;
        first_user(&rows)
    }
}

fn first_user(rows: &[Vec<DbValue>]) -> Result<Option<User>, StoreError> {
    rows.first()
        .map(|row| {
            Ok(User {
                id: text(row.first())?,
                email: text(row.get(1))?,
                name: text(row.get(2))?,
                created_at: text(row.get(3))?,
            })
        })
        .transpose()
}

fn text(value: Option<&DbValue>) -> Result<String, StoreError> {
    pg::text(value).map_err(|e| StoreError::Other(e.into()))
}
