//! The mailer's two use cases, over ports so they run natively in tests: queue what
//! billing's feed says is owed, and send what is due.

use fin_breaker::{Breaker, Permit};
use fin_ephemeral::Kv;
use fin_feed::{Feed, FeedEvent, Hint, Position};
use fin_problem::Fault;

use crate::domain::{Kind, Next, Outcome, RetryPolicy};
use crate::message::{self, Facts, Language};
use crate::provider::{Answer, Attachment, Email, Provider, Request};
use crate::settings::Settings;

/// A delivery to write, from the event that asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    pub owner_id: String,
    pub invoice_id: String,
    pub kind: Kind,
    pub event_id: String,
    /// When the event happened: events from before delivery existed are owed nothing.
    pub occurred_at: String,
    /// The request that wrote the event, whose trace the delivery continues.
    pub traceparent: Option<String>,
}

/// What the mailer keeps of an invoice, from the state its events carry: enough to find
/// the overdue ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceState {
    pub invoice_id: String,
    pub owner_id: String,
    pub status: String,
    pub due_date: String,
    pub version: i64,
    pub deleted: bool,
}

/// A delivery a mailer holds for one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: String,
    pub owner_id: String,
    pub invoice_id: String,
    pub kind: Kind,
    /// This attempt's number, 1 for the first.
    pub attempt: u32,
    /// The share link an earlier attempt made.
    pub share_link_id: Option<String>,
    /// The trace of the request that asked for the delivery, where it was traced.
    pub traceparent: Option<String>,
}

/// What an attempt leaves on the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub next: Next,
    pub recipient: Option<String>,
    pub share_link_id: Option<String>,
}

/// The deliveries table (Postgres in production).
pub trait Queue {
    /// Where the feed was last read to.
    fn checkpoint(&self) -> Result<Position, Fault>;
    /// Writes the deliveries (each once: a second write of one changes nothing; one owed
    /// for an event from before delivery existed is passed over) and moves the
    /// checkpoint to `last`, in one step.
    fn enqueue(&self, owed: &[Owed], states: &[InvoiceState], last: Position) -> Result<(), Fault>;
    /// Queues the reminder each overdue invoice is due on `today` (`YYYY-MM-DD`; `None`
    /// is today, UTC): for owners who turned reminders on, the latest step whose day has
    /// come, once.
    fn sweep(&self, today: Option<&str>) -> Result<usize, Fault>;
    /// Takes the next due delivery (or one whose mailer's lease ran out), or none.
    fn claim(&self, lease_seconds: i64) -> Result<Option<Claimed>, Fault>;
    /// Records the attempt's end, unless another mailer has taken the delivery since.
    fn finish(&self, claimed: &Claimed, finished: &Finished) -> Result<(), Fault>;
    /// The owner's settings (the defaults when they saved none).
    fn settings(&self, owner: &str) -> Result<Settings, Fault>;
}

/// Why the API could not give what an e-mail needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    /// The invoice is paid or void: a reminder has nothing to ask for (an invoice e-mail
    /// for a void invoice is a failure).
    Settled(String),
    /// It will not get better: the invoice is gone, void, or has no one to send to.
    Refused(String),
    /// It may: the API or the database is down, a timeout.
    Unavailable(String),
}

/// What an invoice's e-mail is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// As billing keeps it: `sent`, `paid` or `void` (`overdue` is a sent one).
    pub status: String,
    pub facts: Facts,
    pub recipient: String,
    pub reply_to: Option<String>,
    pub language: Language,
    /// The freelancer takes card payments (has connected Stripe): the e-mail offers
    /// "Pay now" while there is a balance.
    pub card_payments: bool,
}

/// The API, as the invoice's owner.
pub trait Invoices {
    fn invoice(&self, owner: &str, invoice: &str) -> Result<Invoice, Fetch>;
    /// A fresh share link (revoking `previous`, an earlier attempt's): (id, url).
    fn share_link(
        &self,
        owner: &str,
        invoice: &str,
        previous: Option<&str>,
    ) -> Result<(String, String), Fetch>;
    /// The PDF, and the e-invoice when the invoice can be one.
    fn documents(&self, owner: &str, invoice: &str, number: &str)
        -> Result<Vec<Attachment>, Fetch>;
    /// A quote's PDF, as the quote's owner prints it.
    fn quote_pdf(&self, owner: &str, quote: &str) -> Result<Vec<u8>, Fetch>;
}

