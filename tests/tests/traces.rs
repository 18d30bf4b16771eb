//! Tracing: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, Spin exports OpenTelemetry traces,
//! and one request is one trace — its route, each SQL statement, each call to another
//! component — received here over OTLP/HTTP and decoded with OpenTelemetry's protobufs
//! (src/otlp.rs), as a collector would. An invoice's e-mail is in the trace of the
//! request that sent it: the outbox row carries the request's context to the mailer, a
//! process of its own on the Redis trigger (crates/spin-edge/src/trace.rs).
//!
//! The app's own spans need the build with WASI OTel (`FIN_OTEL=1`, the feature `otel`
//! of this crate): `make test` runs this suite on that build.

use std::sync::OnceLock;
use std::time::Duration;

use fin_e2e::otlp::{Receiver, Span};
use fin_e2e::shared::{emails, mail, redis};
use fin_e2e::{id, App, AppOptions, User};
use serde_json::json;

static APP: OnceLock<App> = OnceLock::new();
static RECEIVER: OnceLock<Receiver> = OnceLock::new();

fn receiver() -> &'static Receiver {
    RECEIVER.get_or_init(Receiver::start)
}

fn app() -> &'static App {
    App::shared(&APP, || AppOptions {
        env: receiver().env(),
        events_redis: Some(redis()),
        mail: Some(mail()),
        ..AppOptions::new("traces", [12, 12, 12])
    })
}

/// The spans, one a line, for a failing assertion to show.
fn dump(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| {
            let name = s.name.lines().next().unwrap_or_default();
            let links: String = s
                .links
                .iter()
                .map(|(trace, span)| format!(" ~> {trace} {span}"))
                .collect();
            format!(
                "{} {} <- {} {name}{links}\n",
                s.trace_id, s.span_id, s.parent_id
            )
        })
        .collect()
}

/// The spans of the trace whose root is the server span named `route`, once the SQL
/// (`min_sql`) and the calls out (`min_calls`) have arrived.
fn trace_of(route: &str, min_sql: usize, min_calls: usize) -> Vec<Span> {
    let is_root = |s: &Span| s.name == route && s.parent_id.is_empty();
    let spans = receiver().wait_for(Duration::from_secs(20), |spans| {
        spans.iter().filter(|s| is_root(s)).any(|root| {
            let trace: Vec<&Span> = spans
                .iter()
                .filter(|s| s.trace_id == root.trace_id)
                .collect();
            trace.iter().filter(|s| is_sql(s)).count() >= min_sql
                && trace
                    .iter()
                    .filter(|s| {
                        s.name.starts_with("spin_outbound_http")
                            || s.attribute("url.full").is_some()
                    })
                    .count()
                    >= min_calls
        })
    });
    assert_eq!(receiver().malformed(), 0, "every export decoded");
    let root = spans
        .iter()
        .rfind(|s| is_root(s))
        .unwrap_or_else(|| panic!("no root span {route}:\n{}", dump(&spans)));
    trace_with(&spans, root)
}

/// The spans of `root`'s trace.
fn trace_with(spans: &[Span], root: &Span) -> Vec<Span> {
    spans
        .iter()
        .filter(|s| s.trace_id == root.trace_id)
        .cloned()
        .collect()
}

/// Every span of `trace` reaches `root` through its parents: one tree, nothing detached.
fn assert_one_tree(trace: &[Span], root: &Span) {
    if let Some(span) = detached(trace, root) {
        panic!("{} is not under {}:\n{}", span.name, root.name, dump(trace));
    }
}

/// A span of `trace` that does not reach `root` through its parents (its parent has not
/// arrived, or never will).
fn detached<'a>(trace: &'a [Span], root: &Span) -> Option<&'a Span> {
    trace.iter().find(|span| {
        let mut at = *span;
        for _ in 0..64 {
            if at.span_id == root.span_id {
                return false;
            }
            match trace.iter().find(|s| s.span_id == at.parent_id) {
                Some(parent) => at = parent,
                None => return true,
            }
        }
        true
    })
}

fn children<'a>(trace: &'a [Span], parent: &Span) -> Vec<&'a Span> {
    trace
        .iter()
        .filter(|s| s.parent_id == parent.span_id)
        .collect()
}

