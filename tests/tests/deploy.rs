//! The SpinKube manifests in deploy/spinkube, checked as far as anything can be without
//! a cluster (none runs here):
//!
//! - each SpinApp against deploy/schemas/spinapp.schema.json (the fields of
//!   spin-operator's SpinApp CRD that a deployment uses, stricter where it helps);
//! - each Kubernetes object against Kubernetes' own API types (`k8s-openapi`, generated
//!   from the v1.33 OpenAPI spec): it must deserialise, and serialise back to the same
//!   document, so a misspelled or misplaced field fails rather than vanishing;
//! - and against the app itself: components exist with the right trigger, every
//!   required variable is bound, bound variables exist, every referenced Secret and
//!   ConfigMap key is defined, the runtime config defines the stores the components
//!   use, probes hit real routes, and images carry the workspace version.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository")
        .to_path_buf()
}

/// Every document of every manifest, with the file it came from.
fn manifests() -> Vec<(String, Value)> {
    let dir = root().join("deploy").join("spinkube");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("deploy/spinkube")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "manifests: {files:?}");
    let mut docs = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("manifest");
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for doc in serde_yaml::Deserializer::from_str(&text) {
            let value: Value = serde::Deserialize::deserialize(doc)
                .unwrap_or_else(|e| panic!("{name}: not YAML: {e}"));
            if !value.is_null() {
                docs.push((name.clone(), value));
            }
        }
    }
    docs
}

