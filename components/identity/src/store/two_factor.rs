//! The second factor in Postgres: the sealed key, the recovery codes' digests and the
//! login tickets' digests. Spending a code is a conditional UPDATE, so of two requests
//! with the same code only one gets through.

use fin_problem::Fault;
use fin_spin_edge::pg::{self, query, query_with, text};
use spin_sdk::pg4::DbValue;

use super::account::{ended_if_any, mail_params, seen_params, ENDED_OTHERS, REVOKE_OTHERS};
use super::PgIdentity;
use crate::account::Ended;
use crate::mail::Mail;
use crate::security::{Event, Seen};
use crate::service::Verified;
use crate::two_factor::{Enable, Proof, StoredFactor, TwoFactorStore, TICKET_SECONDS};

/// Logs the event on the user `u` (a CTE before it), seen from the parameters numbered
/// `address` and `user_agent`.
fn logged(event: Event, address: u8, user_agent: u8) -> String {
    format!(
        "logged AS (
             INSERT INTO security_events (user_id, kind, address, user_agent)
             SELECT id, '{}', ${address}, ${user_agent} FROM u)",
        event.as_key()
    )
}

impl TwoFactorStore for PgIdentity {
    fn factor(&self, user_id: &str) -> Result<Option<StoredFactor>, Fault> {
        if uuid::Uuid::parse_str(user_id).is_err() {
            return Ok(None);
        }
        let rows = query(
            &self.conn,
            "SELECT f.sealed_key, f.key_id, f.enabled_at IS NOT NULL, f.last_step,
                    (SELECT count(*) FROM recovery_codes c
                     WHERE c.user_id = f.user_id AND c.used_at IS NULL)
             FROM two_factor f WHERE f.user_id = $1::text::uuid",
            &[user_id.to_owned().into()],
        )?;
        rows.first()
            .map(|row| {
                let Some(DbValue::Binary(sealed_key)) = row.first() else {
                    return Err("two_factor.sealed_key is not bytes".to_owned());
                };
                Ok(StoredFactor {
                    sealed_key: sealed_key.clone(),
                    key_id: text(row.get(1))?,
                    enabled: matches!(row.get(2), Some(DbValue::Boolean(true))),
                    last_step: pg::int(row.get(3))?,
                    recovery_codes_left: u32::try_from(pg::int(row.get(4))?).unwrap_or(0),
                })
            })
            .transpose()
            .map_err(Fault::Internal)
    }