/// Sends a provider's request (Spin's outbound HTTP in production).
pub trait Transport {
    fn send(&self, request: &Request) -> Result<Answer, String>;
}

/// The span an attempt runs under: in production the attempt joins the trace of the
/// request that sent the invoice (fin_spin_edge::trace), so its calls and statements are
/// under it; it hears what came of the attempt when it ends.
pub trait AttemptSpan {
    fn end(self: Box<Self>, next: &Next);
}

/// Opens an attempt's span.
pub type TraceAttempt = fn(&Claimed) -> Box<dyn AttemptSpan>;

/// Who the e-mails are from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// The address the provider lets the app send from (`invoices@app.example`); the
    /// freelancer's name is shown with it and their address is the reply-to.
    pub address: String,
}

/// Whether a message's event was read by an earlier run of the mailer. That run queued
/// what the event owed and sent what was due, so this one would add nothing but its
/// statements: under a burst of writes, most messages. The supervisor's `catch-up`
/// nudge hints nothing and always runs in full — it is what brings retries and reminders
/// round. An event hidden behind an older open transaction when an earlier run read the
/// feed is past that run's checkpoint, so its message is never taken for read.
pub fn already_read(queue: &impl Queue, hint: &Hint) -> Result<bool, Fault> {
    Ok(hint.position.is_some() && hint.read_by(queue.checkpoint()?))
}

/// Reads the feed after the checkpoint and queues a delivery for every invoice sent.
pub fn enqueue_owed(feed: &impl Feed, queue: &impl Queue, batch: u32) -> Result<usize, Fault> {
    let mut queued = 0;
    loop {
        let after = queue.checkpoint()?;
        let events = feed.read(after, batch)?;
        let Some(last) = events.last().map(|e| e.position) else {
            return Ok(queued);
        };
        let owed: Vec<Owed> = events.iter().filter_map(owed).collect();
        let states: Vec<InvoiceState> = events.iter().filter_map(state).collect();
        queue.enqueue(&owed, &states, last)?;
        queued += owed.len();
        if events.len() < batch as usize {
            return Ok(queued);
        }
    }
}

/// The delivery an event asks for.
fn owed(event: &FeedEvent) -> Option<Owed> {
    (event.event_type == "invoice.sent").then(|| Owed {
        owner_id: event.owner_id.clone(),
        invoice_id: event.aggregate_id.clone(),
        kind: Kind::Invoice,
        event_id: event.id.clone(),
        occurred_at: event.occurred_at.clone(),
        traceparent: event.traceparent.clone(),
    })
}

/// Whether there is still something to send: an invoice e-mail goes unless the invoice
/// was voided (a paid one is still the client's invoice); a reminder only while
/// something is owed.
fn settled(kind: Kind, status: &str) -> Result<(), Fetch> {
    match (kind, status) {
        (_, "void") => Err(Fetch::Settled("the invoice was voided".into())),
        (Kind::Reminder { .. }, "paid") => Err(Fetch::Settled("the invoice was paid".into())),
        _ => Ok(()),
    }
}

/// The invoice as an event left it; `None` for a payload without one (logged by billing's
/// readers already; nothing to keep).
fn state(event: &FeedEvent) -> Option<InvoiceState> {
    let payload: serde_json::Value = serde_json::from_str(&event.payload).ok()?;
    let invoice = payload.get("invoice")?;
    Some(InvoiceState {
        invoice_id: event.aggregate_id.clone(),
        owner_id: event.owner_id.clone(),
        status: invoice.get("status")?.as_str()?.to_owned(),
        due_date: invoice.get("due_date")?.as_str()?.to_owned(),
        version: event.aggregate_version,
        deleted: invoice.get("deleted_at").is_some_and(|d| !d.is_null()),
    })
}

/// What the mailer needs to send.
pub struct Mailer<'a, Q, I, P, T, K> {
    pub queue: &'a Q,
    pub invoices: &'a I,
    pub provider: &'a P,
    pub transport: &'a T,
    /// `mail`: in front of the provider, shared by every mailer.
    pub breaker: &'a Breaker<K>,
    /// Seconds since the Unix epoch, for the breaker.
    pub now: fn() -> i64,
    pub policy: RetryPolicy,
    pub sender: Sender,
    pub lease_seconds: i64,
    pub trace: TraceAttempt,
}

