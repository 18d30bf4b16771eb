//! The web app in a real browser: the suites of components/web/app/e2e (Node's test
//! runner, playwright-core driving Debian's Chromium, axe-core) against this app under
//! `spin up`, with the projector (the dashboard) and the mailer running, and access
//! tokens that expire every few seconds, so every screen also proves that renewal goes
//! unnoticed.

use std::process::Command;
use std::sync::{Mutex, OnceLock};

use fin_e2e::shared::{mail, redis};
use fin_e2e::{App, AppOptions};

/// Short enough that each suite outlives several tokens; long enough that a token read
/// from a request is still good when a check uses it a moment later.
const ACCESS_TOKEN_TTL_SECONDS: u32 = 5;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "web",
        redis_dbs: [1, 2, 3],
        variables: vec![(
            "access_token_ttl_seconds",
            ACCESS_TOKEN_TTL_SECONDS.to_string(),
        )],
        events_redis: Some(redis()),
        kv_redis: Some(redis()),
        mail: Some(mail()),
        ..AppOptions::default()
    })
}

/// Runs one file of the browser suites; its own output is the failure message. One at
/// a time: each drives its own Chromium, and two cores are enough for one.
fn browser_suite(file: &str) {
    static SERIAL: Mutex<()> = Mutex::new(());
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let root = App::repo_root();
    let screens = root.join("target").join("e2e").join("web").join("screens");
    let output = Command::new("node")
        .current_dir(root.join("components/web/app"))
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .arg(format!("e2e/{file}"))
        .env("BASE_URL", &app().base_url)
        // The mailers' process ids, for a suite that pauses them (deliveries.test.mjs).
        .env(
            "MAILER_PIDS",
            app()
                .mailers()
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(","),
        )
        .env("SCREENSHOT_DIR", &screens)
        // The provider's stand-in, for a suite that opens the links it was sent.
        .env("MAIL_URL", mail().url())
        .output()
        .expect("node must be on PATH (make setup installs it)");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{report}");
    assert!(
        output.status.success(),
        "browser suite {file} failed:\n{report}"
    );
    assert!(
        report.contains("ℹ fail 0") && !report.contains("ℹ pass 0"),
        "{report}"
    );
}

#[test]
fn the_money_loop_through_the_screens() {
    browser_suite("flow.test.mjs");
}

#[test]
fn sessions_renew_unseen_and_end_on_replay() {
    browser_suite("refresh.test.mjs");
}

#[test]
fn problems_next_to_their_fields_and_changes_made_elsewhere() {
    browser_suite("problems.test.mjs");
}

#[test]
fn hostile_names_and_other_users_ids() {
    browser_suite("hostile.test.mjs");
}

#[test]
fn accessible_light_and_phone_width() {
    browser_suite("a11y.test.mjs");
}

#[test]
fn an_email_queued_late_still_shows_on_the_invoice() {
    browser_suite("deliveries.test.mjs");
}

#[test]
fn a_forgotten_password_and_the_security_page_through_the_screens() {
    browser_suite("recovery.test.mjs");
}

#[test]
fn two_factor_sign_in_set_up_used_and_turned_off_through_the_screens() {
    browser_suite("two-factor.test.mjs");
}

#[test]
fn settings_for_getting_paid_stripe_and_emails() {
    browser_suite("settings.test.mjs");
}

#[test]
fn the_email_address_changed_and_put_back_through_the_screens() {
    browser_suite("email-change.test.mjs");
}

#[test]
fn the_account_deleted_from_the_security_page() {
    browser_suite("erasure.test.mjs");
}

#[test]
fn the_account_downloaded_from_the_security_page() {
    browser_suite("export.test.mjs");
}

#[test]
fn items_kept_in_the_catalogue_and_picked_into_an_invoice() {
    browser_suite("catalogue.test.mjs");
}

#[test]
fn a_sent_invoice_credited_in_part() {
    browser_suite("credit-notes.test.mjs");
}

#[test]
fn a_monthly_template_set_up_and_its_next_dates_seen() {
    browser_suite("recurring.test.mjs");
}

#[test]
fn a_quote_sent_accepted_on_its_link_and_made_an_invoice() {
    browser_suite("quotes.test.mjs");
}
