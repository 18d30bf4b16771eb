//! The account statements in Postgres: each change, the e-mail it owes and the event it
//! logs are one statement, so none happens without the others.

use fin_problem::Fault;
use fin_spin_edge::pg::{self, optional_text, query, query_with, text, text_or_null};
use spin_sdk::pg4::ParameterValue;

use super::{ended, PgIdentity, TS};
use crate::account::{AccountStore, Ended};
use crate::links::Link;
use crate::mail::Mail;
use crate::security::{LoggedEvent, Seen};

/// Account e-mails older than this are gone (every link in one has expired by then).
pub(super) const MAIL_SWEEP: &str =
    "swept AS (DELETE FROM account_mail WHERE created_at < now() - interval '7 days')";

/// Sends the user `u` (a CTE before these) a new link: the older ones of its purpose
/// superseded, long-expired ones deleted, the token's digest and the e-mail written. The
/// parameters are `$2`–`$7`, in [`link_params`]' order.
const NEW_LINK: &str = "old AS (
         UPDATE account_tokens t SET superseded_at = now() FROM u
         WHERE t.user_id = u.id AND t.purpose = $2 AND t.expires_at > now()
           AND t.used_at IS NULL AND t.superseded_at IS NULL),
     -- Disjoint from `old` (a row is changed once per statement).
     stale AS (
         DELETE FROM account_tokens t USING u
         WHERE t.user_id = u.id AND t.expires_at < now() - interval '1 day'),
     token AS (
         INSERT INTO account_tokens (user_id, purpose, token_hash, email, expires_at)
         SELECT id, $2, $3, email, now() + $4::bigint * interval '1 second' FROM u),
     mailed AS (
         INSERT INTO account_mail (user_id, kind, recipient, subject, body)
         SELECT id, $5, email, $6, $7 FROM u)";

/// Ends every session of the user `u` (a CTE before it) but the one `$4` names, if any.
pub(super) const REVOKE_OTHERS: &str = "revoked AS (
         UPDATE refresh_tokens t SET revoked_at = now() FROM u
         WHERE t.user_id = u.id AND t.revoked_at IS NULL
           AND ($4::text IS NULL OR t.family_id <> $4::text::uuid))";

/// The access tokens [`REVOKE_OTHERS`] made void, for [`ended_if_any`].
pub(super) const ENDED_OTHERS: &str =
    "SELECT u.id::text, t.access_token_id, extract(epoch FROM t.access_expires_at)::bigint
     FROM u LEFT JOIN refresh_tokens t
       ON t.user_id = u.id AND t.access_expires_at > now()
      AND ($4::text IS NULL OR t.family_id <> $4::text::uuid)";

/// `first` as `$1`, then the link's and the e-mail's parameters for [`NEW_LINK`].
fn link_params(first: &str, link: &Link, mail: &Mail) -> Vec<ParameterValue> {
    vec![
        first.to_owned().into(),
        link.purpose.as_key().to_owned().into(),
        link.digest.clone().into(),
        link.purpose.lifetime_seconds().into(),
    ]
    .into_iter()
    .chain(mail_params(mail))
    .collect()
}

/// An e-mail's kind, subject and body, in that order.
pub(super) fn mail_params(mail: &Mail) -> Vec<ParameterValue> {
    vec![
        mail.kind.to_owned().into(),
        mail.subject.clone().into(),
        mail.body.clone().into(),
    ]
}

/// Where a request came from: its address and user agent, in that order.
pub(super) fn seen_params(seen: &Seen) -> Vec<ParameterValue> {
    vec![
        text_or_null(seen.address.as_deref()),
        text_or_null(seen.user_agent.as_deref()),
    ]
}

/// The access tokens a statement ended, or `None` when it changed nothing (no row).
pub(super) fn ended_if_any(
    rows: &[Vec<spin_sdk::pg4::DbValue>],
) -> Result<Option<Vec<Ended>>, Fault> {
    if rows.is_empty() {
        return Ok(None);
    }
    ended(rows).map(Some)
}

