//! Every line the app logs is one JSON object on standard error — what CloudWatch Logs,
//! Loki or `jq` read without a parser per message:
//!
//! ```json
//! {"time":"2026-12-08T10:00:00.123Z","level":"warn","context":"billing","message":"…",
//!  "trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}
//! ```
//!
//! `trace_id` and `span_id` name the span the line was written under, when the component
//! can know it: the Spin edge installs a [`TraceSource`] (fin_spin_edge::trace), which
//! answers only where Spin gives a guest its trace context (WASI OTel, the `FIN_OTEL=1`
//! build). Elsewhere the line still lands in its trace: Spin records every line a
//! component writes as an `app_log` event of the span it ran under (docs/observability.md).
//!
//! The source is a function, not a value kept for a request: a reused instance serving
//! several requests at once must never stamp one request's id on another's line.

use std::fmt;
use std::io::Write;
use std::sync::OnceLock;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// How bad it is: `error` needs someone (a defect, a fault that should not happen),
/// `warn` is a dependency failing or input refused for a reason worth seeing, `info`
/// is what a background run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warn,
    Info,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
        }
    }
}

/// The span a line is written under: W3C ids in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceIds {
    pub trace_id: String,
    pub span_id: String,
}

/// Where the current span comes from; `None` when nothing is traced.
pub type TraceSource = fn() -> Option<TraceIds>;

static SOURCE: OnceLock<TraceSource> = OnceLock::new();

/// Called by the edge on every entry; the first call wins (every later one names the
/// same function).
pub fn install(source: TraceSource) {
    let _ = SOURCE.set(source);
}

/// The line for a message, as written (without the newline).
pub fn line(
    level: Level,
    context: &str,
    message: fmt::Arguments<'_>,
    at: OffsetDateTime,
    trace: Option<TraceIds>,
) -> String {
    let mut object = serde_json::Map::new();
    let time = at.format(&Rfc3339).unwrap_or_default();
    object.insert("time".into(), time.into());
    object.insert("level".into(), level.as_str().into());
    object.insert("context".into(), context.into());
    object.insert("message".into(), message.to_string().into());
    if let Some(ids) = trace {
        object.insert("trace_id".into(), ids.trace_id.into());
        object.insert("span_id".into(), ids.span_id.into());
    }
    serde_json::Value::Object(object).to_string()
}

/// Writes the line to standard error: what the macros call. One write per line, so a
/// host that forwards each write as a record (Spin's OTLP logs) gets whole lines.
pub fn write(level: Level, context: &str, message: fmt::Arguments<'_>) {
    let trace = SOURCE.get().and_then(|source| source());
    let mut text = line(level, context, message, OffsetDateTime::now_utc(), trace);
    text.push('\n');
    // Nowhere to report a failed log write to.
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// `fin_log::error!("billing", "cannot read {what}: {e}")`
#[macro_export]
macro_rules! error {
    ($context:expr, $($message:tt)+) => {
        $crate::write($crate::Level::Error, $context, format_args!($($message)+))
    };
}

/// `fin_log::warn!("mailer", "the provider's breaker is open")`
#[macro_export]
macro_rules! warn {
    ($context:expr, $($message:tt)+) => {
        $crate::write($crate::Level::Warn, $context, format_args!($($message)+))
    };
}

/// `fin_log::info!("projector", "applied {n} event(s)")`
#[macro_export]
macro_rules! info {
    ($context:expr, $($message:tt)+) => {
        $crate::write($crate::Level::Info, $context, format_args!($($message)+))
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use time::macros::datetime;

    fn parsed(text: &str) -> Value {
        assert!(!text.contains('\n'), "one line: {text}");
        serde_json::from_str(text).expect("JSON")
    }

    #[test]
    fn a_line_is_one_json_object_with_its_trace() {
        let ids = TraceIds {
            trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
            span_id: "00f067aa0ba902b7".into(),
        };
        let text = line(
            Level::Warn,
            "billing",
            format_args!("clients call failed: {}", "timeout"),
            datetime!(2026-12-08 10:00:00.5 UTC),
            Some(ids),
        );
        assert_eq!(
            parsed(&text),
            json!({"time": "2026-12-08T10:00:00.5Z", "level": "warn", "context": "billing",
                   "message": "clients call failed: timeout",
                   "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"})
        );
    }

    #[test]
    fn without_a_trace_the_ids_are_left_out_not_empty() {
        let text = line(
            Level::Info,
            "projector",
            format_args!("applied 3 event(s)"),
            datetime!(2026-12-08 10:00 UTC),
            None,
        );
        let value = parsed(&text);
        assert_eq!(value["level"], "info");
        assert!(value.get("trace_id").is_none() && value.get("span_id").is_none());
    }

    #[test]
    fn whatever_a_message_holds_stays_inside_its_string() {
        let hostile = "a \"quote\", a\nnew line, a \\ and \u{7}";
        let text = line(
            Level::Error,
            "mailer",
            format_args!("{hostile}"),
            datetime!(2026-12-08 10:00 UTC),
            None,
        );
        assert_eq!(parsed(&text)["message"], hostile);
    }
}
