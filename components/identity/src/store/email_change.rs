//! The e-mail change in Postgres: each step, the sessions it ends, the e-mail it owes and
//! the event it logs are one statement.

use fin_problem::Fault;
use fin_spin_edge::pg::{self, query, query_with, text, text_or_null};
use spin_sdk::pg4::DbValue;

use super::account::{mail_params, seen_params, MAIL_SWEEP};
use super::{ended, PgIdentity};
use crate::account::{Holder, HolderStore};
use crate::email_change::{ChangeRequest, EmailChangeStore, Move, Outcome};
use crate::links::{Link, Purpose};
use crate::mail::Mail;
use crate::security::Seen;

/// A live link of the purpose `$2` by its digest `$1`.
const LIVE_LINK: &str = "token_hash = $1 AND purpose = $2 AND used_at IS NULL
     AND superseded_at IS NULL AND expires_at > now()";

/// Whoever else holds the address `$A` — an account, or one whose undo link keeps it —
/// for the user `$U`: the placeholders are replaced with the statement's parameters.
const HELD: &str = "SELECT 1 FROM users o WHERE o.email = $A
     UNION ALL
     SELECT 1 FROM account_tokens r
     WHERE r.new_email = $A AND r.purpose = 'undo_email_change' AND r.used_at IS NULL
       AND r.expires_at > now() AND r.user_id <> $U";

fn held(address: &str, user: &str) -> String {
    HELD.replace("$A", address).replace("$U", user)
}

/// Spends the live link `$1` of purpose `$2` that moves an account from `$3` to `$4`,
/// returning `columns` of it.
fn spend(columns: &str) -> String {
    format!(
        "link AS (
             UPDATE account_tokens SET used_at = now()
             WHERE {LIVE_LINK} AND email = $3 AND new_email = $4
             RETURNING {columns})"
    )
}

/// Moves the account of the spent `link` from `$3` to `$4`, which the link proved: the
/// address counts as verified, and the credentials version is bumped, so a login or a
/// second-step ticket begun before is void. Its guard and `RETURNING` follow.
const MOVE: &str = "u AS (
         UPDATE users SET email = $4, email_verified_at = now(), updated_at = now(),
                credentials_version = credentials_version + 1
         FROM link
         WHERE users.id = link.user_id AND users.email = $3";

/// Links of the account's old address: a move makes them void.
const OTHER_LINKS: &str = "others AS (
         UPDATE account_tokens t SET superseded_at = now() FROM u
         WHERE t.user_id = u.id AND t.token_hash <> $1 AND t.used_at IS NULL
           AND t.superseded_at IS NULL
           AND t.purpose IN ('change_email', 'verify_email', 'reset_password'))";

impl HolderStore for PgIdentity {
    fn holder(&self, user_id: &str) -> Result<Option<Holder>, Fault> {
        if uuid::Uuid::parse_str(user_id).is_err() {
            return Ok(None);
        }
        let rows = query(
            &self.conn,
            "SELECT password_hash, credentials_version, email,
                    EXISTS (SELECT 1 FROM two_factor f
                            WHERE f.user_id = users.id AND f.enabled_at IS NOT NULL)
             FROM users WHERE id = $1::text::uuid",
            &[user_id.to_owned().into()],
        )?;
        rows.first()
            .map(|row| {
                Ok(Holder {
                    password_hash: text(row.first())?,
                    version: i32::try_from(pg::int(row.get(1))?).map_err(|e| e.to_string())?,
                    email: text(row.get(2))?,
                    two_factor: matches!(row.get(3), Some(DbValue::Boolean(true))),
                })
            })
            .transpose()
            .map_err(Fault::Internal)
    }
}