impl AccountStore for PgIdentity {
    fn request_reset(
        &self,
        email: &str,
        link: &Link,
        mail: &Mail,
        seen: &Seen,
    ) -> Result<(), Fault> {
        let mut params = link_params(email, link, mail);
        params.extend(seen_params(seen));
        query_with(
            &self.conn,
            &format!(
                "u AS (SELECT id, email FROM users WHERE email = $1),
                 {NEW_LINK},
                 logged AS (
                     INSERT INTO security_events (user_id, kind, address, user_agent)
                     SELECT id, 'password.reset_requested', $8, $9 FROM u),
                 {MAIL_SWEEP}"
            ),
            "SELECT count(*) FROM u",
            &params,
        )
        .map(|_| ())
    }

    fn reset(
        &self,
        digest: &str,
        hash: &str,
        notice: &Mail,
        seen: &Seen,
    ) -> Result<Option<Vec<Ended>>, Fault> {
        // The link is spent by its first use (the row lock makes a concurrent second use
        // wait and then find it spent). A link sent to an address the account no longer
        // has resets nothing. Opening the link proves the mailbox: the address counts as
        // verified from here on.
        let rows = query_with(
            &self.conn,
            "link AS (
                 UPDATE account_tokens SET used_at = now()
                 WHERE token_hash = $1 AND purpose = 'reset_password' AND used_at IS NULL
                   AND superseded_at IS NULL AND expires_at > now()
                 RETURNING user_id, email),
             u AS (
                 UPDATE users SET password_hash = $2, updated_at = now(),
                        credentials_version = credentials_version + 1,
                        email_verified_at = COALESCE(email_verified_at, now())
                 FROM link WHERE users.id = link.user_id AND users.email = link.email
                 RETURNING users.id, users.email),
             others AS (
                 UPDATE account_tokens t SET superseded_at = now() FROM u
                 WHERE t.user_id = u.id AND t.purpose = 'reset_password' AND t.token_hash <> $1
                   AND t.used_at IS NULL AND t.superseded_at IS NULL),
             revoked AS (
                 UPDATE refresh_tokens t SET revoked_at = now() FROM u
                 WHERE t.user_id = u.id AND t.revoked_at IS NULL),
             mailed AS (
                 INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                 SELECT id, $3, email, $4, $5 FROM u),
             logged AS (
                 INSERT INTO security_events (user_id, kind, address, user_agent)
                 SELECT id, 'password.reset', $6, $7 FROM u)",
            "SELECT u.id::text, t.access_token_id, extract(epoch FROM t.access_expires_at)::bigint
             FROM u LEFT JOIN refresh_tokens t
               ON t.user_id = u.id AND t.access_expires_at > now()",
            &[
                vec![digest.to_owned().into(), hash.to_owned().into()],
                mail_params(notice),
                seen_params(seen),
            ]
            .concat(),
        )?;
        ended_if_any(&rows)
    }

    fn verify_email(&self, digest: &str, seen: &Seen) -> Result<bool, Fault> {
        let rows = query_with(
            &self.conn,
            "link AS (
                 UPDATE account_tokens SET used_at = now()
                 WHERE token_hash = $1 AND purpose = 'verify_email' AND used_at IS NULL
                   AND superseded_at IS NULL AND expires_at > now()
                 RETURNING user_id, email),
             u AS (
                 UPDATE users SET email_verified_at = COALESCE(email_verified_at, now())
                 FROM link WHERE users.id = link.user_id AND users.email = link.email
                 RETURNING users.id),
             logged AS (
                 INSERT INTO security_events (user_id, kind, address, user_agent)
                 SELECT id, 'email.verified', $2, $3 FROM u)",
            "SELECT count(*) FROM u",
            &[vec![digest.to_owned().into()], seen_params(seen)].concat(),
        )?;
        Ok(pg::first_count(&rows)? > 0)
    }

    fn resend_verification(&self, user_id: &str, link: &Link, mail: &Mail) -> Result<bool, Fault> {
        let rows = query_with(
            &self.conn,
            &format!(
                "u AS (SELECT id, email FROM users
                       WHERE id = $1::text::uuid AND email_verified_at IS NULL),
                 {NEW_LINK},
                 {MAIL_SWEEP}"
            ),
            "SELECT count(*) FROM u",
            &link_params(user_id, link, mail),
        )?;
        Ok(pg::first_count(&rows)? > 0)
    }

    fn password_of(&self, user_id: &str) -> Result<Option<(String, i32)>, Fault> {
        if uuid::Uuid::parse_str(user_id).is_err() {
            return Ok(None);
        }
        let rows = query(
            &self.conn,
            "SELECT password_hash, credentials_version FROM users WHERE id = $1::text::uuid",
            &[user_id.to_owned().into()],
        )?;
        rows.first()
            .map(|row| {
                let version = i32::try_from(pg::int(row.get(1))?).map_err(|e| e.to_string())?;
                Ok((text(row.first())?, version))
            })
            .transpose()
            .map_err(Fault::Internal)
    }

    fn change_password(
        &self,
        user_id: &str,
        version: i32,
        hash: &str,
        keep: Option<&str>,
        notice: &Mail,
        seen: &Seen,
    ) -> Result<Option<Vec<Ended>>, Fault> {
        let rows = query_with(
            &self.conn,
            &format!(
                "u AS (
                 UPDATE users SET password_hash = $3, updated_at = now(),
                        credentials_version = credentials_version + 1
                 WHERE id = $1::text::uuid AND credentials_version = $2::int
                 RETURNING id, email),
             {REVOKE_OTHERS},
             mailed AS (
                 INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                 SELECT id, $5, email, $6, $7 FROM u),
             logged AS (
                 INSERT INTO security_events (user_id, kind, address, user_agent, session_id)
                 SELECT id, 'password.changed', $8, $9, $4::text::uuid FROM u)"
            ),
            ENDED_OTHERS,
            &[
                vec![
                    user_id.to_owned().into(),
                    version.into(),
                    hash.to_owned().into(),
                    text_or_null(keep),
                ],
                mail_params(notice),
                seen_params(seen),
            ]
            .concat(),
        )?;
        ended_if_any(&rows)
    }

    fn security_log(
        &self,
        user_id: &str,
        limit: u32,
        before: Option<&str>,
    ) -> Result<Vec<LoggedEvent>, Fault> {
        // Older than the retention is neither shown nor kept: the sweep runs here, on
        // the owner's own rows, by the index the read uses.
        let rows = query_with(
            &self.conn,
            "cut AS (SELECT now() - $4::bigint * interval '1 day' AS at),
             swept AS (
                 DELETE FROM security_events e USING cut
                 WHERE e.user_id = $1::text::uuid AND e.occurred_at < cut.at),
             anchor AS (
                 SELECT occurred_at, id FROM security_events
                 WHERE user_id = $1::text::uuid AND id = $3::text::uuid)",
            &format!(
                "SELECT e.id::text, e.kind, to_char(e.occurred_at AT TIME ZONE 'UTC', {TS}),
                        e.address, e.user_agent
                 FROM security_events e, cut
                 WHERE e.user_id = $1::text::uuid AND e.occurred_at >= cut.at
                   AND ($3::text IS NULL OR (e.occurred_at, e.id) <
                        (SELECT occurred_at, id FROM anchor))
                 ORDER BY e.occurred_at DESC, e.id DESC
                 LIMIT $2::bigint"
            ),
            &[
                user_id.to_owned().into(),
                i64::from(limit).into(),
                text_or_null(before),
                self.log_retention_days.into(),
            ],
        )?;
        rows.iter()
            .map(|row| {
                Ok(LoggedEvent {
                    id: text(row.first())?,
                    kind: text(row.get(1))?,
                    occurred_at: text(row.get(2))?,
                    address: optional_text(row.get(3))?,
                    user_agent: optional_text(row.get(4))?,
                })
            })
            .collect::<Result<_, String>>()
            .map_err(Fault::Internal)
    }
}
