//! [`Span`](super::Span) over `wasi:otel/tracing` (the WIT in `wit-otel/`): the guest
//! makes the ids and times, the host exports the span and parents its own spans
//! (outbound HTTP, key-value, variables; not spin-sdk's Postgres calls) under the guest's
//! innermost open one.

use std::time::{SystemTime, UNIX_EPOCH};

use super::{Kind, TraceParent, MAX_LINKS};

mod bindings {
    wit_bindgen::generate!({
        world: "fin:edge-otel/guest",
        path: "wit-otel",
        generate_all,
    });
}

use bindings::wasi::clocks::wall_clock::Datetime;
use bindings::wasi::otel::tracing::{self as host, Link, SpanContext, SpanData, SpanKind, Status};
use bindings::wasi::otel::types::{InstrumentationScope, KeyValue};

/// The host's span, when the host traces (an untraced host answers all-zero ids).
pub(super) fn current() -> Option<TraceParent> {
    let outer = host::outer_span_context();
    TraceParent::from_host(
        &outer.trace_id,
        &outer.span_id,
        outer.trace_flags.contains(host::TraceFlags::SAMPLED),
    )
}

/// A started span, ended (and exported by the host) on drop.
pub(super) struct Live {
    context: SpanContext,
    parent_span_id: String,
    kind: Kind,
    name: String,
    start: Datetime,
    attributes: Vec<KeyValue>,
    links: Vec<Link>,
    dropped_links: u32,
    status: Status,
}

impl Live {
    pub(super) fn start(name: &str, kind: Kind, parent: Option<TraceParent>) -> Option<Self> {
        let parent = parent.or_else(current)?;
        let context = SpanContext {
            trace_id: parent.trace_id.clone(),
            span_id: span_id(),
            trace_flags: flags(parent.sampled),
            is_remote: false,
            trace_state: Vec::new(),
        };
        host::on_start(&context);
        Some(Self {
            context,
            parent_span_id: parent.span_id,
            kind,
            name: name.to_owned(),
            start: now(),
            attributes: Vec::new(),
            links: Vec::new(),
            dropped_links: 0,
            status: Status::Unset,
        })
    }

    pub(super) fn set(&mut self, key: &str, value: &str) {
        self.attributes.push(KeyValue {
            key: key.to_owned(),
            // The interface carries every value as JSON.
            value: serde_json::Value::from(value).to_string(),
        });
    }

    pub(super) fn link(&mut self, to: TraceParent) {
        if self.links.len() >= MAX_LINKS {
            self.dropped_links = self.dropped_links.saturating_add(1);
            return;
        }
        self.links.push(Link {
            span_context: SpanContext {
                trace_id: to.trace_id,
                span_id: to.span_id,
                trace_flags: flags(to.sampled),
                is_remote: true,
                trace_state: Vec::new(),
            },
            attributes: Vec::new(),
        });
    }

    pub(super) fn fail(&mut self, reason: &str) {
        self.status = Status::Error(reason.to_owned());
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let status = std::mem::replace(&mut self.status, Status::Unset);
        let status = match status {
            Status::Unset => Status::Ok,
            other => other,
        };
        host::on_end(&SpanData {
            span_context: self.context.clone(),
            parent_span_id: std::mem::take(&mut self.parent_span_id),
            span_kind: match self.kind {
                Kind::Internal => SpanKind::Internal,
                Kind::Consumer => SpanKind::Consumer,
            },
            name: std::mem::take(&mut self.name),
            start_time: self.start,
            end_time: now(),
            attributes: std::mem::take(&mut self.attributes),
            events: Vec::new(),
            links: std::mem::take(&mut self.links),
            status,
            instrumentation_scope: InstrumentationScope {
                name: "fin-freelancer".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                schema_url: None,
                attributes: Vec::new(),
            },
            dropped_attributes: 0,
            dropped_events: 0,
            dropped_links: self.dropped_links,
        });
    }
}

fn flags(sampled: bool) -> host::TraceFlags {
    if sampled {
        host::TraceFlags::SAMPLED
    } else {
        host::TraceFlags::empty()
    }
}

/// 8 random bytes as 16 hex digits (a v4 UUID's randomness; never all zeros in practice,
/// and a zero id would only make the host drop the span).
fn span_id() -> String {
    let (high, _) = uuid::Uuid::new_v4().as_u64_pair();
    format!("{high:016x}")
}

fn now() -> Datetime {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Datetime {
        seconds: since.as_secs(),
        nanoseconds: since.subsec_nanos(),
    }
}
