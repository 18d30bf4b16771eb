//! The mailer over an in-memory queue and the real Resend stand-in (over HTTP), so what
//! "exactly one e-mail" means is checked against what a provider receives.

use std::sync::Mutex;
use std::time::Duration;

use fin_mail_standin::{Fault as StandinFault, Standin};

use fin_breaker::Settings;
use fin_ephemeral::MemoryKv;

use super::*;
use crate::resend::Resend;

/// No account e-mails: a round of the mailer over the invoices' deliveries alone.
struct NoAccountMail;

impl crate::account::AccountQueue for NoAccountMail {
    fn enqueue_account_mail(&self) -> Result<usize, Fault> {
        Ok(0)
    }
    fn claim_account_mail(&self, _: i64) -> Result<Option<crate::account::AccountMail>, Fault> {
        Ok(None)
    }
    fn finish_account_mail(&self, _: &crate::account::AccountMail, _: &Next) -> Result<(), Fault> {
        Ok(())
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
    /// The invoices' deliveries sent in one round, and what each came to.
    fn deliver_due(&self, max: usize) -> Result<Vec<(Claimed, Next)>, Fault> {
        Ok(self
            .deliver_all(&NoAccountMail, max)?
            .into_iter()
            .filter_map(|done| match done {
                crate::account::Delivered::Invoice(claimed, next) => Some((claimed, next)),
                crate::account::Delivered::Account(..) => None,
            })
            .collect())
    }
}

/// The deliveries table, with a clock the test moves.
#[derive(Default)]
struct MemQueue {
    settings: Mutex<Option<crate::settings::Settings>>,
    states: Mutex<Vec<InvoiceState>>,
    rows: Mutex<Vec<Row>>,
    position: Mutex<Position>,
    now: Mutex<i64>,
}

#[derive(Clone, Debug)]
struct Row {
    id: String,
    owed: Owed,
    status: &'static str,
    attempts: u32,
    next_at: i64,
    lease_until: i64,
    recipient: Option<String>,
    last_error: Option<String>,
    link: Option<String>,
}

impl MemQueue {
    fn advance(&self, seconds: i64) {
        *self.now.lock().expect("clock") += seconds;
    }
    fn rows(&self) -> Vec<Row> {
        self.rows.lock().expect("rows").clone()
    }
}

impl Queue for MemQueue {
    fn checkpoint(&self) -> Result<Position, Fault> {
        Ok(*self.position.lock().expect("position"))
    }
    fn enqueue(&self, owed: &[Owed], states: &[InvoiceState], last: Position) -> Result<(), Fault> {
        self.states
            .lock()
            .expect("states")
            .extend_from_slice(states);
        let mut rows = self.rows.lock().expect("rows");
        for o in owed {
            if !rows
                .iter()
                .any(|r| r.owed.invoice_id == o.invoice_id && r.owed.kind == o.kind)
            {
                let id = format!("d{}", rows.len() + 1);
                rows.push(Row {
                    id,
                    owed: o.clone(),
                    status: "queued",
                    attempts: 0,
                    next_at: 0,
                    lease_until: 0,
                    recipient: None,
                    last_error: None,
                    link: None,
                });
            }
        }
        *self.position.lock().expect("position") = last;
        Ok(())
    }
    fn claim(&self, lease_seconds: i64) -> Result<Option<Claimed>, Fault> {
        let now = *self.now.lock().expect("clock");
        let mut rows = self.rows.lock().expect("rows");
        let due = rows.iter_mut().find(|r| {
            (r.status == "queued" && r.next_at <= now)
                || (r.status == "sending" && r.lease_until < now)
        });
        Ok(due.map(|r| {
            r.status = "sending";
            r.attempts += 1;
            r.lease_until = now + lease_seconds;
            Claimed {
                id: r.id.clone(),
                owner_id: r.owed.owner_id.clone(),
                invoice_id: r.owed.invoice_id.clone(),
                kind: r.owed.kind,
                attempt: r.attempts,
                share_link_id: r.link.clone(),
                traceparent: r.owed.traceparent.clone(),
            }
        }))
    }
    fn finish(&self, claimed: &Claimed, finished: &Finished) -> Result<(), Fault> {
        let now = *self.now.lock().expect("clock");
        let mut rows = self.rows.lock().expect("rows");
        let Some(r) = rows
            .iter_mut()
            .find(|r| r.id == claimed.id && r.status == "sending" && r.attempts == claimed.attempt)
        else {
            return Ok(());
        };
        r.recipient = finished.recipient.clone();
        r.link = finished.share_link_id.clone();
        match &finished.next {
            Next::MarkSent { .. } => r.status = "sent",
            Next::Skip { reason } => {
                r.status = "skipped";
                r.last_error = Some(reason.clone());
            }
            Next::RetryIn { seconds, reason } => {
                r.status = "queued";
                r.next_at = now + seconds;
                r.last_error = Some(reason.clone());
            }
            Next::Fail { reason } => {
                r.status = "failed";
                r.last_error = Some(reason.clone());
            }
        }
        Ok(())
    }
    fn sweep(&self, _today: Option<&str>) -> Result<usize, Fault> {
        Ok(0) // the SQL itself is tested under spin up (tests/tests/delivery.rs)
    }
    fn settings(&self, _owner: &str) -> Result<crate::settings::Settings, Fault> {
        Ok(self
            .settings
            .lock()
            .expect("settings")
            .clone()
            .unwrap_or_else(crate::settings::Settings::defaults))
    }
}

/// The API: one invoice per id, a new share link per call.
struct FakeInvoices {
    email: Option<&'static str>,
    links: Mutex<usize>,
    status: Mutex<String>,
}

impl Invoices for FakeInvoices {
    fn invoice(&self, _owner: &str, invoice: &str) -> Result<Invoice, Fetch> {
        let recipient = self
            .email
            .ok_or_else(|| Fetch::Refused("the client has no e-mail address".into()))?;
        Ok(Invoice {
            status: self.status.lock().expect("status").clone(),
            facts: Facts {
                number: format!("INV-{invoice}"),
                total: 88_411,
                balance: 88_411,
                currency: "EUR".into(),
                due_date: "2026-12-31".into(),
                seller: "Ada Lovelace \"Consulting\"".into(),
                client: "Acme GmbH".into(),
                link: None,
                pay_link: None,
            },
            recipient: recipient.into(),
            reply_to: Some("ada@example.com".into()),
            language: Language::German,
            card_payments: true,
        })
    }
    fn share_link(&self, _: &str, _: &str, _: Option<&str>) -> Result<(String, String), Fetch> {
        let mut n = self.links.lock().expect("links");
        *n += 1;
        Ok((
            format!("link-{n}"),
            format!("https://app.example/share/token-{n}"),
        ))
    }
    fn documents(&self, _: &str, _: &str, number: &str) -> Result<Vec<Attachment>, Fetch> {
        Ok(vec![
            Attachment {
                filename: format!("{number}.pdf"),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.7 fake".to_vec(),
            },
            Attachment {
                filename: format!("{number}.xml"),
                content_type: "application/xml".into(),
                bytes: b"<Invoice/>".to_vec(),
            },
        ])
    }
    fn quote_pdf(&self, _: &str, quote: &str) -> Result<Vec<u8>, Fetch> {
        match quote {
            "away" => Err(Fetch::Unavailable("documents did not answer".into())),
            _ => Ok(format!("%PDF-1.7 quote {quote}").into_bytes()),
        }
    }
}

/// HTTP to the stand-in, with a timeout shorter than its stall.
struct Http;

impl Transport for Http {
    fn send(&self, request: &Request) -> Result<Answer, String> {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(2)))
            .build()
            .new_agent();
        let mut call = agent.post(&request.url);
        for (name, value) in &request.headers {
            call = call.header(*name, value);
        }
        let mut reply = call.send(&request.body[..]).map_err(|e| e.to_string())?;
        Ok(Answer {
            status: reply.status().as_u16(),
            retry_after: None,
            body: reply.body_mut().read_to_vec().map_err(|e| e.to_string())?,
        })
    }
}