/// The statement that wrote a change's events.
fn writes_outbox(span: &Span) -> bool {
    is_sql(span)
        && span
            .attribute("statement")
            .is_some_and(|q| q.contains("INSERT INTO outbox"))
}

fn is_sql(span: &Span) -> bool {
    span.attribute("db.system") == Some("postgresql") && span.attribute("statement").is_some()
}

#[test]
fn one_request_is_one_trace_with_its_route_sql_and_calls_to_other_components() {
    let app = app();
    let user = User::sign_up(app, "traces");
    let client = user.client("EUR");
    let invoice = fin_e2e::id(&user.draft(&client, 12_000));
    let reply = user.get(&format!("/invoices/{invoice}/pdf"));
    assert_eq!(reply.status, 200, "{}", reply.body);

    // The PDF is the documents component asking billing, clients, profile and identity.
    let trace = trace_of("GET /invoices/:id/pdf", 4, 4);
    let root = trace
        .iter()
        .find(|s| s.parent_id.is_empty())
        .expect("a root");
    assert_eq!(root.attribute("http.route"), Some("/invoices/:id/pdf"));
    assert_eq!(root.attribute("http.response.status_code"), Some("200"));
    assert_eq!(
        root.attribute("url.path"),
        Some(format!("/invoices/{invoice}/pdf").as_str())
    );
    assert_one_tree(&trace, root);
    let documents = children(&trace, root)
        .into_iter()
        .find(|s| s.name == "execute_wasm_component documents")
        .unwrap_or_else(|| {
            panic!(
                "the documents component runs under the route:\n{}",
                dump(&trace)
            )
        });
    for (component, table) in [
        ("billing", "invoices"),
        ("clients", "clients"),
        ("profile", "profile"),
        ("identity", "users"),
    ] {
        let call = children(&trace, documents)
            .into_iter()
            .find(|s| {
                s.attribute("url.full")
                    .is_some_and(|u| u.starts_with(&format!("http://{component}.spin.internal/")))
            })
            .unwrap_or_else(|| panic!("documents calls {component}:\n{}", dump(&trace)));
        assert_eq!(call.attribute("http.request.method"), Some("GET"));
        let served = children(&trace, call)
            .into_iter()
            .find(|s| s.name == format!("execute_wasm_component {component}"))
            .unwrap_or_else(|| panic!("{component} answers within the call:\n{}", dump(&trace)));
        let sql: Vec<&Span> = children(&trace, served)
            .into_iter()
            .filter(|s| is_sql(s))
            .collect();
        assert!(
            sql.iter()
                .any(|s| s.attribute("statement").is_some_and(|q| q.contains(table))),
            "{component} reads {table}:\n{}",
            dump(&trace)
        );
        // The statement, never its parameters: no owner id or invoice id in the trace.
        for span in sql {
            assert!(
                !span.attributes.iter().any(|(_, v)| v.contains(&invoice)),
                "{span:?}"
            );
        }
    }
}