/// The keys a Secret or ConfigMap named `name` defines (`data` and `stringData`).
fn keys(docs: &[(String, Value)], kind_name: &str, name: &str) -> BTreeSet<String> {
    docs.iter()
        .filter(|(_, d)| kind(d) == kind_name && d["metadata"]["name"] == name)
        .flat_map(|(_, d)| {
            ["data", "stringData"]
                .iter()
                .filter_map(|f| d[*f].as_object())
                .flat_map(|m| m.keys().cloned())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn kind(doc: &Value) -> &str {
    doc["kind"].as_str().unwrap_or_default()
}

/// `doc` as Kubernetes' own type `T`, and back: nothing may be lost or changed.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(file: &str, doc: &Value) {
    let typed: T = serde_json::from_value(doc.clone())
        .unwrap_or_else(|e| panic!("{file}: not a valid {}: {e}", kind(doc)));
    let back = serde_json::to_value(&typed).expect("serialise");
    assert_eq!(
        normalise(back),
        normalise(doc.clone()),
        "{file}: a field of the {} is unknown to Kubernetes or misplaced",
        kind(doc)
    );
}

/// Numbers-as-strings and empty collections aside, the same document.
fn normalise(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !matches!(v, Value::Null))
                .map(|(k, v)| (k, normalise(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(normalise).collect()),
        Value::Number(n) => Value::String(n.to_string()),
        other => other,
    }
}

#[test]
fn every_kubernetes_object_is_valid_by_kubernetes_own_types() {
    use k8s_openapi::api::{
        autoscaling::v2::HorizontalPodAutoscaler, batch::v1, core::v1 as core,
        networking::v1::NetworkPolicy,
    };
    let mut seen = BTreeSet::new();
    for (file, doc) in manifests() {
        match kind(&doc) {
            "Namespace" => round_trip::<core::Namespace>(&file, &doc),
            "NetworkPolicy" => round_trip::<NetworkPolicy>(&file, &doc),
            "ConfigMap" => round_trip::<core::ConfigMap>(&file, &doc),
            "Secret" => round_trip::<core::Secret>(&file, &doc),
            "Job" => round_trip::<v1::Job>(&file, &doc),
            "CronJob" => round_trip::<v1::CronJob>(&file, &doc),
            "HorizontalPodAutoscaler" => round_trip::<HorizontalPodAutoscaler>(&file, &doc),
            "SpinApp" => continue,
            other => panic!("{file}: no check for kind {other}"),
        }
        seen.insert(kind(&doc).to_owned());
    }
    assert_eq!(seen.len(), 7, "{seen:?}");
}

#[test]
fn every_spinapp_matches_the_spinapp_schema_and_a_broken_one_does_not() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("deploy/schemas/spinapp.schema.json"))
            .expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let apps: Vec<(String, Value)> = manifests()
        .into_iter()
        .filter(|(_, d)| kind(d) == "SpinApp")
        .collect();
    assert_eq!(
        apps.len(),
        4,
        "the API, the projector, the mailer and the recurring sweeper"
    );
    for (file, app) in &apps {
        let errors: Vec<String> = validator.iter_errors(app).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
    // The schema is not a rubber stamp.
    let (_, app) = &apps[0];
    for broken in [
        |a: &mut Value| a["spec"]["replica"] = 3.into(),
        |a: &mut Value| a["spec"]["replicas"] = 3.into(),
        |a: &mut Value| a["spec"]["checks"]["readiness"]["httpGet"]["path"] = "readyz".into(),
        |a: &mut Value| {
            a["spec"]["variables"][0]["valueFrom"]["secretKeyRef"] =
                serde_json::json!({"name": "s"})
        },
        |a: &mut Value| {
            a["spec"].as_object_mut().map(|s| s.remove("image"));
        },
    ] {
        let mut bad = app.clone();
        broken(&mut bad);
        assert!(!validator.is_valid(&bad), "accepted: {}", bad["spec"]);
    }
}

/// spin.toml: (variables, required variables, components per trigger, routes, stores).
struct Manifest {
    variables: BTreeSet<String>,
    required: BTreeSet<String>,
    triggers: BTreeMap<String, String>,
    routes: BTreeSet<String>,
    stores: BTreeMap<String, BTreeSet<String>>,
}

fn spin_toml() -> Manifest {
    let text = std::fs::read_to_string(root().join("spin.toml")).expect("spin.toml");
    let toml: toml::Table = text.parse().expect("spin.toml is TOML");
    let variables = toml["variables"].as_table().expect("variables");
    let mut triggers = BTreeMap::new();
    let mut routes = BTreeSet::new();
    for (kind, list) in toml["trigger"].as_table().expect("triggers") {
        for trigger in list.as_array().into_iter().flatten() {
            let component = trigger["component"].as_str().unwrap_or_default().to_owned();
            triggers.insert(component, kind.clone());
            if let Some(route) = trigger.get("route").and_then(|r| r.as_str()) {
                routes.insert(route.to_owned());
            }
        }
    }
    let stores = toml["component"]
        .as_table()
        .expect("components")
        .iter()
        .map(|(id, c)| {
            let stores = c
                .get("key_value_stores")
                .and_then(|s| s.as_array())
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect();
            (id.clone(), stores)
        })
        .collect();
    Manifest {
        variables: variables.keys().cloned().collect(),
        required: variables
            .iter()
            .filter(|(_, v)| v.get("required").and_then(|r| r.as_bool()) == Some(true))
            .map(|(k, _)| k.clone())
            .collect(),
        triggers,
        routes,
        stores,
    }
}

#[test]
fn the_manifests_agree_with_the_app_they_deploy() {
    let app = spin_toml();
    let docs = manifests();
    let version = env!("CARGO_PKG_VERSION");
    let mut triggers_seen = BTreeSet::new();
    for (file, doc) in docs.iter().filter(|(_, d)| kind(d) == "SpinApp") {
        let spec = &doc["spec"];
        assert!(
            spec["image"]
                .as_str()
                .is_some_and(|i| i.ends_with(&format!(":{version}"))),
            "{file}: the image carries the workspace version {version}"
        );
        let components: Vec<&str> = spec["components"]
            .as_array()
            .expect("components")
            .iter()
            .filter_map(|c| c.as_str())
            .collect();
        let triggers: BTreeSet<&str> = components
            .iter()
            .map(|c| {
                app.triggers
                    .get(*c)
                    .unwrap_or_else(|| panic!("{file}: no triggered component {c}"))
                    .as_str()
            })
            .collect();
        assert_eq!(
            triggers.len(),
            1,
            "{file}: one trigger type per SpinApp: {triggers:?}"
        );
        triggers_seen.extend(triggers.iter().map(|t| t.to_string()));
        if triggers.contains("http") {
            let all_http: BTreeSet<&str> = app
                .triggers
                .iter()
                .filter(|(_, t)| *t == "http")
                .map(|(c, _)| c.as_str())
                .collect();
            assert_eq!(
                components.iter().copied().collect::<BTreeSet<_>>(),
                all_http,
                "{file}: every HTTP component"
            );
            for probe in ["liveness", "readiness"] {
                let path = spec["checks"][probe]["httpGet"]["path"]
                    .as_str()
                    .expect("probe path");
                assert!(
                    app.routes.contains(path),
                    "{file}: {probe} probes {path}, no such route"
                );
            }
        }
        let bound: BTreeSet<String> = spec["variables"]
            .as_array()
            .expect("variables")
            .iter()
            .map(|v| {
                let name = v["name"].as_str().expect("name").to_owned();
                assert!(
                    app.variables.contains(&name),
                    "{file}: spin.toml has no variable {name}"
                );
                for (ref_kind, source) in
                    [("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")]
                {
                    let reference = &v["valueFrom"][ref_kind];
                    if let (Some(object), Some(key)) =
                        (reference["name"].as_str(), reference["key"].as_str())
                    {
                        assert!(
                            keys(&docs, source, object).contains(key),
                            "{file}: {name} reads {source} {object} key {key}, which is not defined"
                        );
                    }
                }
                name
            })
            .collect();
        for required in &app.required {
            assert!(
                bound.contains(required),
                "{file}: required variable {required} is not bound"
            );
        }
        let secret = spec["runtimeConfig"]["loadFromSecret"]
            .as_str()
            .expect("runtime config secret");
        let runtime = docs
            .iter()
            .find(|(_, d)| kind(d) == "Secret" && d["metadata"]["name"] == secret)
            .and_then(|(_, d)| d["stringData"]["runtime-config.toml"].as_str())
            .unwrap_or_else(|| panic!("{file}: Secret {secret} has no runtime-config.toml"));
        let runtime: toml::Table = runtime.parse().expect("runtime config is TOML");
        for component in &components {
            for store in app.stores.get(*component).into_iter().flatten() {
                assert!(
                    runtime["key_value_store"].get(store).is_some(),
                    "{file}: {component} uses store {store}, not in the runtime config"
                );
            }
        }
    }
    assert_eq!(
        triggers_seen,
        ["http".to_owned(), "redis".to_owned()]
            .into_iter()
            .collect(),
        "the API apart from the projector, the mailer and the recurring sweeper"
    );
}

/// One namespace for everything; the Jobs' pods run unprivileged and read only Secret
/// and ConfigMap keys that exist (the migration reads its URL from a mounted file).
#[test]
fn every_object_is_in_the_app_namespace_and_the_jobs_run_unprivileged() {
    let docs = manifests();
    let namespace = docs
        .iter()
        .find(|(_, d)| kind(d) == "Namespace")
        .and_then(|(_, d)| d["metadata"]["name"].as_str())
        .expect("a Namespace");
    let defined = |source: &str, object: &str, key: &str| keys(&docs, source, object).contains(key);
    for (file, doc) in docs.iter().filter(|(_, d)| kind(d) != "Namespace") {
        assert_eq!(
            doc["metadata"]["namespace"].as_str(),
            Some(namespace),
            "{file}: {} {} outside {namespace}",
            kind(doc),
            doc["metadata"]["name"]
        );
    }
    let pods: Vec<(&String, &Value)> = docs
        .iter()
        .filter_map(|(file, d)| match kind(d) {
            "Job" => Some((file, &d["spec"]["template"]["spec"])),
            "CronJob" => Some((file, &d["spec"]["jobTemplate"]["spec"]["template"]["spec"])),
            _ => None,
        })
        .collect();
    assert_eq!(pods.len(), 2, "the migration and the projector's nudge");
    for (file, pod) in pods {
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "{file}");
        assert_eq!(pod["automountServiceAccountToken"], false, "{file}");
        for volume in pod["volumes"].as_array().into_iter().flatten() {
            let secret = &volume["secret"];
            let name = secret["secretName"].as_str().expect("a Secret volume");
            for item in secret["items"].as_array().expect("named keys") {
                let key = item["key"].as_str().expect("key");
                assert!(
                    defined("Secret", name, key),
                    "{file}: Secret {name} has no {key}"
                );
            }
        }
        for container in pod["containers"].as_array().expect("containers") {
            let context = &container["securityContext"];
            assert_eq!(context["allowPrivilegeEscalation"], false, "{file}");
            assert_eq!(context["readOnlyRootFilesystem"], true, "{file}");
            for env in container["env"].as_array().into_iter().flatten() {
                assert!(
                    env["valueFrom"]["secretKeyRef"].is_null(),
                    "{file}: a secret in the environment ({})",
                    env["name"]
                );
                let reference = &env["valueFrom"]["configMapKeyRef"];
                if let (Some(object), Some(key)) =
                    (reference["name"].as_str(), reference["key"].as_str())
                {
                    assert!(
                        defined("ConfigMap", object, key),
                        "{file}: {object} has no {key}"
                    );
                }
            }
        }
    }
}