fn owed(invoice: &str) -> Owed {
    Owed {
        owner_id: "ada".into(),
        invoice_id: invoice.into(),
        kind: Kind::Invoice,
        event_id: format!("event-{invoice}"),
        occurred_at: "2026-12-01T10:00:00Z".into(),
        traceparent: None,
    }
}

fn queue_with(invoices: &[&str]) -> MemQueue {
    let queue = MemQueue::default();
    let owed: Vec<Owed> = invoices.iter().map(|i| owed(i)).collect();
    queue
        .enqueue(&owed, &[], Position { tx: 1, seq: 1 })
        .expect("enqueue");
    queue
}

type TestMailer<'a> = Mailer<'a, MemQueue, FakeInvoices, Resend, Http, &'static MemoryKv>;

fn run<'a>(queue: &'a MemQueue, invoices: &'a FakeInvoices, resend: &'a Resend) -> TestMailer<'a> {
    run_with(queue, invoices, resend, breaker(BREAKER), || 1_000)
}

fn run_with<'a>(
    queue: &'a MemQueue,
    invoices: &'a FakeInvoices,
    resend: &'a Resend,
    breaker: &'a Breaker<&'static MemoryKv>,
    now: fn() -> i64,
) -> TestMailer<'a> {
    Mailer {
        queue,
        invoices,
        provider: resend,
        transport: &Http,
        breaker,
        now,
        policy: RetryPolicy::default(),
        sender: Sender {
            address: "invoices@fin.example".into(),
        },
        lease_seconds: 120,
        trace: |_| Box::new(Untraced),
    }
}