#[test]
fn a_write_is_traced_through_its_statement_to_the_event_it_publishes() {
    let app = app();
    let user = User::sign_up(app, "traces-write");
    let client = user.client("EUR");
    let before = receiver().spans().len();
    user.draft(&client, 5_000);
    // billing's route is `/invoices/...`: the span is named after the route, the path is
    // the request's.
    let is_root = |s: &Span| {
        s.parent_id.is_empty()
            && s.attribute("http.request.method") == Some("POST")
            && s.attribute("url.path") == Some("/invoices")
    };
    let spans = receiver().wait_for(Duration::from_secs(20), |spans| {
        spans[before.min(spans.len())..].iter().any(|root| {
            is_root(root)
                && spans
                    .iter()
                    .any(|s| s.trace_id == root.trace_id && s.name.starts_with("PUBLISH "))
        })
    });
    let root = spans[before..]
        .iter()
        .find(|s| is_root(s))
        .unwrap_or_else(|| panic!("no POST /invoices:\n{}", dump(&spans)));
    let trace = trace_with(&spans, root);
    assert_one_tree(&trace, root);
    assert_eq!(root.attribute("http.response.status_code"), Some("201"));
    let insert = trace.iter().find(|s| writes_outbox(s)).unwrap_or_else(|| {
        panic!(
            "the invoice and its outbox row in one statement:\n{}",
            dump(&trace)
        )
    });
    let publish = trace
        .iter()
        .find(|s| s.name.starts_with("PUBLISH "))
        .expect("the event published");
    assert_eq!(publish.attribute("db.system"), Some("redis"));
    assert_eq!(insert.parent_id, publish.parent_id, "both in billing's run");

    // The projector applies events in batches, in a trace of its own (its run on the
    // message), linked to the run that wrote each one. Its statements are in that trace
    // beside the span: Spin 4.0.2 parents only the older Postgres interface's host spans
    // under a guest span, not spin-sdk's pg4 (docs/observability.md).
    let written_by = (root.trace_id.clone(), insert.parent_id.clone());
    let reads_outbox = |s: &Span| {
        is_sql(s)
            && s.attribute("statement")
                .is_some_and(|q| q.contains("FROM outbox o"))
    };
    let spans = receiver().wait_for(Duration::from_secs(20), |spans| {
        spans.iter().any(|p| {
            p.name == "project"
                && p.links.contains(&written_by)
                && spans
                    .iter()
                    .any(|s| s.trace_id == p.trace_id && reads_outbox(s))
        })
    });
    let project = spans
        .iter()
        .find(|s| s.name == "project" && s.links.contains(&written_by))
        .unwrap_or_else(|| panic!("the projector's batch links the write:\n{}", dump(&spans)));
    assert_ne!(project.trace_id, root.trace_id, "a trace of its own");
    // One link per event the batch read (the other tests' writes may share it).
    let count = |key: &str| -> usize {
        project
            .attribute(key)
            .and_then(|n| n.parse().ok())
            .unwrap_or_default()
    };
    assert_eq!(
        project.links.len(),
        count("events.applied") + count("events.skipped"),
        "{project:?}"
    );
    assert!(
        spans
            .iter()
            .any(|s| s.trace_id == project.trace_id && reads_outbox(s)),
        "the batch's read of the feed is in its trace:\n{}",
        dump(&spans)
    );
}

/// An invoice a new freelancer sent to `to`, once its e-mail is out: its id.
fn emailed_invoice(tag: &str, to: &str) -> String {
    let user = User::sign_up(app(), tag);
    user.put_profile("Ada Lovelace");
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Acme GmbH", "default_currency": "EUR", "email": to,
                "address": {"line1": "Ring 1", "postal_code": "80331", "city": "München", "country": "DE"}}),
    ));
    let invoice = id(&user.draft(&client, 12_000));
    let sent = user.act(&invoice, "send");
    let number = sent["number"].as_str().expect("number");
    assert_eq!(emails(to, number, 1).len(), 1, "the e-mail went out");
    invoice
}

