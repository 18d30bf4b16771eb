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
    // It ran, and tested every operation but the two logouts (which would revoke its own
    // token) and, when it reads the spec from there, /openapi.json itself.
    let count = |label: &str| -> Vec<usize> {
        let line = report
            .lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .unwrap_or_else(|| panic!("no {label:?} in the report:\n{report}"));
        line.split('/')
            .filter_map(|n| n.trim().parse().ok())
            .collect()
    };
    let operations = fin_e2e::contract::spec().operations().len();
    let (selected, tested) = (count("Selected:"), count("Tested:"));
    assert!(
        selected.len() == 2 && selected[1] + 1 >= operations && selected[0] + 2 == selected[1],
        "{selected:?} of {operations} operations selected"
    );
    assert_eq!(tested, [selected[0]], "every selected operation tested");
}