struct Untraced;

impl AttemptSpan for Untraced {
    fn end(self: Box<Self>, _: &Next) {}
}

/// The provider's breaker as the mailers share it, in memory (a test's own).
const BREAKER: Settings = Settings {
    failure_threshold: 3,
    cooldown: 30,
    trial_window: 5,
};

fn breaker(settings: Settings) -> &'static Breaker<&'static MemoryKv> {
    let kv: &'static MemoryKv = Box::leak(Box::default());
    Box::leak(Box::new(Breaker::new(kv, "mail", settings)))
}

fn resend_at(standin: &Standin) -> Resend {
    Resend {
        base_url: standin.url(),
        api_key: "re_test".into(),
    }
}

fn invoices() -> FakeInvoices {
    FakeInvoices {
        email: Some("billing@acme.example"),
        links: Mutex::new(0),
        status: Mutex::new("sent".into()),
    }
}

#[test]
fn one_sent_invoice_is_one_email_with_both_attachments_in_the_clients_language() {
    let standin = Standin::start(0, None).expect("stand-in");
    let (queue, api, resend) = (queue_with(&["1"]), invoices(), resend_at(&standin));
    let done = run(&queue, &api, &resend).deliver_due(10).expect("deliver");
    assert!(matches!(
        done[0].1,
        Next::MarkSent {
            provider_id: Some(_)
        }
    ));
    let got = standin.messages();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.email.to, ["billing@acme.example"]);
    assert_eq!(
        m.email.from,
        "\"Ada Lovelace Consulting\" <invoices@fin.example>"
    );
    assert_eq!(m.email.reply_to, ["ada@example.com"]);
    assert_eq!(
        m.email.subject,
        "Rechnung INV-1 von Ada Lovelace \"Consulting\""
    );
    assert!(m
        .email
        .text
        .as_deref()
        .unwrap_or_default()
        .contains("https://app.example/share/token-1"));
    let names: Vec<&str> = m
        .email
        .attachments
        .iter()
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(names, ["INV-1.pdf", "INV-1.xml"]);
    assert_eq!(m.idempotency_key.as_deref(), Some("fin-delivery/d1"));
    assert_eq!(queue.rows()[0].status, "sent");
    assert!(
        run(&queue, &api, &resend)
            .deliver_due(10)
            .expect("again")
            .is_empty(),
        "nothing is sent twice"
    );
}

