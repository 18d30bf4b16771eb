//! An outside, spec-driven fuzzer against the real app: Schemathesis reads the spec the
//! app serves and sends every operation examples, boundary values, random and
//! schema-violating input and stateful sequences (`scripts/fuzz-api.sh`, the same run as
//! `make fuzz-api`). Any 5xx, reply outside the spec, refused valid input or accepted
//! invalid input fails this test with Schemathesis' report and a curl line to replay it.

use std::process::Command;
use std::sync::OnceLock;

use fin_e2e::{App, AppOptions};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions::new("fuzz", [5, 5, 5]))
}

#[test]
fn schemathesis_finds_nothing() {
    let app = app();
    let out = Command::new("bash")
        .current_dir(App::repo_root())
        .arg("scripts/fuzz-api.sh")
        .env("BASE_URL", &app.base_url)
        .output()
        .expect("scripts/fuzz-api.sh");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "Schemathesis found something:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It ran, and ran every operation but logout (which would revoke its own token).
    let operations = fin_e2e::contract::spec().operations().len();
    assert!(
        report.contains(&format!("Selected: {}/{}", operations - 1, operations)),
        "{report}"
    );
}
