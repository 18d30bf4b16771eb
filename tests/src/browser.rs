//! A real browser for the page tests: Debian's `chromium`, headless.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A page as Chromium left it: the DOM after its scripts ran, and what it said on its
/// console — Content-Security-Policy violations included ("… violates the following
/// Content Security Policy directive …").
pub struct Page {
    pub dom: String,
    pub console: Vec<String>,
}

/// Loads `url` in headless Chromium, lets its scripts run (up to 20 s of virtual time)
/// and returns the DOM as the page left it.
pub fn dump_dom(url: &str) -> String {
    load(url).dom
}

/// [`dump_dom`], with the console's messages.
pub fn load(url: &str) -> Page {
    let out = chromium(&[
        "--virtual-time-budget=20000",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        url,
    ]);
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    Page {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console,
    }
}

/// A PNG of `url` at `width` × `height` CSS pixels, written to `path`.
pub fn screenshot(url: &str, path: &Path, width: u32, height: u32) {
    let out = chromium(&[
        "--hide-scrollbars",
        &format!("--window-size={width},{height}"),
        &format!("--screenshot={}", path.display()),
        url,
    ]);
    assert!(path.exists(), "no screenshot: {out:?}");
}

fn chromium(args: &[&str]) -> std::process::Output {
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
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("`chromium` must be on PATH (Debian's chromium package; make setup installs it)");
    let _ = std::fs::remove_dir_all(&profile);
    out
}