#[test]
fn an_invoice_sent_and_its_email_delivered_are_one_trace() {
    let invoice = emailed_invoice("traces-send", "ap-traced@acme.example");

    let send_path = format!("/invoices/{invoice}/send");
    let is_root =
        |s: &Span| s.parent_id.is_empty() && s.attribute("url.path") == Some(send_path.as_str());
    let mail_api = mail().url();
    // Exports come in batches from three processes: wait for the provider's call and for
    // the tree to be whole.
    let spans = receiver().wait_for(Duration::from_secs(20), |spans| {
        spans.iter().filter(|s| is_root(s)).any(|root| {
            let trace = trace_with(spans, root);
            trace.iter().any(|s| {
                s.attribute("url.full")
                    .is_some_and(|u| u.starts_with(mail_api.as_str()))
            }) && detached(&trace, root).is_none()
        })
    });
    let root = spans
        .iter()
        .find(|s| is_root(s))
        .unwrap_or_else(|| panic!("no POST {send_path}:\n{}", dump(&spans)));
    let trace = trace_with(&spans, root);
    // The request, the mailer's attempt minutes (here: moments) later in another process,
    // and the API calls that attempt made back into the app: one tree under the request.
    assert_one_tree(&trace, root);
    let deliver = trace
        .iter()
        .find(|s| s.name == "deliver")
        .unwrap_or_else(|| panic!("the mailer's attempt:\n{}", dump(&trace)));
    assert_eq!(deliver.attribute("delivery.kind"), Some("invoice"));
    assert_eq!(deliver.attribute("delivery.attempt"), Some("1"));
    assert_eq!(deliver.attribute("delivery.outcome"), Some("sent"));
    let insert = trace
        .iter()
        .find(|s| writes_outbox(s))
        .unwrap_or_else(|| panic!("the send's outbox row:\n{}", dump(&trace)));
    assert_eq!(
        deliver.parent_id, insert.parent_id,
        "the attempt continues the run that wrote the event"
    );
    let under_deliver = |s: &Span| {
        let mut at = s;
        while let Some(parent) = trace.iter().find(|p| p.span_id == at.parent_id) {
            if parent.span_id == deliver.span_id {
                return true;
            }
            at = parent;
        }
        false
    };
    let provider_call = trace
        .iter()
        .find(|s| {
            s.attribute("url.full")
                .is_some_and(|u| u.starts_with(mail_api.as_str()))
        })
        .expect("the provider's call");
    assert!(
        under_deliver(provider_call),
        "the provider's call is the attempt's:\n{}",
        dump(&trace)
    );
    // Before it claimed the delivery, the mailer asked the provider's breaker, in its own
    // run (a message's trace): closed, so it called.
    let decision = spans
        .iter()
        .find(|s| s.name == "breaker mail" && s.attribute("breaker.decision") == Some("call"))
        .unwrap_or_else(|| panic!("the mail breaker's decision:\n{}", dump(&spans)));
    assert_eq!(decision.attribute("breaker.name"), Some("mail"));
    assert!(
        spans
            .iter()
            .any(|s| s.span_id == decision.parent_id && s.trace_id == decision.trace_id),
        "under the mailer's run:\n{}",
        dump(&spans)
    );
    for (what, found) in [
        (
            "a statement",
            trace.iter().any(|s| is_sql(s) && under_deliver(s)),
        ),
        (
            "the invoice fetched from the API",
            trace.iter().any(|s| {
                under_deliver(s)
                    && s.parent_id != deliver.span_id
                    && s.attribute("url.path") == Some(format!("/invoices/{invoice}").as_str())
            }),
        ),
    ] {
        assert!(found, "{what} under the attempt:\n{}", dump(&trace));
    }
}

#[test]
fn each_log_line_is_json_and_names_the_span_it_was_written_under() {
    let invoice = emailed_invoice("traces-logs", "ap-logged@acme.example");

    // The mailer's line about this invoice's attempt, as Spin exported it (OTLP logs).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let (record, line) = loop {
        let found = receiver().logs().into_iter().find_map(|record| {
            let line: serde_json::Value = serde_json::from_str(record.body.trim()).ok()?;
            let about = line["message"].as_str()?.contains(&invoice);
            (about && line["context"] == "mailer").then_some((record, line))
        });
        match found {
            Some(found) => break found,
            None if std::time::Instant::now() > deadline => {
                panic!("no mailer line about {invoice}: {:#?}", receiver().logs())
            }
            None => std::thread::sleep(Duration::from_millis(200)),
        }
    };
    assert_eq!(line["level"], "info", "{line}");
    assert!(
        line["time"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{line}"
    );
    let (trace_id, span_id) = (
        line["trace_id"]
            .as_str()
            .expect("a traced run's line names its trace"),
        line["span_id"].as_str().expect("and its span"),
    );
    // That span is one the collector got, and Spin hung the same line on it as an event.
    let spans = receiver().wait_for(Duration::from_secs(20), |spans| {
        spans
            .iter()
            .any(|s| s.trace_id == trace_id && s.span_id == span_id)
    });
    let span = spans
        .iter()
        .find(|s| s.trace_id == trace_id && s.span_id == span_id)
        .unwrap_or_else(|| panic!("no span {trace_id} {span_id}:\n{}", dump(&spans)));
    assert!(
        span.events.iter().any(|event| event
            .iter()
            .any(|(k, v)| k == "app_log" && v == &record.body)),
        "the line is an event of {}: {:?}",
        span.name,
        span.events
    );
    // Every line any component wrote here is one JSON object.
    for record in receiver().logs() {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(record.body.trim());
        assert!(
            parsed.is_ok_and(|v| v.is_object()),
            "not a JSON line: {:?} ({:?})",
            record.body,
            record.attributes
        );
    }
}
