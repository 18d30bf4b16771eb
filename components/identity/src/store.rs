//! Users and their sessions in Postgres, through Spin's `pg4` binding.

use fin_problem::Fault;
use fin_spin_edge::pg::{self, query, query_with};
use spin_sdk::pg4::{Connection, DbValue};

use crate::domain::User;
use crate::service::{StoreError, UserStore};
use crate::session::SessionStore;

/// The columns of [`User`], timestamps as RFC 3339 UTC text.
const USER_COLUMNS: &str =
    "id::text, email, name, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

/// One connection for both ports: a login reads the user and starts the session on it.
pub struct PgIdentity {
    conn: Connection,
}

impl PgIdentity {
    pub fn open(url: &str) -> Result<Self, StoreError> {
        pg::connect(url)
            .map(|conn| Self { conn })
            .map_err(StoreError::Other)
    }
}

impl UserStore for PgIdentity {
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
        // The id comes from a verified token; a malformed one is simply "not found". It
        // is compared as a uuid, so the primary key finds it (`id::text = $1` read the
        // whole table: tests/tests/plans.rs).
        if uuid::Uuid::parse_str(id).is_err() {
            return Ok(None);
        }
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1::text::uuid");
        let rows = query(&self.conn, &sql, &[id.to_owned().into()]).map_err(StoreError::Other)?;
        first_user(&rows)
    }
}

impl SessionStore for PgIdentity {
    fn start(&self, user_id: &str, token_hash: &str, ttl_seconds: i64) -> Result<(), Fault> {
        // A user's long-expired tokens go as a new family starts: the table holds what
        // could still be presented, and a day more so a late replay is still recognised.
        pg::execute(
            &self.conn,
            "WITH swept AS (
                 DELETE FROM refresh_tokens
                 WHERE user_id = $1::text::uuid AND expires_at < now() - interval '1 day')
             INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at)
             VALUES (gen_random_uuid(), $1::text::uuid, $2, now() + $3::bigint * interval '1 second')",
            &[
                user_id.to_owned().into(),
                token_hash.to_owned().into(),
                ttl_seconds.into(),
            ],
        )
        .map(|_| ())
    }

    fn rotate(
        &self,
        token_hash: &str,
        next_hash: &str,
        ttl_seconds: i64,
    ) -> Result<Option<String>, Fault> {
        // One statement: the row lock makes a concurrent second use of the same token
        // wait, then see it spent, and revoke the family (`burned` runs though nothing
        // reads it: Postgres completes every data-modifying CTE).
        let ctes = "old AS (
                SELECT id, family_id, user_id, used_at, revoked_at, expires_at
                FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE),
            spent AS (
                UPDATE refresh_tokens t SET used_at = now() FROM old
                WHERE t.id = old.id AND old.used_at IS NULL AND old.revoked_at IS NULL
                  AND old.expires_at > now()
                RETURNING t.family_id, t.user_id),
            next AS (
                INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at)
                SELECT family_id, user_id, $2, now() + $3::bigint * interval '1 second' FROM spent
                RETURNING user_id),
            burned AS (
                UPDATE refresh_tokens t SET revoked_at = now() FROM old
                WHERE t.family_id = old.family_id AND old.used_at IS NOT NULL
                  AND t.revoked_at IS NULL
                RETURNING t.id)";
        let rows = query_with(
            &self.conn,
            ctes,
            "SELECT user_id::text FROM next",
            &[
                token_hash.to_owned().into(),
                next_hash.to_owned().into(),
                ttl_seconds.into(),
            ],
        )?;
        rows.first()
            .map(|row| pg::text(row.first()).map_err(Fault::Internal))
            .transpose()
    }

    fn end(&self, token_hash: &str) -> Result<(), Fault> {
        pg::execute(
            &self.conn,
            "UPDATE refresh_tokens SET revoked_at = now()
             WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)
               AND revoked_at IS NULL",
            &[token_hash.to_owned().into()],
        )
        .map(|_| ())
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
