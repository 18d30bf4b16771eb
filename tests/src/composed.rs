//! The composed profile: `spin.toml` with the contracts taken by composition rather than
//! linked. Every component that checks tokens takes `fin:platform/tokens` from the tokens
//! component, payments takes `fin:billing/invoice-payments` and the projector
//! `fin:billing/event-feed` from billing-service — each through Spin `dependencies`, each
//! built from the same code with a `composed` feature (docs/architecture.md). Written
//! from spin.toml every time, so the two manifests cannot drift apart; the mailer stays
//! linked (it is not part of the contracts' subset).

use std::path::{Path, PathBuf};

use toml::{Table, Value};

/// What a component takes by contract: the cargo features that turn its imports on, and
/// the dependencies that satisfy them.
fn contracts(
    id: &str,
    authenticated: bool,
) -> (Vec<&'static str>, Vec<(&'static str, &'static str)>) {
    const TOKENS: (&str, &str) = ("fin:platform/tokens", "tokens");
    match id {
        "payments" => (
            vec!["composed"],
            vec![TOKENS, ("fin:billing/invoice-payments", "billing-service")],
        ),
        "projector" => (
            vec!["composed"],
            vec![("fin:billing/event-feed", "billing-service")],
        ),
        // The tokens component is the contract; the mailer and the recurring sweeper,
        // which issue tokens rather than check them, stay linked.
        "tokens" | "mailer" | "recurring-sweeper" => (vec![], vec![]),
        _ if authenticated => (vec!["fin-spin-edge/composed"], vec![TOKENS]),
        _ => (vec![], vec![]),
    }
}

/// Writes the composed manifest under `target/composed/` and answers its path. Components
/// that take no contract keep the wasm `spin build` made for spin.toml.
pub fn manifest(root: &Path) -> PathBuf {
    let dir = root.join("target").join("composed");
    std::fs::create_dir_all(&dir).expect("target/composed");
    let linked: Table =
        toml::from_str(&std::fs::read_to_string(root.join("spin.toml")).expect("spin.toml"))
            .expect("spin.toml is TOML");
    let mut manifest = linked.clone();
    let components = manifest
        .get_mut("component")
        .and_then(Value::as_table_mut)
        .expect("[component.*]");
    for (id, component) in components.iter_mut() {
        let component = component.as_table_mut().expect("a component table");
        let authenticated = component
            .get("variables")
            .and_then(Value::as_table)
            .is_some_and(|v| v.contains_key("jwt_secret"));
        let (features, dependencies) = contracts(id, authenticated);
        let source = component
            .get("source")
            .and_then(Value::as_str)
            .expect("a source")
            .to_owned();
        // Spin maps files only from inside the manifest's directory: the composed
        // profile serves the web app without its static files (its catch-all 404 stays).
        component.remove("files");
        let build = component.remove("build");
        if features.is_empty() {
            component.insert(
                "source".into(),
                root.join(&source).display().to_string().into(),
            );
            continue;
        }
        let built = source.replace("target/", "target/composed/");
        component.insert(
            "source".into(),
            root.join(&built).display().to_string().into(),
        );
        let command = build
            .as_ref()
            .and_then(|b| b.get("command"))
            .and_then(Value::as_str)
            .expect("a build command");
        let mut build = Table::new();
        build.insert(
            "command".into(),
            format!(
                "{command} --features {} --target-dir {}",
                features.join(","),
                root.join("target").join("composed").display()
            )
            .into(),
        );
        // Relative to the manifest (`target/composed/`): the repository root.
        build.insert("workdir".into(), "../..".into());
        component.insert("build".into(), build.into());
        let mut taken = Table::new();
        for (contract, from) in dependencies {
            let mut dependency = Table::new();
            dependency.insert("component".into(), from.into());
            dependency.insert(
                "inherit_configuration".into(),
                Value::Array(
                    ["key_value_stores", "variables", "allowed_outbound_hosts"]
                        .map(Value::from)
                        .to_vec(),
                ),
            );
            taken.insert(contract.into(), dependency.into());
        }
        component.insert("dependencies".into(), taken.into());
    }
    let path = dir.join("spin.toml");
    std::fs::write(&path, toml::to_string(&manifest).expect("a manifest")).expect("write");
    path
}
