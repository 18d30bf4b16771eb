//! A receiver of OTLP over HTTP (what an OpenTelemetry collector listens with), for the
//! tracing suite: Spin exports to it when `OTEL_EXPORTER_OTLP_ENDPOINT` names it, and it
//! keeps every span and log record, decoded with OpenTelemetry's own protobuf definitions.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fin_standin::{Answer, Handler, Incoming};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use prost::Message;

/// One span as the receiver got it: ids in hex, attributes as text.
#[derive(Clone, Debug)]
pub struct Span {
    pub trace_id: String,
    pub span_id: String,
    /// Empty for a trace's root.
    pub parent_id: String,
    pub name: String,
    /// The exporting process's `service.name`.
    pub service: String,
    pub attributes: Vec<(String, String)>,
    /// The spans this one links to: (trace id, span id).
    pub links: Vec<(String, String)>,
    /// Its events' attributes, one list per event (Spin makes a component's log lines
    /// events of the span that wrote them: `app_log`).
    pub events: Vec<Vec<(String, String)>>,
}

impl Span {
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One log record: a line a component wrote, as Spin exports it.
#[derive(Clone, Debug)]
pub struct Log {
    /// Empty when the record carries no trace context.
    pub trace_id: String,
    pub span_id: String,
    pub body: String,
    pub service: String,
    pub attributes: Vec<(String, String)>,
}

#[derive(Clone)]
pub struct Receiver {
    port: u16,
    spans: Arc<Mutex<Vec<Span>>>,
    logs: Arc<Mutex<Vec<Log>>>,
    /// Requests whose body was not an export request: a test fails on any.
    malformed: Arc<Mutex<u32>>,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1 until the test process ends.
    pub fn start() -> Self {
        fin_standin::serve(0, 64 << 20, |port| Receiver {
            port,
            spans: Arc::default(),
            logs: Arc::default(),
            malformed: Arc::default(),
        })
        .expect("the OTLP receiver")
    }

    /// What `OTEL_EXPORTER_OTLP_ENDPOINT` names (the SDK appends `/v1/traces`, …).
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Environment for a Spin process exporting here over HTTP/protobuf, quickly.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", self.endpoint()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".into()),
            ("OTEL_BSP_SCHEDULE_DELAY", "200".into()),
        ]
    }

    pub fn spans(&self) -> Vec<Span> {
        self.spans.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn logs(&self) -> Vec<Log> {
        self.logs.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn malformed(&self) -> u32 {
        self.malformed.lock().map(|m| *m).unwrap_or_default()
    }

    /// The spans once `done` holds of them (exports are batched), or all it got when
    /// `within` has passed, for the test to say what is missing.
    pub fn wait_for(&self, within: Duration, done: impl Fn(&[Span]) -> bool) -> Vec<Span> {
        let start = Instant::now();
        loop {
            let spans = self.spans();
            if done(&spans) || start.elapsed() > within {
                return spans;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Handler for Receiver {
    fn handle(&self, request: &Incoming) -> Answer {
        // An empty protobuf message is every Export…ServiceResponse: all accepted.
        let accepted = || fin_standin::typed(Vec::new(), 200, "application/x-protobuf");
        if request.path == "/v1/logs" {
            return match ExportLogsServiceRequest::decode(request.body.as_slice()) {
                Ok(export) => {
                    self.keep_logs(export);
                    accepted()
                }
                Err(_) => self.refuse(),
            };
        }
        if request.path != "/v1/traces" {
            return accepted();
        }
        match ExportTraceServiceRequest::decode(request.body.as_slice()) {
            Ok(export) => {
                let mut got = Vec::new();
                for resource in export.resource_spans {
                    let service = resource
                        .resource
                        .as_ref()
                        .and_then(|r| text(&r.attributes, "service.name"))
                        .unwrap_or_default();
                    for scope in resource.scope_spans {
                        for span in scope.spans {
                            got.push(Span {
                                trace_id: hex::encode(&span.trace_id),
                                span_id: hex::encode(&span.span_id),
                                parent_id: hex::encode(&span.parent_span_id),
                                name: span.name,
                                service: service.clone(),
                                attributes: span
                                    .attributes
                                    .iter()
                                    .map(|kv| (kv.key.clone(), value(kv)))
                                    .collect(),
                                links: span
                                    .links
                                    .iter()
                                    .map(|l| (hex::encode(&l.trace_id), hex::encode(&l.span_id)))
                                    .collect(),
                                events: span
                                    .events
                                    .iter()
                                    .map(|e| {
                                        let mut attributes: Vec<(String, String)> = e
                                            .attributes
                                            .iter()
                                            .map(|kv| (kv.key.clone(), value(kv)))
                                            .collect();
                                        attributes.push(("name".into(), e.name.clone()));
                                        attributes
                                    })
                                    .collect(),
                            });
                        }
                    }
                }
                if let Ok(mut spans) = self.spans.lock() {
                    spans.extend(got);
                }
                accepted()
            }
            Err(_) => self.refuse(),
        }
    }
}

impl Receiver {
    fn refuse(&self) -> Answer {
        if let Ok(mut malformed) = self.malformed.lock() {
            *malformed += 1;
        }
        fin_standin::typed(Vec::new(), 400, "application/x-protobuf")
    }

    fn keep_logs(&self, export: ExportLogsServiceRequest) {
        let mut got = Vec::new();
        for resource in export.resource_logs {
            let service = resource
                .resource
                .as_ref()
                .and_then(|r| text(&r.attributes, "service.name"))
                .unwrap_or_default();
            for scope in resource.scope_logs {
                for record in scope.log_records {
                    let body = match record.body.as_ref().and_then(|b| b.value.as_ref()) {
                        Some(Any::StringValue(s)) => s.clone(),
                        Some(other) => format!("{other:?}"),
                        None => String::new(),
                    };
                    got.push(Log {
                        trace_id: hex::encode(&record.trace_id),
                        span_id: hex::encode(&record.span_id),
                        body,
                        service: service.clone(),
                        attributes: record
                            .attributes
                            .iter()
                            .map(|kv| (kv.key.clone(), value(kv)))
                            .collect(),
                    });
                }
            }
        }
        if let Ok(mut logs) = self.logs.lock() {
            logs.extend(got);
        }
    }
}

fn text(attributes: &[KeyValue], key: &str) -> Option<String> {
    attributes.iter().find(|kv| kv.key == key).map(value)
}

fn value(kv: &KeyValue) -> String {
    match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(Any::StringValue(s)) => s.clone(),
        Some(Any::IntValue(i)) => i.to_string(),
        Some(Any::BoolValue(b)) => b.to_string(),
        Some(Any::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}