#[test]
fn a_500_then_a_200_is_one_email_after_the_backoff() {
    let standin = Standin::start(0, None).expect("stand-in");
    let (queue, api, resend) = (queue_with(&["1"]), invoices(), resend_at(&standin));
    standin.fail_next(&[StandinFault::Status(500)]);
    let first = run(&queue, &api, &resend).deliver_due(10).expect("deliver");
    assert!(
        matches!(first[0].1, Next::RetryIn { seconds: 30, .. }),
        "{:?}",
        first[0].1
    );
    assert!(
        run(&queue, &api, &resend)
            .deliver_due(10)
            .expect("not yet")
            .is_empty(),
        "not before its time"
    );
    queue.advance(31);
    run(&queue, &api, &resend).deliver_due(10).expect("retry");
    assert_eq!(standin.messages().len(), 1);
    assert_eq!(standin.calls(), 2);
    assert_eq!(queue.rows()[0].status, "sent");
}

#[test]
fn the_providers_breaker_holds_the_queue_while_open_and_lets_one_trial_through() {
    let standin = Standin::start(0, None).expect("stand-in");
    let five = ["1", "2", "3", "4", "5"];
    let (queue, api, resend) = (queue_with(&five), invoices(), resend_at(&standin));
    let shared = breaker(BREAKER);
    // Two mailers over one breaker: failures from either count together.
    standin.fail_next(&[StandinFault::Status(503); 3]);
    let first = run_with(&queue, &api, &resend, shared, || 1_000).deliver_due(2);
    assert_eq!(first.expect("deliver").len(), 2);
    let second = run_with(&queue, &api, &resend, shared, || 1_001).deliver_due(10);
    assert_eq!(
        second.expect("deliver").len(),
        1,
        "open after the third failure"
    );
    assert_eq!(standin.calls(), 3);
    let rows = queue.rows();
    let unspent = rows
        .iter()
        .filter(|r| r.attempts == 0 && r.status == "queued");
    assert_eq!(
        unspent.count(),
        2,
        "claimed nothing more while open: {rows:?}"
    );

    // The failed ones are due again, yet nothing is claimed until the cool-down is over.
    queue.advance(31);
    let cooling = run_with(&queue, &api, &resend, shared, || 1_020).deliver_due(10);
    assert!(cooling.expect("open").is_empty(), "still cooling down");
    assert_eq!(standin.calls(), 3, "no call while open");

    // Half-open: one trial; it succeeds and the breaker closes, so the rest follow.
    let trial = run_with(&queue, &api, &resend, shared, || 1_031).deliver_due(1);
    assert_eq!(trial.expect("trial").len(), 1);
    assert!(matches!(
        shared.state(1_031).unwrap_or_else(|n| match n {}),
        fin_breaker::State::Closed { failures: 0 }
    ));
    queue.advance(300);
    let rest = run_with(&queue, &api, &resend, shared, || 1_032).deliver_due(10);
    assert_eq!(rest.expect("rest").len(), 4);
    assert_eq!(standin.messages().len(), 5, "every queued e-mail went out");
    assert!(
        queue.rows().iter().all(|r| r.status == "sent"),
        "{:?}",
        queue.rows()
    );
}

#[test]
fn a_refused_email_is_an_answer_and_never_opens_the_breaker() {
    let standin = Standin::start(0, None).expect("stand-in");
    let (queue, api, resend) = (
        queue_with(&["1", "2", "3", "4"]),
        invoices(),
        resend_at(&standin),
    );
    standin.fail_next(&[StandinFault::Status(422); 4]);
    let shared = breaker(BREAKER);
    let done = run_with(&queue, &api, &resend, shared, || 1_000).deliver_due(10);
    assert_eq!(done.expect("deliver").len(), 4);
    assert!(matches!(
        shared.state(1_000).unwrap_or_else(|n| match n {}),
        fin_breaker::State::Closed { failures: 0 }
    ));
}