    fn begin(&self, user_id: &str, sealed_key: &[u8], key_id: &str) -> Result<bool, Fault> {
        let rows = query_with(
            &self.conn,
            "kept AS (
                 INSERT INTO two_factor (user_id, sealed_key, key_id)
                 VALUES ($1::text::uuid, $2, $3)
                 ON CONFLICT (user_id) DO UPDATE
                 SET sealed_key = EXCLUDED.sealed_key, key_id = EXCLUDED.key_id,
                     created_at = now(), last_step = 0
                 WHERE two_factor.enabled_at IS NULL
                 RETURNING user_id)",
            "SELECT count(*) FROM kept",
            &[
                user_id.to_owned().into(),
                sealed_key.to_vec().into(),
                key_id.to_owned().into(),
            ],
        )?;
        Ok(pg::first_count(&rows)? > 0)
    }

    fn enable(&self, e: &Enable<'_>) -> Result<Option<Vec<Ended>>, Fault> {
        let rows = query_with(
            &self.conn,
            &format!(
                "f AS (
                     UPDATE two_factor SET enabled_at = now(), last_step = $2
                     WHERE user_id = $1::text::uuid AND enabled_at IS NULL AND last_step < $2
                     RETURNING user_id),
                 u AS (SELECT users.id, users.email FROM users JOIN f ON f.user_id = users.id),
                 cleared AS (DELETE FROM recovery_codes c USING u WHERE c.user_id = u.id),
                 codes AS (
                     INSERT INTO recovery_codes (user_id, code_hash)
                     SELECT u.id, code FROM u, unnest(string_to_array($3, ',')) AS code),
                 {REVOKE_OTHERS},
                 mailed AS (
                     INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                     SELECT id, $5, email, $6, $7 FROM u),
                 {}",
                logged(Event::TwoFactorEnabled, 8, 9)
            ),
            ENDED_OTHERS,
            &[
                vec![
                    e.user_id.to_owned().into(),
                    e.step.into(),
                    e.code_digests.join(",").into(),
                    pg::text_or_null(e.keep),
                ],
                mail_params(e.notice),
                seen_params(e.seen),
            ]
            .concat(),
        )?;
        ended_if_any(&rows)
    }

    fn spend(&self, user_id: &str, proof: &Proof, seen: &Seen) -> Result<bool, Fault> {
        let rows = match proof {
            Proof::Step(step) => query_with(
                &self.conn,
                "u AS (
                     UPDATE two_factor SET last_step = $2
                     WHERE user_id = $1::text::uuid AND enabled_at IS NOT NULL
                       AND last_step < $2
                     RETURNING user_id AS id)",
                "SELECT count(*) FROM u",
                &[user_id.to_owned().into(), (*step).into()],
            )?,
            Proof::RecoveryCode(digest) => query_with(
                &self.conn,
                &format!(
                    "u AS (
                         UPDATE recovery_codes SET used_at = now()
                         WHERE user_id = $1::text::uuid AND code_hash = $2 AND used_at IS NULL
                         RETURNING user_id AS id),
                     {}",
                    logged(Event::RecoveryCodeUsed, 3, 4)
                ),
                "SELECT count(*) FROM u",
                &[
                    vec![user_id.to_owned().into(), digest.clone().into()],
                    seen_params(seen),
                ]
                .concat(),
            )?,
        };
        Ok(pg::first_count(&rows)? > 0)
    }

    fn disable(&self, user_id: &str, notice: &Mail, seen: &Seen) -> Result<(), Fault> {
        query_with(
            &self.conn,
            &format!(
                "f AS (DELETE FROM two_factor WHERE user_id = $1::text::uuid RETURNING user_id),
                 u AS (SELECT users.id, users.email FROM users JOIN f ON f.user_id = users.id),
                 cleared AS (DELETE FROM recovery_codes c USING u WHERE c.user_id = u.id),
                 tickets AS (DELETE FROM login_tickets t USING u WHERE t.user_id = u.id),
                 mailed AS (
                     INSERT INTO account_mail (user_id, kind, recipient, subject, body)
                     SELECT id, $2, email, $3, $4 FROM u),
                 {}",
                logged(Event::TwoFactorDisabled, 5, 6)
            ),
            "SELECT count(*) FROM u",
            &[
                vec![user_id.to_owned().into()],
                mail_params(notice),
                seen_params(seen),
            ]
            .concat(),
        )
        .map(|_| ())
    }

    fn renew_codes(
        &self,
        user_id: &str,
        code_digests: &[String],
        seen: &Seen,
    ) -> Result<(), Fault> {
        query_with(
            &self.conn,
            &format!(
                "u AS (SELECT user_id AS id FROM two_factor
                       WHERE user_id = $1::text::uuid AND enabled_at IS NOT NULL),
                 cleared AS (DELETE FROM recovery_codes c USING u WHERE c.user_id = u.id),
                 codes AS (
                     INSERT INTO recovery_codes (user_id, code_hash)
                     SELECT u.id, code FROM u, unnest(string_to_array($2, ',')) AS code),
                 {}",
                logged(Event::RecoveryCodesRenewed, 3, 4)
            ),
            "SELECT count(*) FROM u",
            &[
                vec![user_id.to_owned().into(), code_digests.join(",").into()],
                seen_params(seen),
            ]
            .concat(),
        )
        .map(|_| ())
    }

    fn issue_ticket(&self, digest: &str, verified: &Verified) -> Result<(), Fault> {
        // Spent and expired tickets of the account go as a new one is issued.
        query_with(
            &self.conn,
            "swept AS (
                 DELETE FROM login_tickets
                 WHERE user_id = $2::text::uuid AND (used_at IS NOT NULL OR expires_at < now())),
             issued AS (
                 INSERT INTO login_tickets (token_hash, user_id, credentials_version, expires_at)
                 VALUES ($1, $2::text::uuid, $3::int, now() + $4::bigint * interval '1 second'))",
            "SELECT 1",
            &[
                digest.to_owned().into(),
                verified.user_id.clone().into(),
                verified.version.into(),
                TICKET_SECONDS.into(),
            ],
        )
        .map(|_| ())
    }

    fn ticket(&self, digest: &str) -> Result<Option<Verified>, Fault> {
        let rows = query(
            &self.conn,
            "SELECT user_id::text, credentials_version FROM login_tickets
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()",
            &[digest.to_owned().into()],
        )?;
        rows.first()
            .map(|row| {
                Ok(Verified {
                    user_id: text(row.first())?,
                    version: i32::try_from(pg::int(row.get(1))?).map_err(|e| e.to_string())?,
                    two_factor: true,
                })
            })
            .transpose()
            .map_err(Fault::Internal)
    }

    fn spend_ticket(&self, digest: &str) -> Result<bool, Fault> {
        let rows = query_with(
            &self.conn,
            "spent AS (
                 UPDATE login_tickets SET used_at = now()
                 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
                 RETURNING 1)",
            "SELECT count(*) FROM spent",
            &[digest.to_owned().into()],
        )?;
        Ok(pg::first_count(&rows)? > 0)
    }

    fn failed_code(&self, user_id: &str, seen: &Seen) -> Result<(), Fault> {
        pg::execute(
            &self.conn,
            "INSERT INTO security_events (user_id, kind, address, user_agent)
             VALUES ($1::text::uuid, $2, $3, $4)",
            &[
                vec![
                    user_id.to_owned().into(),
                    Event::LoginCodeFailed.as_key().to_owned().into(),
                ],
                seen_params(seen),
            ]
            .concat(),
        )
        .map(|_| ())
    }
}