/// compose.yaml keeps its promises to a newcomer: pinned major versions, ports on
/// loopback only, data in named volumes, health checks, and the dev role `make setup`
/// expects. (No container engine runs here to start it.)
#[test]
fn compose_runs_pinned_postgres_and_redis_on_loopback_with_volumes_and_health_checks() {
    let text = std::fs::read_to_string(root().join("compose.yaml")).expect("compose.yaml");
    let compose: Value = serde_yaml::from_str(&text).expect("compose.yaml is YAML");
    let services = compose["services"].as_object().expect("services");
    assert_eq!(
        services.keys().map(String::as_str).collect::<Vec<_>>(),
        ["postgres", "redis"]
    );
    let volumes = compose["volumes"].as_object().expect("named volumes");
    for (name, service) in services {
        let image = service["image"].as_str().expect("image");
        let tag = image.split_once(':').map(|(_, t)| t).unwrap_or("latest");
        assert!(
            tag.chars().next().is_some_and(|c| c.is_ascii_digit()),
            "{name}: pinned major version, not {image}"
        );
        for port in service["ports"].as_array().expect("ports") {
            assert!(
                port.as_str().is_some_and(|p| p.starts_with("127.0.0.1:")),
                "{name}: {port} must bind loopback only"
            );
        }
        for volume in service["volumes"].as_array().expect("volumes") {
            let source = volume
                .as_str()
                .and_then(|v| v.split(':').next())
                .unwrap_or("");
            assert!(
                volumes.contains_key(source),
                "{name}: {volume} is a named volume"
            );
        }
        assert!(
            service["healthcheck"]["test"].is_array(),
            "{name}: health check"
        );
    }
    let pg = &services["postgres"]["environment"];
    assert_eq!(
        (
            pg["POSTGRES_USER"].as_str(),
            pg["POSTGRES_PASSWORD"].as_str(),
            pg["POSTGRES_DB"].as_str()
        ),
        (Some("fin"), Some("fin"), Some("fin")),
        "the dev role and database fin-setup and the tests use"
    );
}