#[test]
fn a_422_fails_for_good_with_the_providers_reason() {
    let standin = Standin::start(0, None).expect("stand-in");
    let (queue, api, resend) = (queue_with(&["1"]), invoices(), resend_at(&standin));
    standin.fail_next(&[StandinFault::Status(422)]);
    run(&queue, &api, &resend).deliver_due(10).expect("deliver");
    queue.advance(86_400);
    assert!(run(&queue, &api, &resend)
        .deliver_due(10)
        .expect("no retry")
        .is_empty());
    let row = &queue.rows()[0];
    assert_eq!(row.status, "failed");
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("suppression"),
        "{row:?}"
    );
    assert_eq!(standin.calls(), 1);
}

#[test]
fn an_answer_lost_to_a_timeout_is_not_sent_again() {
    let standin = Standin::start(0, None).expect("stand-in");
    let (queue, api, resend) = (queue_with(&["1"]), invoices(), resend_at(&standin));
    standin.fail_next(&[StandinFault::Timeout]);
    let first = run(&queue, &api, &resend).deliver_due(10).expect("deliver");
    assert!(
        matches!(first[0].1, Next::RetryIn { .. }),
        "the caller gave up waiting"
    );
    queue.advance(31);
    run(&queue, &api, &resend).deliver_due(10).expect("retry");
    assert_eq!(
        standin.messages().len(),
        1,
        "the idempotency key kept it to one e-mail"
    );
    assert_eq!(queue.rows()[0].status, "sent");
}

#[test]
fn a_mailer_dying_between_the_call_and_the_row_is_covered_by_the_lease_and_the_key() {
    let standin = Standin::start(0, None).expect("stand-in");
    let (queue, api, resend) = (queue_with(&["1"]), invoices(), resend_at(&standin));
    let mailer = run(&queue, &api, &resend);
    // The first mailer claims and sends, then dies before it records anything.
    let claimed = queue.claim(120).expect("claim").expect("due");
    let _lost = mailer.attempt(&claimed);
    assert_eq!(standin.messages().len(), 1);
    assert!(
        mailer.deliver_due(10).expect("leased").is_empty(),
        "held while the lease runs"
    );
    queue.advance(121);
    let done = mailer.deliver_due(10).expect("after the lease");
    assert!(matches!(done[0].1, Next::MarkSent { .. }));
    assert_eq!(standin.messages().len(), 1, "still one e-mail");
    assert_eq!(queue.rows()[0].attempts, 2);
}

#[test]
fn two_mailers_send_each_invoice_once() {
    let standin = Standin::start(0, None).expect("stand-in");
    let ids: Vec<String> = (1..=12).map(|n| n.to_string()).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let (queue, api, resend) = (queue_with(&refs), invoices(), resend_at(&standin));
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                run(&queue, &api, &resend)
                    .deliver_due(100)
                    .expect("deliver")
            });
        }
    });
    assert_eq!(standin.messages().len(), 12);
    assert!(queue.rows().iter().all(|r| r.status == "sent"));
}

#[test]
fn a_client_without_an_address_is_a_failure_said_plainly() {
    let standin = Standin::start(0, None).expect("stand-in");
    let queue = queue_with(&["1"]);
    let api = FakeInvoices {
        email: None,
        links: Mutex::new(0),
        status: Mutex::new("sent".into()),
    };
    let resend = resend_at(&standin);
    run(&queue, &api, &resend).deliver_due(10).expect("deliver");
    let row = &queue.rows()[0];
    assert_eq!(
        (row.status, row.last_error.as_deref()),
        ("failed", Some("the client has no e-mail address"))
    );
    assert_eq!(standin.calls(), 0);
}

use fin_feed::MemoryFeed as FakeFeed;

