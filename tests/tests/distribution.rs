//! Distribution: the app pushed to an OCI registry (Debian's docker-registry on
//! loopback) by `scripts/publish.sh` — what `make publish` runs — then served from the
//! registry with `spin up --from <reference>` and the runtime config, and driven
//! through a freelancer's first steps.

use std::sync::OnceLock;

use fin_e2e::{id, App, AppOptions, Registry, User};
use serde_json::json;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::start)
}

fn reference() -> &'static str {
    static REFERENCE: OnceLock<String> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        App::build();
        registry().push(&App::repo_root())
    })
}

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "distribution",
        redis_dbs: [10, 10, 10],
        from_reference: Some(reference().to_owned()),
        ..AppOptions::default()
    })
}

#[test]
fn the_pushed_app_runs_from_the_registry_and_serves_a_freelancers_first_steps() {
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        reference().ends_with(&format!("/fin-freelancer:{version}")),
        "tagged with the workspace version: {}",
        reference()
    );
    let app = app();
    assert_eq!(app.client().get("/readyz").send().status, 200);
    let alice = User::sign_up(app, "registry");
    let client = alice.client("EUR");
    let invoice = id(&alice.draft(&client, 12_000));
    let sent = alice.act(&invoice, "send");
    assert_eq!(sent["status"], "sent");
    let paid = alice.post(
        &format!("/invoices/{invoice}/payments"),
        &json!({"amount": 12_000}),
    );
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(paid.json()["status"], "paid");
    assert_eq!(alice.get("/dashboard").status, 200);
}
