//! Spans for the app's own work where Spin's host spans cannot name it: an event a
//! Redis-triggered component acts on belongs to the request that wrote it, and Spin starts
//! a fresh trace for every Redis message. The writer stores [`current`]'s context beside
//! the event; the reader opens a [`Span`] under it, and Spin puts the reader's outbound
//! calls (and so all the app's API did for them) under that span, so a request and the
//! e-mail it caused are one trace. Its statements stay in the message's trace: Spin 4.0.2
//! nests only the oldest Postgres interface's host spans (docs/observability.md).
//!
//! The spans go out through Spin's WASI OTel (`spin up --experimental-wasi-otel`, Spin 3.4
//! and later), compiled in only with the feature `otel` (`FIN_OTEL=1`,
//! scripts/build-component.sh): SpinKube's shim (v0.24) does not link that interface, and
//! a component importing it would not start there. Without the feature every function here
//! does nothing and [`current`] is `None`.

use std::fmt;

#[cfg(feature = "otel")]
mod otel;

/// A W3C `traceparent` (`00-<trace id>-<span id>-<flags>`): where a span sits, in the form
/// that survives a database row or a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceParent {
    trace_id: String,
    span_id: String,
    sampled: bool,
}

impl TraceParent {
    /// The context in `value`, if it is a version-00 `traceparent` with lowercase hex ids
    /// that are not all zeros (W3C Trace Context's rules); anything else is no context.
    pub fn parse(value: &str) -> Option<Self> {
        let mut parts = value.split('-');
        let (version, trace_id, span_id, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || version != "00" {
            return None;
        }
        let flags = u8::from_str_radix(hex(flags, 2)?, 16).ok()?;
        Self::new(trace_id, span_id, flags & 1 == 1)
    }

    /// The ids as Spin's WASI OTel gives them: hex without leading zeros (it formats them
    /// with `{:x}`, so one id in sixteen comes a digit short, and would otherwise be lost
    /// as no context).
    #[cfg_attr(not(feature = "otel"), allow(dead_code))]
    fn from_host(trace_id: &str, span_id: &str, sampled: bool) -> Option<Self> {
        Self::new(
            &format!("{trace_id:0>32}"),
            &format!("{span_id:0>16}"),
            sampled,
        )
    }

    fn new(trace_id: &str, span_id: &str, sampled: bool) -> Option<Self> {
        let trace_id = hex(trace_id, 32)?;
        let span_id = hex(span_id, 16)?;
        let zero = |id: &str| id.bytes().all(|b| b == b'0');
        (!zero(trace_id) && !zero(span_id)).then(|| Self {
            trace_id: trace_id.to_owned(),
            span_id: span_id.to_owned(),
            sampled,
        })
    }

    pub fn trace_id(&self) -> &str {
        &self.trace_id
    }
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flags = if self.sampled { "01" } else { "00" };
        write!(f, "00-{}-{}-{flags}", self.trace_id, self.span_id)
    }
}

/// `id` if it is `len` lowercase hex digits.
fn hex(id: &str, len: usize) -> Option<&str> {
    (id.len() == len && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then_some(id)
}

/// What a span stands for, as OpenTelemetry's span kinds say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Internal,
    /// Work on a message or a queued row another request produced.
    Consumer,
}

/// The span the host is in now (the component's run under its request or message), or
/// `None` where nothing is traced.
pub fn current() -> Option<TraceParent> {
    #[cfg(feature = "otel")]
    return otel::current();
    #[cfg(not(feature = "otel"))]
    None
}

/// Links one span keeps (a batch of a few hundred events would otherwise make one span
/// of tens of kilobytes).
pub const MAX_LINKS: usize = 32;

/// A span of the app's own; it ends when dropped.
#[must_use = "the span ends when dropped"]
pub struct Span {
    #[cfg(feature = "otel")]
    live: Option<otel::Live>,
}

impl Span {
    /// Starts `name` under `parent` (a stored `traceparent`), or under the host's span when
    /// there is none or it does not parse. Nothing is recorded where nothing is traced.
    pub fn start(name: &str, kind: Kind, parent: Option<&str>) -> Self {
        #[cfg(feature = "otel")]
        return Self {
            live: otel::Live::start(name, kind, parent.and_then(TraceParent::parse)),
        };
        #[cfg(not(feature = "otel"))]
        {
            let _ = (name, kind, parent);
            Self {}
        }
    }

    /// Adds an attribute (a string; never personal data: ids, kinds, outcomes).
    pub fn set(&mut self, key: &str, value: &str) {
        #[cfg(feature = "otel")]
        if let Some(live) = &mut self.live {
            live.set(key, value);
        }
        #[cfg(not(feature = "otel"))]
        let _ = (key, value);
    }

    /// Links the span to the one `traceparent` names (work that consumes many events at
    /// once cannot sit in each one's trace, so it points to them); at most
    /// [`MAX_LINKS`] are kept, the rest only counted, and what does not parse is passed
    /// over.
    pub fn link(&mut self, traceparent: &str) {
        #[cfg(feature = "otel")]
        if let (Some(live), Some(to)) = (&mut self.live, TraceParent::parse(traceparent)) {
            live.link(to);
        }
        #[cfg(not(feature = "otel"))]
        let _ = traceparent;
    }

    /// Marks the span failed, with why.
    pub fn fail(&mut self, reason: &str) {
        #[cfg(feature = "otel")]
        if let Some(live) = &mut self.live {
            live.fail(reason);
        }
        #[cfg(not(feature = "otel"))]
        let _ = reason;
    }
}

/// The current span's ids for a log line (fin_log): what [`current`] knows.
fn log_ids() -> Option<fin_log::TraceIds> {
    current().map(|at| fin_log::TraceIds {
        trace_id: at.trace_id,
        span_id: at.span_id,
    })
}

/// Lets every log line of this component name its span (fin_log); each entry point
/// calls it (the HTTP one in `response::serve`).
pub fn install_log() {
    fin_log::install(log_ids);
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_traceparent_reads_back_as_written() {
        let parsed = TraceParent::parse(VALID).expect("valid");
        assert_eq!(parsed.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(parsed.to_string(), VALID);
        let unsampled = VALID.replace("-01", "-00");
        assert_eq!(
            TraceParent::parse(&unsampled).map(|t| t.to_string()),
            Some(unsampled)
        );
    }

    #[test]
    fn ids_the_host_gives_short_of_their_leading_zeros_are_whole_again() {
        let host = TraceParent::from_host("bbb275a8c6f5c8b15882213042b05fa", "1e0b9a902b7", true);
        assert_eq!(
            host.map(|t| t.to_string()).as_deref(),
            Some("00-0bbb275a8c6f5c8b15882213042b05fa-000001e0b9a902b7-01")
        );
        assert_eq!(
            TraceParent::from_host("0", "0", true),
            None,
            "the host untraced"
        );
        assert_eq!(TraceParent::from_host(&"a".repeat(33), "1", true), None);
    }

    #[test]
    fn anything_but_a_version_00_traceparent_is_no_context() {
        for bad in [
            "",
            "garbage",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xx",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba9ü2b7-01",
        ] {
            assert_eq!(TraceParent::parse(bad), None, "{bad}");
        }
    }
}