#[test]
fn every_sent_invoice_in_the_feed_is_owed_once() {
    let event = |seq: i64, kind: &str, invoice: &str| FeedEvent {
        id: format!("e{seq}"),
        event_type: kind.into(),
        occurred_at: "2026-12-01T10:00:00Z".into(),
        owner_id: "ada".into(),
        aggregate_id: invoice.into(),
        aggregate_version: seq,
        payload: "{}".into(),
        position: Position { tx: 7, seq },
        traceparent: None,
    };
    let feed = FakeFeed(vec![
        event(1, "invoice.created", "a"),
        event(2, "invoice.sent", "a"),
        event(3, "payment.recorded", "a"),
        event(4, "invoice.created", "b"),
        event(5, "invoice.sent", "b"),
    ]);
    let queue = MemQueue::default();
    assert_eq!(enqueue_owed(&feed, &queue, 2).expect("enqueue"), 2);
    assert_eq!(
        queue.checkpoint().expect("checkpoint"),
        Position { tx: 7, seq: 5 }
    );
    assert_eq!(
        enqueue_owed(&feed, &queue, 2).expect("again"),
        0,
        "read from the checkpoint on"
    );
    let invoices: Vec<String> = queue
        .rows()
        .iter()
        .map(|r| r.owed.invoice_id.clone())
        .collect();
    assert_eq!(invoices, ["a", "b"]);
}

/// What each attempt's span was opened under and closed with, in order.
static SPANS: Mutex<Vec<(Option<String>, String)>> = Mutex::new(Vec::new());

struct Recorded(Option<String>);

impl AttemptSpan for Recorded {
    fn end(self: Box<Self>, next: &Next) {
        let outcome = format!("{next:?}");
        let outcome = outcome.split(' ').next().unwrap_or_default().to_owned();
        SPANS.lock().expect("spans").push((self.0, outcome));
    }
}

#[test]
fn an_attempt_runs_under_the_trace_of_the_request_that_sent_the_invoice() {
    const SENT_BY: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let feed = FakeFeed(vec![FeedEvent {
        id: "e1".into(),
        event_type: "invoice.sent".into(),
        occurred_at: "2026-12-01T10:00:00Z".into(),
        owner_id: "ada".into(),
        aggregate_id: "1".into(),
        aggregate_version: 2,
        payload: "{}".into(),
        position: Position { tx: 7, seq: 1 },
        traceparent: Some(SENT_BY.into()),
    }]);
    let queue = MemQueue::default();
    enqueue_owed(&feed, &queue, 10).expect("enqueue");
    let standin = Standin::start(0, None).expect("stand-in");
    let (api, resend) = (invoices(), resend_at(&standin));
    standin.fail_next(&[StandinFault::Status(500)]);
    let mailer = Mailer {
        trace: |claimed| Box::new(Recorded(claimed.traceparent.clone())),
        ..run(&queue, &api, &resend)
    };
    mailer.deliver_due(10).expect("first attempt");
    queue.advance(31);
    mailer.deliver_due(10).expect("second attempt");
    assert_eq!(
        *SPANS.lock().expect("spans"),
        [
            (Some(SENT_BY.to_owned()), "RetryIn".to_owned()),
            (Some(SENT_BY.to_owned()), "MarkSent".to_owned())
        ],
        "both attempts continue the sender's trace, each with its outcome"
    );
}

#[test]
fn the_freelancers_wording_and_name_are_what_the_client_reads() {
    let standin = Standin::start(0, None).expect("stand-in");
    let (queue, api, resend) = (queue_with(&["7"]), invoices(), resend_at(&standin));
    *queue.settings.lock().expect("settings") = Some(
        serde_json::from_value::<crate::settings::Settings>(serde_json::json!({
            "sender_name": "Ada L.",
            "invoice_subject": "Your invoice {number} ({amount})",
            "invoice_body": "Hi {client}, see {link}. Thanks!"
        }))
        .expect("settings")
        .parse()
        .expect("valid"),
    );
    run(&queue, &api, &resend).deliver_due(10).expect("deliver");
    let m = &standin.messages()[0].email;
    assert_eq!(m.subject, "Your invoice INV-7 (884,11 EUR)");
    assert_eq!(m.from, "\"Ada L.\" <invoices@fin.example>");
    assert_eq!(
        m.text.as_deref(),
        Some("Hi Acme GmbH, see https://app.example/share/token-1. Thanks!\n\nJetzt 884,11 EUR mit Karte bezahlen: https://app.example/share/token-1/pay"),
        "the freelancer takes card payments: their wording gets the pay link after it"
    );
}

