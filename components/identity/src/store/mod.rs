//! Users, sessions and the account's records in Postgres, through Spin's `pg4` binding:
//! users here, sessions in `sessions.rs`, links, e-mails and the log in `account.rs`,
//! the e-mail change in `email_change.rs`, the erasure in `erasure.rs`, the second factor in `two_factor.rs`.

use fin_problem::Fault;
use fin_spin_edge::pg::{self, query, query_with, text_or_null};
use spin_sdk::pg4::{Connection, DbValue};

use crate::account::Ended;
use crate::domain::User;
use crate::security::Seen;
use crate::service::{Registration, StoreError, StoredCredentials, UserStore};

mod account;
mod email_change;
mod erasure;
mod sessions;
mod two_factor;

/// How timestamps are shown: RFC 3339, UTC, to the second.
pub(crate) const TS: &str = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

/// The columns of [`User`], timestamps as RFC 3339 UTC text.
const USER_COLUMNS: &str = "id::text, email, name, \
     to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
     email_verified_at IS NOT NULL";

/// One connection for every port: a login reads the user and starts the session on it.
pub struct PgIdentity {
    conn: Connection,
    /// How long the security log keeps an event.
    log_retention_days: i64,
}

impl PgIdentity {
    pub fn open(url: &str, log_retention_days: i64) -> Result<Self, StoreError> {
        pg::connect(url)
            .map(|conn| Self {
                conn,
                log_retention_days,
            })
            .map_err(StoreError::Other)
    }
}

impl UserStore for PgIdentity {
    fn register(&self, r: &Registration<'_>) -> Result<bool, StoreError> {
        // ON CONFLICT rather than catching the unique violation: Spin 4.0.2 flattens
        // Postgres errors to text, and a concurrent twin simply waits and inserts nothing.
        // A taken address gets its owner a notice instead — at most one an hour, so
        // nobody can flood a mailbox by registering it again and again. An address kept
        // for an e-mail change's undo link is taken too (its old owner's way back).
        let rows = query_with(
            &self.conn,
            "new AS (
                 INSERT INTO users (email, name, password_hash)
                 SELECT $1, $2, $3 WHERE NOT EXISTS (
                     SELECT 1 FROM account_tokens r
                     WHERE r.new_email = $1 AND r.purpose = 'undo_email_change'
                       AND r.used_at IS NULL AND r.expires_at > now())
                 ON CONFLICT (email) DO NOTHING
                 RETURNING id, email),
             token AS (
                 INSERT INTO account_tokens (user_id, purpose, token_hash, email, expires_at)
                 SELECT id, $4, $5, email, now() + $6::bigint * interval '1 second' FROM new),
             welcome AS (
                 INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                 SELECT id, $7, email, $8, $9 FROM new),
             notice AS (
                 INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                 SELECT u.id, $10, u.email, $11, $12 FROM users u
                 WHERE u.email = $1 AND NOT EXISTS (SELECT 1 FROM new)
                   AND NOT EXISTS (
                       SELECT 1 FROM account_mail m
                       WHERE m.user_id = u.id AND m.kind = $10
                         AND m.created_at > now() - interval '1 hour'))",
            "SELECT count(*) FROM new",
            &[
                r.user.email.as_str().to_owned().into(),
                r.user.name.as_str().to_owned().into(),
                r.password_hash.to_owned().into(),
                r.link.purpose.as_key().to_owned().into(),
                r.link.digest.clone().into(),
                r.link.purpose.lifetime_seconds().into(),
                r.welcome.kind.to_owned().into(),
                r.welcome.subject.clone().into(),
                r.welcome.body.clone().into(),
                r.notice.kind.to_owned().into(),
                r.notice.subject.clone().into(),
                r.notice.body.clone().into(),
            ],
        )
        .map_err(StoreError::Other)?;
        Ok(pg::first_count(&rows).map_err(StoreError::Other)? > 0)
    }

    fn credentials(&self, email: &str) -> Result<Option<StoredCredentials>, StoreError> {
        let rows = query(
            &self.conn,
            "SELECT id::text, password_hash, credentials_version,
                    EXISTS (SELECT 1 FROM two_factor f
                            WHERE f.user_id = users.id AND f.enabled_at IS NOT NULL)
             FROM users WHERE email = $1",
            &[email.to_owned().into()],
        )
        .map_err(StoreError::Other)?;
        rows.first()
            .map(|row| {
                Ok(StoredCredentials {
                    user_id: text(row.first())?,
                    password_hash: text(row.get(1))?,
                    version: i32::try_from(
                        pg::int(row.get(2)).map_err(|e| StoreError::Other(e.into()))?,
                    )
                    .map_err(|e| StoreError::Other(Fault::Internal(e.to_string())))?,
                    two_factor: matches!(row.get(3), Some(DbValue::Boolean(true))),
                })
            })
            .transpose()
    }

    fn failed_login(&self, user_id: &str, seen: &Seen) -> Result<(), StoreError> {
        pg::execute(
            &self.conn,
            "INSERT INTO security_events (user_id, kind, address, user_agent)
             VALUES ($1::text::uuid, 'login.failed', $2, $3)",
            &[
                user_id.to_owned().into(),
                text_or_null(seen.address.as_deref()),
                text_or_null(seen.user_agent.as_deref()),
            ],
        )
        .map(|_| ())
        .map_err(StoreError::Other)
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

fn first_user(rows: &[Vec<DbValue>]) -> Result<Option<User>, StoreError> {
    rows.first()
        .map(|row| {
            Ok(User {
                id: text(row.first())?,
                email: text(row.get(1))?,
                name: text(row.get(2))?,
                created_at: text(row.get(3))?,
                email_verified: matches!(row.get(4), Some(DbValue::Boolean(true))),
            })
        })
        .transpose()
}

fn text(value: Option<&DbValue>) -> Result<String, StoreError> {
    pg::text(value).map_err(|e| StoreError::Other(e.into()))
}

/// Access tokens from rows of (user, token id, expiry); rows without a token (a session
/// that never recorded one, the LEFT JOIN's empty side) are passed over.
pub(crate) fn ended(rows: &[Vec<DbValue>]) -> Result<Vec<Ended>, Fault> {
    rows.iter()
        .filter(|row| !matches!(row.get(1), Some(DbValue::DbNull) | None))
        .map(|row| {
            Ok(Ended {
                user_id: pg::text(row.first())?,
                token_id: pg::text(row.get(1))?,
                expires_at: pg::int(row.get(2))?,
            })
        })
        .collect::<Result<_, String>>()
        .map_err(Fault::Internal)
}
