//! The recurring sweeper, on Spin's Redis trigger (the events channel), in a process of
//! its own (`FIN_TRIGGER=recurring scripts/projector.sh`) like the projector and the
//! mailer.
//!
//! Every message — an event billing published, or the supervisor's `catch-up` nudge
//! every few seconds (the nudge CronJob in SpinKube) — means the same: decide the
//! periods that have fallen due, then make the invoices owed. The message's content is
//! never trusted (but for the test clock below); the templates and their periods are the
//! truth, so a lost message delays an invoice and never loses one.

use jiff::Timestamp;
use recurring::api::HttpInvoices;
use recurring::issue::{decide_due, make_owed, Outcome};
use recurring::runs::PgRuns;
use spin_sdk::redis_component;
use spin_sdk::variables;

/// Invoices one message makes at most: the next message makes the rest.
const PER_MESSAGE: u32 = 20;
/// How long a claimed period is left to its sweeper before another may try it.
const LEASE_SECONDS: u32 = 120;

#[redis_component]
fn on_message(message: bytes::Bytes) -> anyhow::Result<()> {
    fin_spin_edge::trace::install_log();
    if let Err(reason) = run(&message) {
        // The next message tries again from the same rows.
        fin_log::warn!("recurring", "{reason}");
    }
    Ok(())
}

fn setting(name: &str) -> Result<String, String> {
    variables::get(name).map_err(|e| format!("variable `{name}`: {e}"))
}

/// The moment a test says it is (`recur 2027-01-31T08:00:00Z` on the channel), honoured
/// only where `recurring_test_clock` is `true` (never in production: anyone who can
/// publish on the channel could otherwise make next year's invoices today).
fn now(message: &[u8]) -> Result<Timestamp, String> {
    if setting("recurring_test_clock")? == "true" {
        let said = std::str::from_utf8(message)
            .ok()
            .and_then(|m| m.strip_prefix("recur "))
            .and_then(|at| at.trim().parse::<Timestamp>().ok());
        if let Some(at) = said {
            return Ok(at);
        }
    }
    Ok(Timestamp::now())
}

fn run(message: &[u8]) -> Result<(), String> {
    let now = now(message)?;
    let periods = PgRuns::open(&setting("db_url")?).map_err(|e| format!("{e:?}"))?;
    let decided = decide_due(&periods, now).map_err(|e| format!("{e:?}"))?;
    if decided > 0 {
        fin_log::info!(
            "recurring",
            "decided the due periods of {decided} template(s)"
        );
    }
    let timeout_ms = setting("api_call_timeout_ms")?
        .parse()
        .map_err(|e| format!("api_call_timeout_ms: {e}"))?;
    let invoices = HttpInvoices::new(setting("api_base_url")?, timeout_ms);
    for (owed, outcome) in
        make_owed(&periods, &invoices, PER_MESSAGE, LEASE_SECONDS).map_err(|e| format!("{e:?}"))?
    {
        let what = format!("template {} period {}", owed.template_id, owed.period);
        match outcome {
            Outcome::Made(made, id) => {
                fin_log::info!("recurring", "{what}: invoice {id} {}", made.state())
            }
            Outcome::Failed(reason) => fin_log::warn!("recurring", "{what}: refused: {reason}"),
            Outcome::Later(reason) => fin_log::warn!("recurring", "{what}: later: {reason}"),
        }
    }
    Ok(())
}
