//! The mailer, on Spin's Redis trigger (the events channel), in a process of its own
//! (`FIN_TRIGGER=mailer scripts/projector.sh`) like the projector.
//!
//! Every message — an event billing published, identity's `account-mail` nudge, or the
//! supervisor's `catch-up` — means the same: queue what billing's feed says is owed
//! since the mailer's checkpoint and the account e-mails identity has written, then send
//! what is due. The message's content is never trusted;
//! the feed and the deliveries table are the truth, so a lost message delays an e-mail
//! and never loses one, and the supervisor's nudge every few seconds is what brings
//! retries round. A message whose event an earlier run read is passed over
//! (`already_read`); any other is acted on, a draft's event too: its catch-up may be the
//! one that finds a send whose own message came while an older transaction still hid it.
//! While the provider's breaker (`mail`, shared by every mailer) is open, nothing is
//! claimed: the deliveries wait, their attempts unspent.

use billing::feed::OutboxFeed;
use delivery::account::{AccountQueue, Delivered};
use delivery::api::HttpInvoices;
use delivery::domain::RetryPolicy;
use delivery::resend::Resend;
use delivery::service::{already_read, enqueue_owed, Mailer, Queue, Sender};
use delivery::spin::{setting, trace_attempt, SpinTransport};
use delivery::store::PgQueue;
use fin_feed::Hint;
use spin_sdk::redis_component;

/// The day a test says it is (`sweep 2027-01-20` on the channel), honoured only where
/// `mail_test_clock` is `true` (never in production: anyone who can publish on the
/// channel could otherwise hurry reminders along).
fn test_today(message: &[u8]) -> Result<Option<String>, delivery::Fault> {
    if setting::<String>("mail_test_clock")? != "true" {
        return Ok(None);
    }
    Ok(std::str::from_utf8(message)
        .ok()
        .and_then(|m| m.strip_prefix("sweep "))
        .map(str::trim)
        .filter(|d| d.len() == 10 && d.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
        .map(str::to_owned))
}

/// Deliveries one message sends at most: the next message sends the rest.
const PER_MESSAGE: usize = 20;

#[redis_component]
fn on_message(message: bytes::Bytes) -> anyhow::Result<()> {
    fin_spin_edge::trace::install_log();
    if let Err(reason) = run(&message) {
        // The next message tries again from the same checkpoint and the same rows.
        fin_log::warn!("mailer", "{reason}");
    }
    Ok(())
}

fn run(message: &[u8]) -> Result<(), delivery::Fault> {
    let queue = PgQueue::open(&setting::<String>("db_url")?)?;
    if already_read(&queue, &Hint::read(message))? {
        return Ok(());
    }
    let feed = OutboxFeed::on(queue.connection());
    let queued = enqueue_owed(&feed, &queue, setting("projector_batch_size")?)?;
    if queued > 0 {
        fin_log::info!("mailer", "queued {queued} deliver(ies)");
    }
    let accounts = queue.enqueue_account_mail()?;
    if accounts > 0 {
        fin_log::info!("mailer", "queued {accounts} account e-mail(s)");
    }
    let reminders = queue.sweep(test_today(message)?.as_deref())?;
    if reminders > 0 {
        fin_log::info!("mailer", "queued {reminders} reminder(s)");
    }
    let api_key: String = setting("mail_api_key")?;
    if api_key.is_empty() {
        fin_log::warn!(
            "mailer",
            "`mail_api_key` is not set; deliveries wait in the queue"
        );
        return Ok(());
    }
    let mail_timeout_ms = setting("mail_call_timeout_ms")?;
    let breaker = fin_spin_edge::breaker::open("mail", mail_timeout_ms)?;
    let mailer = Mailer {
        queue: &queue,
        invoices: &HttpInvoices::new(
            setting("api_base_url")?,
            setting("api_call_timeout_ms")?,
            setting("mail_share_link_days")?,
        ),
        provider: &Resend {
            base_url: setting("mail_api_base_url")?,
            api_key,
        },
        transport: &SpinTransport {
            timeout_ms: mail_timeout_ms,
        },
        breaker: &breaker,
        now: fin_spin_edge::now,
        policy: RetryPolicy {
            first_wait_seconds: setting("mail_first_retry_seconds")?,
            ..RetryPolicy::default()
        },
        sender: Sender {
            address: setting("mail_from_address")?,
        },
        lease_seconds: setting("mail_lease_seconds")?,
        trace: trace_attempt,
    };
    for delivered in mailer.deliver_all(&queue, PER_MESSAGE)? {
        match delivered {
            Delivered::Account(mail, next) => fin_log::info!(
                "mailer",
                "account e-mail {} (attempt {}): {next:?}",
                mail.id,
                mail.attempt
            ),
            Delivered::Invoice(claimed, next) => fin_log::info!(
                "mailer",
                "{} of invoice {} (attempt {}): {next:?}",
                claimed.kind.as_key(),
                claimed.invoice_id,
                claimed.attempt
            ),
        }
    }
    Ok(())
}
