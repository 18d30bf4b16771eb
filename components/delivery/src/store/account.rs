//! Account e-mails' deliveries in Postgres: queued from `delivery_account_outbox` (V41:
//! identity's published `account_mail_outbox` and the quotes' `quote_mail_outbox`, a
//! freelancer's notice addressed through identity's `account_standing`), claimed and
//! finished like invoices' (one statement each).

use fin_problem::Fault;
use fin_spin_edge::pg::{self, execute, int, optional_text, query_with, text};

use super::PgQueue;
use crate::account::{AccountMail, AccountQueue, Content, QuotePdf};
use crate::domain::Next;

impl AccountQueue for PgQueue {
    fn enqueue_account_mail(&self) -> Result<usize, Fault> {
        // Identity keeps an e-mail a week; one not queued by then was never owed (a
        // quote's notice too: an answer a week old is no news).
        let rows = query_with(
            &self.conn,
            "queued AS (
                 INSERT INTO account_deliveries (mail_id)
                 SELECT o.id FROM delivery_account_outbox o
                 WHERE o.created_at > now() - interval '7 days'
                   AND NOT EXISTS (SELECT 1 FROM account_deliveries d WHERE d.mail_id = o.id)
                 ON CONFLICT (mail_id) DO NOTHING
                 RETURNING mail_id)",
            "SELECT count(*) FROM queued",
            &[],
        )?;
        let count = pg::first_count(&rows)?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    fn claim_account_mail(&self, lease_seconds: i64) -> Result<Option<AccountMail>, Fault> {
        let rows = query_with(
            &self.conn,
            "due AS (
                 SELECT mail_id FROM account_deliveries
                 WHERE (status = 'queued' AND next_attempt_at <= now())
                    OR (status = 'sending' AND lease_until < now())
                 ORDER BY next_attempt_at
                 LIMIT 1
                 FOR UPDATE SKIP LOCKED),
             claimed AS (
                 UPDATE account_deliveries d
                 SET status = 'sending', attempts = attempts + 1,
                     lease_until = now() + $1::bigint * interval '1 second'
                 FROM due WHERE d.mail_id = due.mail_id
                 RETURNING d.mail_id, d.attempts)",
            "SELECT c.mail_id::text, c.attempts, o.recipient, o.subject, o.body,
                    o.from_name, o.reply_to, o.owner_id::text, o.quote_id::text, o.attachment
             FROM claimed c LEFT JOIN delivery_account_outbox o ON o.id = c.mail_id",
            &[lease_seconds.into()],
        )?;
        rows.first()
            .map(|row| {
                let recipient = optional_text(row.get(2))?;
                Ok(AccountMail {
                    id: text(row.first())?,
                    attempt: u32::try_from(int(row.get(1))?).map_err(|e| e.to_string())?,
                    content: match recipient {
                        Some(recipient) => Some(Content {
                            recipient,
                            subject: text(row.get(3))?,
                            body: text(row.get(4))?,
                            from_name: optional_text(row.get(5))?,
                            reply_to: optional_text(row.get(6))?,
                            pdf: match (
                                optional_text(row.get(7))?,
                                optional_text(row.get(8))?,
                                optional_text(row.get(9))?,
                            ) {
                                (Some(owner), Some(quote_id), Some(filename)) => Some(QuotePdf {
                                    owner,
                                    quote_id,
                                    filename,
                                }),
                                _ => None,
                            },
                        }),
                        None => None,
                    },
                })
            })
            .transpose()
            .map_err(|e: String| Fault::Internal(e))
    }

    fn finish_account_mail(&self, mail: &AccountMail, next: &Next) -> Result<(), Fault> {
        let (status, provider_id, retry_in, error) = super::row_state(next);
        // A skip never happens to an account e-mail; were it to, it is not sent.
        let status = if status == "skipped" {
            "failed"
        } else {
            status
        };
        execute(
            &self.conn,
            "UPDATE account_deliveries
             SET status = $3, lease_until = NULL,
                 provider_message_id = COALESCE($4, provider_message_id),
                 next_attempt_at = now() + $5::bigint * interval '1 second',
                 last_error = $6,
                 sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END
             WHERE mail_id = $1::text::uuid AND status = 'sending' AND attempts = $2::bigint",
            &[
                mail.id.clone().into(),
                i64::from(mail.attempt).into(),
                status.to_owned().into(),
                pg::text_or_null(provider_id.as_deref()),
                retry_in.into(),
                pg::text_or_null(error.as_deref()),
            ],
        )
        .map(|_| ())
    }
}
