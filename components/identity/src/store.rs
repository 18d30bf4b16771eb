//! Users in Postgres, through Spin's `pg4` binding.

use fin_spin_edge::pg::select;
use spin_sdk::pg4::{self, Connection, DbValue, Decode};

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
        Connection::open(url)
            .map(|conn| Self { conn })
            .map_err(|e| StoreError::Other(format!("postgres connect: {e}")))
    }
}

impl UserStore for PgUsers {
    fn insert(&self, email: &str, name: &str, password_hash: &str) -> Result<User, StoreError> {
        // ON CONFLICT rather than catching the unique violation: Spin 4.0.2 flattens
        // Postgres errors to text, and a concurrent twin simply waits and inserts nothing.
        // The UNION keeps one row in the result either way (see `pg::select` for why).
        let sql = format!(
            "WITH inserted AS (
                INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
                ON CONFLICT (email) DO NOTHING
                RETURNING {USER_COLUMNS})
             SELECT true, inserted.* FROM inserted
             UNION ALL
             SELECT false, NULL, NULL, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM inserted)"
        );
        let params = [
            email.to_owned().into(),
            name.to_owned().into(),
            password_hash.to_owned().into(),
        ];
        let rows = self.conn.query(&sql, &params).map_err(store_error)?;
        match rows.rows.first().map(|row| row.split_at(1)) {
            Some(([DbValue::Boolean(true)], user)) => first_user(&[user.to_vec()])?
                .ok_or_else(|| StoreError::Other("insert returned no row".into())),
            Some(_) => Err(StoreError::Duplicate),
            None => Err(StoreError::Other("insert returned no row".into())),
        }
    }

    fn credentials(&self, email: &str) -> Result<Option<(String, String)>, StoreError> {
        let rows = select(
            &self.conn,
            "SELECT id::text, password_hash FROM users WHERE email = $1",
            &[email.to_owned().into()],
        )
        .map_err(StoreError::Other)?;
        rows.first()
            .map(|row| Ok((text(&row[0])?, text(&row[1])?)))
            .transpose()
    }

    fn find(&self, id: &str) -> Result<Option<User>, StoreError> {
        // The id comes from a verified token, but compare as text so a malformed one is
        // simply "not found" rather than a cast error.
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id::text = $1");
        let rows = select(&self.conn, &sql, &[id.to_owned().into()]).map_err(StoreError::Other)?;
        first_user(&rows)
    }
}

fn first_user(rows: &[Vec<DbValue>]) -> Result<Option<User>, StoreError> {
    rows.first()
        .map(|row| {
            Ok(User {
                id: text(&row[0])?,
                email: text(&row[1])?,
                name: text(&row[2])?,
                created_at: text(&row[3])?,
            })
        })
        .transpose()
}

fn text(value: &DbValue) -> Result<String, StoreError> {
    String::decode(value).map_err(|e| StoreError::Other(format!("decode: {e}")))
}

fn store_error(err: pg4::PgError) -> StoreError {
    StoreError::Other(format!("postgres: {err:?}"))
}
