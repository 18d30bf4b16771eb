//! The rest of the Spin edge: the provider's HTTP through Spin's outbound HTTP, the
//! mailer's configuration from Spin variables, and each attempt's span.

use fin_problem::Fault;
use fin_spin_edge::trace::{Kind as SpanKind, Span};
use fin_spin_edge::{config, outbound};

use crate::domain::Next;
use crate::provider::{Answer, Request};
use crate::service::{AttemptSpan, Claimed, Transport};

/// `deliver`, under the trace of the request that sent the invoice (the delivery's stored
/// `traceparent`; the mailer's own run where there is none), so the API calls, the
/// provider's call and the statements of the attempt are in the request's trace.
pub fn trace_attempt(claimed: &Claimed) -> Box<dyn AttemptSpan> {
    let mut span = Span::start(
        "deliver",
        SpanKind::Consumer,
        claimed.traceparent.as_deref(),
    );
    span.set("delivery.id", &claimed.id);
    span.set("delivery.kind", &claimed.kind.as_key());
    span.set("delivery.attempt", &claimed.attempt.to_string());
    Box::new(AttemptTrace(span))
}

struct AttemptTrace(Span);

impl AttemptSpan for AttemptTrace {
    fn end(self: Box<Self>, next: &Next) {
        let mut span = self.0;
        let outcome = match next {
            Next::MarkSent { .. } => "sent",
            Next::Skip { .. } => "skipped",
            Next::RetryIn { .. } => "retry",
            Next::Fail { .. } => "failed",
        };
        span.set("delivery.outcome", outcome);
        if let Next::RetryIn { reason, .. } | Next::Fail { reason } = next {
            span.fail(reason);
        }
    }
}

/// The provider's request with a deadline.
pub struct SpinTransport {
    pub timeout_ms: u64,
}

impl Transport for SpinTransport {
    fn send(&self, request: &Request) -> Result<Answer, String> {
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .collect();
        outbound::call(
            "POST",
            &request.url,
            &headers,
            Some(&request.body),
            self.timeout_ms,
        )
        .map(|a| Answer {
            retry_after: a.header("retry-after").and_then(|v| v.trim().parse().ok()),
            status: a.status,
            body: a.body,
        })
        .map_err(|e| format!("{e:?}"))
    }
}

/// A variable the mailer cannot run without.
pub fn setting<T: std::str::FromStr>(name: &str) -> Result<T, Fault> {
    config::get(name)
        .map_err(|_| Fault::Internal(format!("variable `{name}` is missing or invalid")))
}