#[test]
fn a_reminder_for_a_paid_invoice_is_skipped_and_a_voided_invoice_is_not_mailed() {
    let standin = Standin::start(0, None).expect("stand-in");
    let resend = resend_at(&standin);
    let api = invoices();
    *api.status.lock().expect("status") = "paid".into();
    let queue = MemQueue::default();
    let reminder = Owed {
        kind: Kind::Reminder { days: 10 },
        ..owed("1")
    };
    queue
        .enqueue(&[reminder, owed("2")], &[], Position { tx: 1, seq: 1 })
        .expect("enqueue");
    run(&queue, &api, &resend).deliver_due(10).expect("deliver");
    let rows = queue.rows();
    assert_eq!(
        (rows[0].status, rows[0].last_error.as_deref()),
        ("skipped", Some("the invoice was paid"))
    );
    assert_eq!(
        rows[1].status, "sent",
        "a paid invoice's own e-mail still goes"
    );
    assert_eq!(standin.messages().len(), 1);

    *api.status.lock().expect("status") = "void".into();
    let queue = queue_with(&["3"]);
    run(&queue, &api, &resend).deliver_due(10).expect("deliver");
    let row = &queue.rows()[0];
    assert_eq!(
        (row.status, row.last_error.as_deref()),
        (
            "failed",
            Some("the invoice was voided before it could be delivered")
        )
    );
}

#[test]
fn a_message_whose_event_was_read_has_nothing_to_add_and_a_nudge_always_runs() {
    let queue = MemQueue::default();
    *queue.position.lock().expect("position") = Position { tx: 7, seq: 5 };
    let hint = |tx, seq| Hint {
        position: Some(Position { tx, seq }),
    };
    assert!(already_read(&queue, &hint(7, 5)).expect("read"));
    assert!(already_read(&queue, &hint(6, 90)).expect("read"));
    assert!(
        !already_read(&queue, &hint(7, 6)).expect("read"),
        "an event past the checkpoint is read, and what it owes queued"
    );
    assert!(
        !already_read(&queue, &Hint::read(b"catch-up")).expect("read"),
        "the supervisor's nudge hints nothing: it sweeps and retries"
    );
}

/// Account e-mails in memory: the ones due, and how each attempt ended.
#[derive(Default)]
struct MemAccounts {
    due: std::cell::RefCell<Vec<crate::account::AccountMail>>,
    finished: std::cell::RefCell<Vec<(String, Next)>>,
}

impl crate::account::AccountQueue for MemAccounts {
    fn enqueue_account_mail(&self) -> Result<usize, Fault> {
        Ok(0)
    }
    fn claim_account_mail(&self, _: i64) -> Result<Option<crate::account::AccountMail>, Fault> {
        Ok(self.due.borrow_mut().pop())
    }
    fn finish_account_mail(
        &self,
        mail: &crate::account::AccountMail,
        next: &Next,
    ) -> Result<(), Fault> {
        self.finished
            .borrow_mut()
            .push((mail.id.clone(), next.clone()));
        Ok(())
    }
}

