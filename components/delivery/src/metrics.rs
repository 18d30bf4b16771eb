//! `GET /metrics/delivery` (fin_spin_edge::metrics): the mail queues as an operator
//! watches them — how much waits, how much is being retried, how long the oldest due
//! e-mail has waited, what was given up on — and how far the mailer trails billing's
//! feed. Read from delivery's own tables and the feed billing publishes, nothing else.

use billing::feed::OutboxFeed;
use fin_metrics::{feed_lag, Exposition, Family};
use fin_problem::Fault;
use fin_spin_edge::pg::{int, query, text};

use crate::service::Queue;
use crate::store::PgQueue;

/// One queue's row (invoice and reminder e-mails: `deliveries`; account e-mails:
/// `account_deliveries`), over the due index's rows and the last hour of the partial
/// index of failed ones (V45) — never the history. A failed row's `next_attempt_at` is
/// when it was given up (`store::row_state`: no wait).
fn queue_row(queue: &str, table: &str) -> String {
    format!(
        "SELECT '{queue}' AS queue, count(*) FILTER (WHERE status = 'queued'), \
                count(*) FILTER (WHERE status = 'sending'), \
                count(*) FILTER (WHERE status = 'queued' AND next_attempt_at <= now()), \
                count(*) FILTER (WHERE status = 'queued' AND attempts > 0), \
                COALESCE(floor(extract(epoch FROM now() - min(next_attempt_at) \
                         FILTER (WHERE status = 'queued' AND next_attempt_at <= now()))), 0)::bigint, \
                (SELECT count(*) FROM {table} WHERE status = 'failed' \
                    AND next_attempt_at > now() - interval '1 hour') \
           FROM {table} WHERE status IN ('queued', 'sending')"
    )
}

/// (name, help) of the figure in each column after the queue's name, in order.
const COLUMNS: [(&str, &str); 6] = [
    (
        "fin_delivery_queued",
        "E-mails waiting to be sent (due now or later).",
    ),
    (
        "fin_delivery_sending",
        "E-mails a mailer holds right now (a lease).",
    ),
    (
        "fin_delivery_due",
        "Queued e-mails whose time has come: what the mailer should be sending.",
    ),
    (
        "fin_delivery_retrying",
        "Queued e-mails that failed at least once and wait for a retry.",
    ),
    (
        "fin_delivery_oldest_due_seconds",
        "How long the oldest due e-mail has waited past its time.",
    ),
    (
        "fin_delivery_failed_last_hour",
        "E-mails given up on in the last hour (a permanent refusal or every retry spent).",
    ),
];

pub fn figures(db_url: &str) -> Result<Exposition, Fault> {
    let queue = PgQueue::open(db_url)?;
    let statement = format!(
        "{} UNION ALL {}",
        queue_row("invoice", "deliveries"),
        queue_row("account", "account_deliveries")
    );
    let rows = query(queue.connection(), &statement, &[])?;
    let mut families: Vec<Family> = COLUMNS
        .iter()
        .map(|(name, help)| Family::gauge(name, help))
        .collect();
    for row in &rows {
        let name = text(row.first())?;
        for (i, family) in families.iter_mut().enumerate() {
            let value = int(row.get(i + 1))? as f64;
            family.push(&[("queue", &name)], value);
        }
    }
    let feed = OutboxFeed::on(queue.connection());
    let lag = fin_feed::lag(&feed, queue.checkpoint()?, fin_spin_edge::now())?;
    Ok(families
        .into_iter()
        .fold(Exposition::new(), Exposition::family)
        .family(feed_lag("mailer", lag)))
}