/// Whether the provider itself failed (no answer, 429, 5xx) rather than answer: what
/// the breaker counts. A refused address or a bad key is an answer.
pub(crate) fn provider_failed(answer: &Result<Answer, String>) -> bool {
    match answer {
        Ok(answer) => answer.status == 429 || answer.status >= 500,
        Err(_) => true,
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
    /// One attempt at a delivery claimed under `permit`, its end recorded, the permit
    /// spent (counted if the provider was called, else handed back).
    pub(crate) fn deliver_claimed(&self, claimed: &Claimed, permit: Permit) -> Result<Next, Fault> {
        let span = (self.trace)(claimed);
        let (finished, called) = self.attempt(claimed);
        span.end(&finished.next);
        self.queue.finish(claimed, &finished)?;
        match called {
            Some(failed) => self.count(permit, failed)?,
            None => self.breaker.release(permit)?,
        }
        Ok(finished.next)
    }

    /// Counts a call the provider answered (or failed to) against the breaker.
    pub(crate) fn count(&self, permit: Permit, failed: bool) -> Result<(), Fault> {
        if let Some(t) = self.breaker.record(permit, !failed, (self.now)())? {
            self.breaker.log(t);
        }
        Ok(())
    }

    /// One attempt, and whether the provider was called (`Some(failed)`): an attempt that
    /// stopped before the call (the invoice settled, the API away) says nothing of it.
    fn attempt(&self, claimed: &Claimed) -> (Finished, Option<bool>) {
        let (owner, id) = (claimed.owner_id.as_str(), claimed.invoice_id.as_str());
        let mut finished = Finished {
            next: Next::Fail {
                reason: String::new(),
            },
            recipient: None,
            share_link_id: claimed.share_link_id.clone(),
        };
        let mut called = None;
        let fetched = self.invoices.invoice(owner, id).and_then(|invoice| {
            settled(claimed.kind, &invoice.status)?;
            finished.recipient = Some(invoice.recipient.clone());
            let (link_id, url) =
                self.invoices
                    .share_link(owner, id, claimed.share_link_id.as_deref())?;
            finished.share_link_id = Some(link_id);
            let attachments = self.invoices.documents(owner, id, &invoice.facts.number)?;
            Ok((invoice, url, attachments))
        });
        let settings = self.queue.settings(owner).map_err(|e| e.to_string());
        let outcome =
            match fetched.and_then(|f| settings.map(|s| (f, s)).map_err(Fetch::Unavailable)) {
                Ok(((invoice, url, attachments), settings)) => {
                    let email = self.email(claimed, &settings, invoice, url, attachments);
                    let request = self.provider.request(&email);
                    let answer = self.transport.send(&request);
                    called = Some(provider_failed(&answer));
                    self.provider.outcome(answer)
                }
                Err(Fetch::Settled(reason)) if matches!(claimed.kind, Kind::Reminder { .. }) => {
                    finished.next = Next::Skip { reason };
                    return (finished, None);
                }
                Err(Fetch::Settled(reason)) => Outcome::Permanent {
                    reason: format!("{reason} before it could be delivered"),
                },
                Err(Fetch::Refused(reason)) => Outcome::Permanent { reason },
                Err(Fetch::Unavailable(reason)) => Outcome::Transient {
                    reason,
                    after: None,
                },
            };
        finished.next = self.policy.next(claimed.attempt, outcome);
        (finished, called)
    }

    fn email(
        &self,
        claimed: &Claimed,
        settings: &Settings,
        mut invoice: Invoice,
        url: String,
        attachments: Vec<Attachment>,
    ) -> Email {
        if invoice.card_payments && invoice.facts.balance > 0 {
            invoice.facts.pay_link = Some(format!("{url}/pay"));
        }
        invoice.facts.link = Some(url);
        if let Some(name) = &settings.sender_name {
            invoice.facts.seller = name.clone();
        }
        let written = message::write(
            claimed.kind,
            &invoice.facts,
            invoice.language,
            &settings.wording(claimed.kind),
            settings.last_step(claimed.kind),
        );
        Email {
            from: message::from_header(&invoice.facts.seller, &self.sender.address),
            to: invoice.recipient,
            reply_to: invoice.reply_to,
            subject: written.subject,
            text: written.text,
            html: written.html,
            attachments,
            idempotency_key: format!("fin-delivery/{}", claimed.id),
        }
    }
}

#[cfg(test)]
mod tests;