#[test]
fn account_emails_go_first_and_a_half_open_trial_is_never_wasted_on_none() {
    use crate::account::{AccountMail, Content, Delivered};
    let standin = Standin::start(0, None).expect("stand-in");
    let (queue, api, resend) = (queue_with(&["1"]), invoices(), resend_at(&standin));
    let accounts = MemAccounts::default();
    accounts.due.borrow_mut().push(AccountMail {
        id: "mail-1".into(),
        attempt: 1,
        content: Some(Content {
            recipient: "ada@example.com".into(),
            subject: "Reset your password".into(),
            body: "Hello,\n\nhttps://app.example/app/reset-password#token=t\n".into(),
            from_name: None,
            reply_to: None,
            pdf: None,
        }),
    });
    let shared = breaker(BREAKER);
    let done = run_with(&queue, &api, &resend, shared, || 1_000)
        .deliver_all(&accounts, 10)
        .expect("deliver");
    assert!(
        matches!(&done[..], [Delivered::Account(..), Delivered::Invoice(..)]),
        "{done:?}"
    );
    assert_eq!(standin.messages()[0].email.subject, "Reset your password");
    assert!(matches!(
        accounts.finished.borrow()[0].1,
        Next::MarkSent { .. }
    ));

    // The provider fails until the breaker opens; once half-open, with no account
    // e-mail due, the one trial goes to the invoice waiting, and closes the breaker.
    let (queue, shared) = (queue_with(&["2", "3", "4", "5"]), breaker(BREAKER));
    standin.fail_next(&[StandinFault::Status(503); 3]);
    let empty = MemAccounts::default();
    let failed = run_with(&queue, &api, &resend, shared, || 2_000).deliver_all(&empty, 10);
    assert_eq!(
        failed.expect("deliver").len(),
        3,
        "open after the third failure"
    );
    queue.advance(31);
    let trial = run_with(&queue, &api, &resend, shared, || 2_031).deliver_all(&empty, 1);
    assert!(matches!(
        &trial.expect("trial")[..],
        [Delivered::Invoice(..)]
    ));
    assert!(matches!(
        shared.state(2_031).unwrap_or_else(|n| match n {}),
        fin_breaker::State::Closed { failures: 0 }
    ));
}

#[test]
fn a_quote_goes_to_its_client_with_its_pdf_and_waits_while_the_pdf_cannot_be_made() {
    use crate::account::{AccountMail, Content, QuotePdf};
    let standin = Standin::start(0, None).expect("stand-in");
    let (queue, api, resend) = (queue_with(&[]), invoices(), resend_at(&standin));
    let quote = |id: &str, quote_id: &str| AccountMail {
        id: id.into(),
        attempt: 1,
        content: Some(Content {
            recipient: "buyer@acme.example".into(),
            subject: "Angebot QUO-2026-0001 von Ada".into(),
            body: "Guten Tag,\n\nhttps://app.example/share/quotes/abc\n".into(),
            from_name: Some("Ada".into()),
            reply_to: Some("ada@example.com".into()),
            pdf: Some(QuotePdf {
                owner: "owner-1".into(),
                quote_id: quote_id.into(),
                filename: "QUO-2026-0001.pdf".into(),
            }),
        }),
    };
    let accounts = MemAccounts::default();
    accounts.due.borrow_mut().push(quote("mail-2", "away"));
    accounts.due.borrow_mut().push(quote("mail-1", "q-1"));
    let shared = breaker(BREAKER);
    run_with(&queue, &api, &resend, shared, || 1_000)
        .deliver_all(&accounts, 10)
        .expect("deliver");

    let sent = standin.messages();
    assert_eq!(sent.len(), 1, "the one whose PDF could not be made waits");
    let attached = &sent[0].email.attachments;
    assert_eq!(attached.len(), 1, "{attached:?}");
    assert_eq!(attached[0].filename, "QUO-2026-0001.pdf");
    assert_eq!(
        attached[0].bytes, b"%PDF-1.7 quote q-1",
        "the quote's own PDF"
    );
    let finished = accounts.finished.borrow();
    assert!(matches!(finished[0], (ref id, Next::MarkSent { .. }) if id == "mail-1"));
    assert!(
        matches!(finished[1], (ref id, Next::RetryIn { .. }) if id == "mail-2"),
        "{finished:?}"
    );
    assert!(
        matches!(
            shared.state(1_000).unwrap_or_else(|n| match n {}),
            fin_breaker::State::Closed { failures: 0 }
        ),
        "a PDF not made is no failure of the provider's"
    );
}
