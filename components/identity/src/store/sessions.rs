//! Sessions (refresh families) in Postgres. Each step is one statement; the row lock on
//! a refresh token orders a rotation against the end of its family.

use fin_problem::Fault;
use fin_spin_edge::pg::{self, execute, optional_text, query, query_with, text, text_or_null};
use spin_sdk::pg4::DbValue;

use super::{ended, PgIdentity, TS};
use crate::account::Ended;
use crate::security::Seen;
use crate::service::AccessToken;
use crate::session::{SessionStore, SessionView, Start};

impl SessionStore for PgIdentity {
    fn start(&self, start: &Start<'_>) -> Result<bool, Fault> {
        // A user's long-expired tokens and sessions go as a new one starts: the table
        // holds what could still be presented, and a day more so a late replay is still
        // recognised. Nothing is written when the credentials moved on.
        let rows = query_with(
            &self.conn,
            "u AS (SELECT id FROM users WHERE id = $1::text::uuid AND credentials_version = $2::int),
             swept AS (
                 DELETE FROM refresh_tokens
                 WHERE user_id = $1::text::uuid AND expires_at < now() - interval '1 day'
                   AND EXISTS (SELECT 1 FROM u)),
             gone AS (
                 DELETE FROM sessions
                 WHERE user_id = $1::text::uuid
                   AND last_used_at < now() - ($5::bigint + 86400) * interval '1 second'
                   AND EXISTS (SELECT 1 FROM u)),
             s AS (
                 INSERT INTO sessions (id, user_id, user_agent, address)
                 SELECT $3::text::uuid, id, $8, $9 FROM u RETURNING id),
             t AS (
                 INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at,
                                             access_token_id, access_expires_at)
                 SELECT $3::text::uuid, id, $4, now() + $5::bigint * interval '1 second',
                        $6, to_timestamp($7::bigint) FROM u),
             logged AS (
                 INSERT INTO security_events (user_id, kind, address, user_agent, session_id)
                 SELECT id, 'login', $9, $8, $3::text::uuid FROM u),
             -- The log keeps `security_log_retention_days`: swept as the owner logs in
             -- (and reads it), by the index the read uses.
             forgotten AS (
                 DELETE FROM security_events
                 WHERE user_id = $1::text::uuid
                   AND occurred_at < now() - $10::bigint * interval '1 day')",
            "SELECT count(*) FROM s",
            &[
                start.user_id.to_owned().into(),
                start.version.into(),
                start.family.to_owned().into(),
                start.token_hash.to_owned().into(),
                start.ttl_seconds.into(),
                start.access.token_id.clone().into(),
                start.access.expires_at.into(),
                text_or_null(start.seen.user_agent.as_deref()),
                text_or_null(start.seen.address.as_deref()),
                self.log_retention_days.into(),
            ],
        )?;
        Ok(pg::first_count(&rows)? > 0)
    }

    fn rotate(
        &self,
        token_hash: &str,
        next_hash: &str,
        ttl_seconds: i64,
    ) -> Result<Option<(String, String)>, Fault> {
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
                RETURNING user_id, family_id),
            touched AS (
                UPDATE sessions s SET last_used_at = now() FROM spent WHERE s.id = spent.family_id),
            burned AS (
                UPDATE refresh_tokens t SET revoked_at = now() FROM old
                WHERE t.family_id = old.family_id AND old.used_at IS NOT NULL
                  AND t.revoked_at IS NULL
                RETURNING t.id)";
        let rows = query_with(
            &self.conn,
            ctes,
            "SELECT user_id::text, family_id::text FROM next",
            &[
                token_hash.to_owned().into(),
                next_hash.to_owned().into(),
                ttl_seconds.into(),
            ],
        )?;
        rows.first()
            .map(|row| Ok((text(row.first())?, text(row.get(1))?)))
            .transpose()
            .map_err(Fault::Internal)
    }

    fn record(&self, token_hash: &str, access: &AccessToken) -> Result<bool, Fault> {
        let updated = execute(
            &self.conn,
            "UPDATE refresh_tokens
             SET access_token_id = $2, access_expires_at = to_timestamp($3::bigint)
             WHERE token_hash = $1 AND revoked_at IS NULL",
            &[
                token_hash.to_owned().into(),
                access.token_id.clone().into(),
                access.expires_at.into(),
            ],
        )?;
        Ok(updated > 0)
    }

    fn end(&self, token_hash: &str) -> Result<Vec<Ended>, Fault> {
        // The access tokens are read from the statement's snapshot, so a family ended
        // before (a retried logout) still hands back its unexpired ones.
        let rows = query_with(
            &self.conn,
            "family AS (SELECT family_id FROM refresh_tokens WHERE token_hash = $1),
             revoked AS (
                 UPDATE refresh_tokens t SET revoked_at = now() FROM family
                 WHERE t.family_id = family.family_id AND t.revoked_at IS NULL)",
            &format!(
                "SELECT t.user_id::text, t.access_token_id, {EXP} FROM refresh_tokens t, family
                 WHERE t.family_id = family.family_id AND t.access_expires_at > now()"
            ),
            &[token_hash.to_owned().into()],
        )?;
        ended(&rows)
    }

    fn end_sessions(
        &self,
        user_id: &str,
        only: Option<&str>,
        keep: Option<&str>,
        seen: &Seen,
    ) -> Result<(u64, Vec<Ended>), Fault> {
        let scope = "t.user_id = $1::text::uuid
                     AND ($2::text IS NULL OR t.family_id = $2::text::uuid)
                     AND ($3::text IS NULL OR t.family_id <> $3::text::uuid)";
        let kind = if only.is_some() {
            "session.ended"
        } else {
            "session.others_ended"
        };
        let rows = query_with(
            &self.conn,
            &format!(
                "revoked AS (
                     UPDATE refresh_tokens t SET revoked_at = now()
                     WHERE {scope} AND t.revoked_at IS NULL
                     RETURNING t.family_id, (t.used_at IS NULL AND t.expires_at > now()) AS live),
                 logged AS (
                     INSERT INTO security_events (user_id, kind, address, user_agent, session_id)
                     SELECT $1::text::uuid, $6, $4, $5, $2::text::uuid
                     WHERE EXISTS (SELECT 1 FROM revoked WHERE live))"
            ),
            // The count rides on a row of its own, told apart by its NULL user.
            &format!(
                "SELECT t.user_id::text, t.access_token_id, {EXP}, 0::bigint
                 FROM refresh_tokens t WHERE {scope} AND t.access_expires_at > now()
                 UNION ALL
                 SELECT NULL, NULL, NULL,
                        (SELECT count(DISTINCT family_id) FROM revoked WHERE live)"
            ),
            &[
                user_id.to_owned().into(),
                text_or_null(only),
                text_or_null(keep),
                text_or_null(seen.address.as_deref()),
                text_or_null(seen.user_agent.as_deref()),
                kind.to_owned().into(),
            ],
        )?;
        let (counts, tokens): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .partition(|row| matches!(row.first(), Some(DbValue::DbNull) | None));
        let count = counts
            .first()
            .map(|row| pg::int(row.get(3)))
            .transpose()?
            .unwrap_or(0);
        Ok((u64::try_from(count).unwrap_or(0), ended(&tokens)?))
    }

    fn list(&self, user_id: &str) -> Result<Vec<SessionView>, Fault> {
        let rows = query(
            &self.conn,
            &format!(
                "SELECT s.id::text, to_char(s.started_at AT TIME ZONE 'UTC', {TS}),
                        to_char(s.last_used_at AT TIME ZONE 'UTC', {TS}), s.user_agent, s.address
                 FROM sessions s
                 WHERE s.user_id = $1::text::uuid
                   AND EXISTS (SELECT 1 FROM refresh_tokens t
                               WHERE t.family_id = s.id AND t.used_at IS NULL
                                 AND t.revoked_at IS NULL AND t.expires_at > now())
                 ORDER BY s.last_used_at DESC LIMIT 100"
            ),
            &[user_id.to_owned().into()],
        )?;
        rows.iter()
            .map(|row| {
                Ok(SessionView {
                    id: text(row.first())?,
                    started_at: text(row.get(1))?,
                    last_used_at: text(row.get(2))?,
                    user_agent: optional_text(row.get(3))?,
                    address: optional_text(row.get(4))?,
                    current: false,
                })
            })
            .collect::<Result<_, String>>()
            .map_err(Fault::Internal)
    }
}

/// An access token's expiry, as Unix seconds.
const EXP: &str = "extract(epoch FROM t.access_expires_at)::bigint";
