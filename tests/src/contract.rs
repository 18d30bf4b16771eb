//! `docs/openapi.yaml`, as the tests hold the app to it.
//!
//! Every reply the rig's clients receive ([`crate::App::client`]) is checked here: a
//! path the spec does not name must be a 404 problem, a method it does not name a 405
//! whose `Allow` lists exactly the spec's methods, and anything else must be a status
//! the operation documents, with the headers it requires (each matching its schema),
//! the media type it names and a body valid against its JSON Schema (2020-12). So a
//! field added, renamed or retyped in the code without the spec fails the suite that
//! saw it.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::Validator;
use serde_json::Value;

use crate::Reply;

const METHODS: [&str; 6] = ["get", "head", "post", "put", "patch", "delete"];

pub struct Spec {
    document: Value,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

/// The spec, read once per test binary.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = crate::app::repo_root().join("docs/openapi.yaml");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let document =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Spec {
            document,
            validators: Mutex::default(),
        }
    })
}

/// A JSON pointer segment (RFC 6901).
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer written as a URI fragment: `{id}` is `%7Bid%7D` there.
fn fragment(pointer: &str) -> String {
    pointer
        .chars()
        .map(|c| match c {
            '{' | '}' | '%' | ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '|' => {
                format!("%{:02X}", c as u32)
            }
            c => c.to_string(),
        })
        .collect()
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// The media type without its parameters (`text/html; charset=utf-8` → `text/html`).
fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}