impl EmailChangeStore for PgIdentity {
    fn request_change(&self, r: &ChangeRequest<'_>) -> Result<bool, Fault> {
        // Taken or not, the same statement runs and the caller hears the same; the owner
        // of a taken address hears of the attempt at most once an hour.
        let rows = query_with(
            &self.conn,
            &format!(
                "u AS (SELECT id, email FROM users
                       WHERE id = $1::text::uuid AND credentials_version = $2::int),
                 free AS (SELECT id, email FROM u WHERE NOT EXISTS ({held})),
                 old AS (
                     UPDATE account_tokens t SET superseded_at = now() FROM u
                     WHERE t.user_id = u.id AND t.purpose = 'change_email'
                       AND t.expires_at > now() AND t.used_at IS NULL
                       AND t.superseded_at IS NULL),
                 token AS (
                     INSERT INTO account_tokens
                         (user_id, purpose, token_hash, email, new_email, session_id, expires_at)
                     SELECT id, 'change_email', $5, email, $4, $3::text::uuid,
                            now() + $6::bigint * interval '1 second' FROM free),
                 mailed AS (
                     INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                     SELECT id, $7, $4, $8, $9 FROM free),
                 notice AS (
                     INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                     SELECT o.id, $10, o.email, $11, $12 FROM users o
                     WHERE o.email = $4 AND EXISTS (SELECT 1 FROM u)
                       AND NOT EXISTS (
                           SELECT 1 FROM account_mail m
                           WHERE m.user_id = o.id AND m.kind = $10
                             AND m.created_at > now() - interval '1 hour')),
                 logged AS (
                     INSERT INTO security_events (user_id, kind, address, user_agent, session_id)
                     SELECT id, 'email.change_requested', $13, $14, $3::text::uuid FROM u),
                 {MAIL_SWEEP}",
                held = held("$4", "u.id"),
            ),
            "SELECT count(*) FROM u",
            &[
                vec![
                    r.user_id.to_owned().into(),
                    r.version.into(),
                    text_or_null(r.session),
                    r.new_email.to_owned().into(),
                    r.link.digest.clone().into(),
                    r.link.purpose.lifetime_seconds().into(),
                ],
                mail_params(r.mail),
                mail_params(r.taken),
                seen_params(r.seen),
            ]
            .concat(),
        )?;
        Ok(pg::first_count(&rows)? > 0)
    }

    fn pending(&self, purpose: Purpose, digest: &str) -> Result<Option<Move>, Fault> {
        let rows = query(
            &self.conn,
            &format!("SELECT email, new_email FROM account_tokens WHERE {LIVE_LINK}"),
            &[digest.to_owned().into(), purpose.as_key().to_owned().into()],
        )?;
        rows.first()
            .map(|row| {
                Ok(Move {
                    from: text(row.first())?,
                    to: text(row.get(1))?,
                })
            })
            .transpose()
            .map_err(Fault::Internal)
    }

    fn confirm_change(
        &self,
        digest: &str,
        to: &Move,
        undo: &Link,
        notice: &Mail,
        seen: &Seen,
    ) -> Result<Outcome, Fault> {
        // The link is spent even when the address was taken meanwhile: it can never
        // work again. The row lock makes a concurrent second use wait and find it spent.
        let rows = query_with(
            &self.conn,
            &format!(
                "{spend},
                 {MOVE} AND NOT EXISTS ({held})
                     RETURNING users.id, link.session_id AS keep),
                 {OTHER_LINKS},
                 revoked AS (
                     UPDATE refresh_tokens t SET revoked_at = now() FROM u
                     WHERE t.user_id = u.id AND t.revoked_at IS NULL
                       AND (u.keep IS NULL OR t.family_id <> u.keep)),
                 undo AS (
                     INSERT INTO account_tokens (user_id, purpose, token_hash, email, new_email, expires_at)
                     SELECT id, 'undo_email_change', $5, $4, $3,
                            now() + $6::bigint * interval '1 second' FROM u),
                 mailed AS (
                     INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                     SELECT id, $7, $3, $8, $9 FROM u),
                 logged AS (
                     INSERT INTO security_events (user_id, kind, address, user_agent, session_id)
                     SELECT id, 'email.changed', $10, $11, keep FROM u)",
                spend = spend("user_id, session_id"),
                held = held("$4", "link.user_id"),
            ),
            "SELECT u.id::text, t.access_token_id, extract(epoch FROM t.access_expires_at)::bigint
             FROM u LEFT JOIN refresh_tokens t
               ON t.user_id = u.id AND t.access_expires_at > now()
              AND (u.keep IS NULL OR t.family_id <> u.keep)",
            &[
                vec![
                    digest.to_owned().into(),
                    Purpose::ChangeEmail.as_key().to_owned().into(),
                    to.from.clone().into(),
                    to.to.clone().into(),
                    undo.digest.clone().into(),
                    undo.purpose.lifetime_seconds().into(),
                ],
                mail_params(notice),
                seen_params(seen),
            ]
            .concat(),
        )?;
        self.outcome(&rows, &to.to)
    }

    fn undo_change(
        &self,
        digest: &str,
        back: &Move,
        notice: &Mail,
        seen: &Seen,
    ) -> Result<Outcome, Fault> {
        // Whoever made the change knew the password and may have set up a second factor
        // of their own since: that one goes (one set up before the change stays), and so
        // does every session and every link the account's other address was sent.
        let rows = query_with(
            &self.conn,
            &format!(
                "{spend},
                 {MOVE} AND NOT EXISTS (SELECT 1 FROM users o WHERE o.email = $4)
                     RETURNING users.id, link.changed_at),
                 {OTHER_LINKS},
                 revoked AS (
                     UPDATE refresh_tokens t SET revoked_at = now() FROM u
                     WHERE t.user_id = u.id AND t.revoked_at IS NULL),
                 factor AS (
                     DELETE FROM two_factor f USING u
                     WHERE f.user_id = u.id
                       AND COALESCE(f.enabled_at, f.created_at) >= u.changed_at
                     RETURNING f.user_id),
                 codes AS (
                     DELETE FROM recovery_codes c USING factor WHERE c.user_id = factor.user_id),
                 mailed AS (
                     INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                     SELECT id, $5, $4, $6, $7 FROM u),
                 logged AS (
                     INSERT INTO security_events (user_id, kind, address, user_agent)
                     SELECT id, 'email.change_undone', $8, $9 FROM u)",
                spend = spend("user_id, created_at AS changed_at"),
            ),
            "SELECT u.id::text, t.access_token_id, extract(epoch FROM t.access_expires_at)::bigint
             FROM u LEFT JOIN refresh_tokens t
               ON t.user_id = u.id AND t.access_expires_at > now()",
            &[
                vec![
                    digest.to_owned().into(),
                    Purpose::UndoEmailChange.as_key().to_owned().into(),
                    back.from.clone().into(),
                    back.to.clone().into(),
                ],
                mail_params(notice),
                seen_params(seen),
            ]
            .concat(),
        )?;
        self.outcome(&rows, &back.to)
    }
}

impl PgIdentity {
    /// A move's rows, or why there are none: an account has the address (its link was
    /// spent all the same), or the link or the account moved on meanwhile.
    fn outcome(&self, rows: &[Vec<DbValue>], address: &str) -> Result<Outcome, Fault> {
        if !rows.is_empty() {
            return ended(rows).map(Outcome::Moved);
        }
        let taken = query(
            &self.conn,
            "SELECT count(*) FROM users WHERE email = $1",
            &[address.to_owned().into()],
        )?;
        Ok(if pg::first_count(&taken)? > 0 {
            Outcome::Taken
        } else {
            Outcome::Gone
        })
    }
}
