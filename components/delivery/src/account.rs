//! Account e-mails — verification and reset links, notices of a changed password — that
//! identity owes its users; and the quotes context's: a quote sent to its client (with
//! its PDF, printed when sent), the notice of its answer to the freelancer. Each is
//! written with the change that owes it and published in a view (`account_mail_outbox`,
//! `quote_mail_outbox`); the mailer sends them exactly once the way it sends invoices: a
//! row per e-mail here before the provider is called, its id the idempotency key, a
//! lease per attempt, the same retries and the same `mail` breaker.

use fin_breaker::{Open, Permit};
use fin_ephemeral::Kv;
use fin_problem::Fault;

use crate::domain::{Next, Outcome};
use crate::message;
use crate::provider::{Attachment, Email, Provider};
use crate::service::{Claimed, Fetch, Invoices, Mailer, Queue, Transport};

/// An account e-mail a mailer holds for one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMail {
    pub id: String,
    /// This attempt's number, 1 for the first.
    pub attempt: u32,
    /// `None` when identity no longer has it (the account was erased, or a week passed).
    pub content: Option<Content>,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Content {
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Whose name it goes out under (a quote to a client: the freelancer's); `None`
    /// for the app's own e-mails.
    pub from_name: Option<String>,
    pub reply_to: Option<String>,
    /// The quote whose PDF goes with the e-mail.
    pub pdf: Option<QuotePdf>,
}

/// A quote's PDF, printed as its owner when the e-mail is sent — not stored with the
/// e-mail: the quote a client reads attached is the one its link shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotePdf {
    pub owner: String,
    pub quote_id: String,
    /// `QUO-2026-0001.pdf`.
    pub filename: String,
}

impl std::fmt::Debug for Content {
    /// The body may hold a link that opens an account: never in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Content({:?})", self.subject)
    }
}

/// The account e-mails' table (Postgres in production).
pub trait AccountQueue {
    /// Queues every e-mail of identity's outbox not queued yet: how many.
    fn enqueue_account_mail(&self) -> Result<usize, Fault>;
    /// Takes the next due e-mail (or one whose mailer's lease ran out), or none.
    fn claim_account_mail(&self, lease_seconds: i64) -> Result<Option<AccountMail>, Fault>;
    /// Records the attempt's end, unless another mailer has taken the e-mail since.
    fn finish_account_mail(&self, mail: &AccountMail, next: &Next) -> Result<(), Fault>;
}

/// The e-mail to send: from the app itself (or in the freelancer's name), as text and
/// the same text as HTML.
pub fn email(
    from_address: &str,
    mail: &AccountMail,
    content: &Content,
    attachments: Vec<Attachment>,
) -> Email {
    let links: Vec<Option<&str>> = content
        .body
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("https://") || line.starts_with("http://"))
        .map(Some)
        .collect();
    let name = content.from_name.as_deref().unwrap_or("Fin-Freelancer");
    Email {
        from: message::from_header(name, from_address),
        to: content.recipient.clone(),
        reply_to: content.reply_to.clone(),
        subject: content.subject.clone(),
        text: content.body.clone(),
        html: message::html(&content.body, &links),
        attachments,
        idempotency_key: format!("fin-account-mail/{}", mail.id),
    }
}