impl Spec {
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Every (path template, METHOD) the spec describes.
    pub fn operations(&self) -> BTreeSet<(String, String)> {
        self.paths()
            .flat_map(|(path, item)| {
                METHODS
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .map(|m| (path.to_owned(), m.to_ascii_uppercase()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Every operation that needs a bearer token: (path template, METHOD).
    pub fn protected_operations(&self) -> Vec<(String, String)> {
        // `security: []`, or an empty requirement among the alternatives (`{}`): anyone.
        let everyone = |op: &Value| {
            op["security"].as_array().is_some_and(|alternatives| {
                alternatives.is_empty()
                    || alternatives
                        .iter()
                        .any(|a| a.as_object().is_some_and(|o| o.is_empty()))
            })
        };
        self.operations()
            .into_iter()
            .filter(|(path, method)| {
                !everyone(&self.document["paths"][path][method.to_ascii_lowercase()])
            })
            .collect()
    }

    /// Where the operation's JSON request-body schema is, as a pointer into the spec.
    pub fn request_schema(&self, path: &str, method: &str) -> String {
        format!(
            "/paths/{}/{}/requestBody/content/application~1json/schema",
            escape(path),
            method.to_ascii_lowercase()
        )
    }

    /// The JSON request body the spec gives as the operation's example, with its dates
    /// made today's: an example's date does not stay valid for ever.
    pub fn request_example(&self, path: &str, method: &str) -> Option<Value> {
        let mut body = self.document["paths"][path][method.to_ascii_lowercase()]["requestBody"]
            ["content"]["application/json"]["example"]
            .clone();
        let today = crate::dates::date(crate::dates::today());
        for (key, value) in body.as_object_mut()? {
            if ["issue_date", "due_date", "paid_on"].contains(&key.as_str()) {
                *value = Value::String(today.clone());
            }
        }
        Some(body)
    }

    fn paths(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.document["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(path, item)| (path.as_str(), item))
    }

    /// The template `path` falls under; literal segments win over parameters.
    pub fn template(&self, path: &str) -> Option<&str> {
        let wanted = segments(path);
        self.paths()
            .map(|(template, _)| template)
            .filter(|template| {
                let parts = segments(template);
                parts.len() == wanted.len()
                    && parts
                        .iter()
                        .zip(&wanted)
                        .all(|(part, seg)| part.starts_with('{') || part == seg)
            })
            .max_by_key(|template| {
                segments(template)
                    .iter()
                    .filter(|p| !p.starts_with('{'))
                    .count()
            })
    }

    /// Follows `$ref`s from the node at `pointer`; returns the node and where it is.
    pub fn resolve(&self, mut pointer: String) -> Result<(&Value, String), String> {
        for _ in 0..10 {
            let node = self
                .document
                .pointer(&pointer)
                .ok_or_else(|| format!("the spec has nothing at {pointer}"))?;
            match node.get("$ref").and_then(Value::as_str) {
                Some(reference) => pointer = reference.trim_start_matches('#').to_owned(),
                None => return Ok((node, pointer)),
            }
        }
        Err(format!("$ref loop at {pointer}"))
    }

    /// The properties the object schema at `pointer` allows, `$ref`s and `allOf`
    /// followed: (name, the property's schema).
    pub fn properties(&self, pointer: &str) -> Vec<(String, Value)> {
        let (node, pointer) = self.resolve(pointer.to_owned()).expect("schema");
        let mut found: Vec<(String, Value)> = node["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (i, _) in node["allOf"].as_array().into_iter().flatten().enumerate() {
            found.extend(self.properties(&format!("{pointer}/allOf/{i}")));
        }
        found
    }

    /// Where a property's own object schema is, if it holds one (directly, as the items
    /// of a list, or as the non-null choice of a `oneOf`), and whether it is a list.
    pub fn object_schema(property: &Value) -> Option<(String, bool)> {
        let target = |r: &Value| r.as_str().map(|r| r.trim_start_matches('#').to_owned());
        if let Some(pointer) = target(&property["$ref"]) {
            return Some((pointer, false));
        }
        if let Some(pointer) = target(&property["items"]["$ref"]) {
            return Some((pointer, true));
        }
        property["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|choice| target(&choice["$ref"]).map(|pointer| (pointer, false)))
    }

    /// Validates `instance` against the schema at `pointer`, its `$ref`s resolved
    /// within the spec.
    pub fn validate(&self, pointer: &str, instance: &Value) -> Result<(), String> {
        let validator = {
            let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
            match cache.get(pointer) {
                Some(v) => v.clone(),
                None => {
                    // The whole spec as the root, so `#/components/...` resolves; the
                    // keywords OpenAPI adds are unknown to JSON Schema and ignored.
                    let mut root = self.document.clone();
                    root["$ref"] = Value::String(format!("#{}", fragment(pointer)));
                    root["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
                    let v = Arc::new(
                        jsonschema::options()
                            .with_draft(jsonschema::Draft::Draft202012)
                            .should_validate_formats(true)
                            .build(&root)
                            .map_err(|e| format!("schema at {pointer}: {e}"))?,
                    );
                    cache.insert(pointer.to_owned(), v.clone());
                    v
                }
            }
        };
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    /// Whether `reply` to `method path` is what the spec promises (see the module doc).
    pub fn check(&self, method: &str, path: &str, reply: &Reply) -> Result<(), String> {
        let path = path.split('?').next().unwrap_or_default();
        // A CORS preflight: answered on every path, checked by tests/tests/cors.rs.
        if method == "OPTIONS" && reply.status == 204 {
            return Ok(());
        }
        let Some(template) = self.template(path) else {
            self.check_problem(reply, 404)?;
            return Ok(());
        };
        let item_pointer = format!("/paths/{}", escape(template));
        let operation = method.to_ascii_lowercase();
        let item = &self.document["paths"][template];
        if item.get(&operation).is_none() {
            self.check_problem(reply, 405)?;
            let allowed: BTreeSet<String> = METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| m.to_ascii_uppercase())
                .collect();
            let allow: BTreeSet<String> = reply
                .header("allow")
                .unwrap_or_default()
                .split(',')
                .map(|m| m.trim().to_owned())
                .filter(|m| !m.is_empty())
                .collect();
            return if allow == allowed {
                Ok(())
            } else {
                Err(format!(
                    "Allow is {allow:?}, the spec has {allowed:?} for {template}"
                ))
            };
        }
        let status = reply.status.to_string();
        let responses = format!("{item_pointer}/{operation}/responses");
        let response_pointer = [status.as_str(), "default"]
            .iter()
            .map(|s| format!("{responses}/{s}"))
            .find(|p| self.document.pointer(p).is_some())
            .ok_or_else(|| format!("status {status} is not documented for {method} {template}"))?;
        let (response, response_pointer) = self.resolve(response_pointer)?;

        for name in response["headers"]
            .as_object()
            .into_iter()
            .flat_map(|h| h.keys())
        {
            let (header, header_pointer) =
                self.resolve(format!("{response_pointer}/headers/{}", escape(name)))?;
            match reply.header(name) {
                None if header["required"] == true => {
                    return Err(format!("header {name} is required on {status}"));
                }
                None => {}
                Some(value) => self
                    .validate(
                        &format!("{header_pointer}/schema"),
                        &Value::String(value.into()),
                    )
                    .map_err(|e| format!("header {name}: {e}"))?,
            }
        }

        let content = response["content"].as_object();
        let Some(content) = content.filter(|c| !c.is_empty()) else {
            return if reply.body.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{status} has no body in the spec, the reply has one"
                ))
            };
        };
        let got = media_type(reply.header("content-type").unwrap_or_default());
        if !content.contains_key(got) {
            let named: Vec<&String> = content.keys().collect();
            return Err(format!("content-type {got:?} is not among {named:?}"));
        }
        if method == "HEAD" {
            return Ok(());
        }
        let schema_pointer = format!("{response_pointer}/content/{}/schema", escape(got));
        let instance = if got.ends_with("json") {
            serde_json::from_str(&reply.body).map_err(|e| format!("body is not JSON: {e}"))?
        } else if got.ends_with("yaml") {
            serde_yaml::from_str(&reply.body).map_err(|e| format!("body is not YAML: {e}"))?
        } else {
            Value::String(reply.body.clone())
        };
        self.validate(&schema_pointer, &instance)
            .map_err(|e| format!("body: {e}"))
    }

    fn check_problem(&self, reply: &Reply, status: u16) -> Result<(), String> {
        if reply.status != status {
            return Err(format!("expected {status}, got {}", reply.status));
        }
        if reply.header("content-type") != Some("application/problem+json") {
            return Err("not application/problem+json".into());
        }
        let body = serde_json::from_str(&reply.body).map_err(|e| format!("body: {e}"))?;
        self.validate("/components/schemas/Problem", &body)
    }
}
