//! A real browser for the page tests: Debian's `chromium`, headless.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Loads `url` in headless Chromium, lets its scripts run (up to 20 s of virtual time)
/// and returns the DOM as the page left it.
pub fn dump_dom(url: &str) -> String {
    // A profile of its own per run: two Chromiums cannot share one.
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let profile = std::env::temp_dir().join(format!(
        "fin-chromium-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .output()
        .expect("`chromium` must be on PATH (Debian's chromium package; make setup installs it)");
    let _ = std::fs::remove_dir_all(&profile);
    String::from_utf8_lossy(&out.stdout).into_owned()
}