impl<Q, I, P, T, K> Mailer<'_, Q, I, P, T, K>
where
    Q: Queue,
    I: Invoices,
    P: Provider,
    T: Transport,
    K: Kv,
    Fault: From<K::Error>,
{
    /// Sends up to `max` due e-mails — account e-mails first (somebody is waiting at a
    /// screen for the link), then invoices' — behind the one `mail` breaker. Each permit
    /// goes to whichever e-mail is due: a half-open breaker's one trial is never handed
    /// back for want of an account e-mail while invoices wait.
    ///
    /// While the provider's breaker is open nothing is claimed: the e-mails wait in their
    /// queues with their attempts unspent, and go out once a trial call finds the
    /// provider back (the supervisor's nudge brings the mailers round every few seconds).
    pub fn deliver_all(
        &self,
        accounts: &impl AccountQueue,
        max: usize,
    ) -> Result<Vec<Delivered>, Fault> {
        let mut done = Vec::new();
        while done.len() < max {
            let permit = match self.breaker.admit((self.now)())? {
                Ok(permit) => permit,
                Err(Open { retry_after }) => {
                    fin_log::warn!("mailer", "the provider's breaker is open; sending resumes in {retry_after} s at the latest");
                    break;
                }
            };
            if let Some(mail) = accounts.claim_account_mail(self.lease_seconds)? {
                let next = self.send_account_mail(&mail, permit)?;
                accounts.finish_account_mail(&mail, &next)?;
                done.push(Delivered::Account(mail, next));
            } else if let Some(claimed) = self.queue.claim(self.lease_seconds)? {
                let next = self.deliver_claimed(&claimed, permit)?;
                done.push(Delivered::Invoice(claimed, next));
            } else {
                self.breaker.release(permit)?;
                break;
            }
        }
        Ok(done)
    }

    /// One attempt at an account e-mail under `permit`; what it comes to.
    fn send_account_mail(&self, mail: &AccountMail, permit: Permit) -> Result<Next, Fault> {
        let Some(content) = &mail.content else {
            self.breaker.release(permit)?;
            let gone = Outcome::Permanent {
                reason: "the account no longer has this e-mail".into(),
            };
            return Ok(self.policy.next(mail.attempt, gone));
        };
        let attachments = match &content.pdf {
            None => Vec::new(),
            Some(pdf) => match self.invoices.quote_pdf(&pdf.owner, &pdf.quote_id) {
                Ok(bytes) => vec![Attachment {
                    filename: pdf.filename.clone(),
                    content_type: "application/pdf".into(),
                    bytes,
                }],
                // The provider was not called: the permit says nothing of it.
                Err(fetch) => {
                    self.breaker.release(permit)?;
                    let outcome = match fetch {
                        Fetch::Unavailable(reason) => Outcome::Transient {
                            reason,
                            after: None,
                        },
                        Fetch::Refused(reason) | Fetch::Settled(reason) => {
                            Outcome::Permanent { reason }
                        }
                    };
                    return Ok(self.policy.next(mail.attempt, outcome));
                }
            },
        };
        let request =
            self.provider
                .request(&email(&self.sender.address, mail, content, attachments));
        let answer = self.transport.send(&request);
        self.count(permit, crate::service::provider_failed(&answer))?;
        Ok(self
            .policy
            .next(mail.attempt, self.provider.outcome(answer)))
    }
}

/// What one attempt was for, and what it came to.
#[derive(Debug)]
pub enum Delivered {
    Account(AccountMail, Next),
    Invoice(Claimed, Next),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_mail_is_from_the_app_with_its_link_clickable_and_one_key_per_mail() {
        let mail = AccountMail {
            id: "m-1".into(),
            attempt: 2,
            content: None,
        };
        let content = Content {
            recipient: "ada@example.com".into(),
            subject: "Reset your password".into(),
            body: "Hello,\n\nopen this link:\n\nhttps://app.example/app/reset-password#token=abc\n\n— Fin".into(),
            from_name: None,
            reply_to: None,
            pdf: None,
        };
        let email = email("accounts@app.example", &mail, &content, Vec::new());
        assert_eq!(email.from, "\"Fin-Freelancer\" <accounts@app.example>");
        assert_eq!(email.idempotency_key, "fin-account-mail/m-1");
        assert!(email
            .html
            .contains("<a href=\"https://app.example/app/reset-password#token=abc\">"));
        assert!(!format!("{content:?}").contains("token"), "never logged");
    }

    #[test]
    fn a_quote_to_a_client_is_from_the_freelancers_name_and_replies_to_them() {
        let mail = AccountMail {
            id: "m-2".into(),
            attempt: 1,
            content: None,
        };
        let content = Content {
            recipient: "buyer@acme.example".into(),
            subject: "Quote QUO-2026-1 from Ada".into(),
            body: "Hello,\n\nhttps://app.example/share/quotes/abc\n".into(),
            from_name: Some("Ada \"The\" <Studio>".into()),
            reply_to: Some("ada@example.com".into()),
            pdf: None,
        };
        let email = email("accounts@app.example", &mail, &content, Vec::new());
        assert_eq!(email.from, "\"Ada The Studio\" <accounts@app.example>");
        assert_eq!(email.reply_to.as_deref(), Some("ada@example.com"));
        assert!(email
            .html
            .contains("<a href=\"https://app.example/share/quotes/abc\">"));
    }
}
