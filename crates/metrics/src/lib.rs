//! The figures an operator pages on, written in the Prometheus text exposition format
//! (version 0.0.4): what the OpenTelemetry collector's `prometheus` receiver, Prometheus
//! itself and CloudWatch's agent all scrape. Each context reports only what its own
//! tables and stores hold (`/metrics/<context>`, docs/observability.md); this crate
//! only writes the text, so the rules stay testable without Spin.

use std::fmt::Write;

mod scrape;
pub use scrape::{admit, Admission};

/// A metric's kind, as the `# TYPE` line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A level that goes up and down: a queue's depth, a lag.
    Gauge,
    /// A total that only grows while the process behind it lives.
    Counter,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Gauge => "gauge",
            Kind::Counter => "counter",
        }
    }
}

/// One metric family: its name, what it means, and its samples by label set.
#[derive(Debug, Clone)]
pub struct Family {
    name: &'static str,
    help: &'static str,
    kind: Kind,
    samples: Vec<(Vec<(&'static str, String)>, f64)>,
}

impl Family {
    pub fn gauge(name: &'static str, help: &'static str) -> Self {
        Self::new(name, help, Kind::Gauge)
    }

    pub fn counter(name: &'static str, help: &'static str) -> Self {
        Self::new(name, help, Kind::Counter)
    }

    fn new(name: &'static str, help: &'static str, kind: Kind) -> Self {
        Self {
            name,
            help,
            kind,
            samples: Vec::new(),
        }
    }

    /// Adds the value for one set of labels (label names are the code's own; values
    /// may be anything and are escaped).
    pub fn sample(mut self, labels: &[(&'static str, &str)], value: f64) -> Self {
        self.push(labels, value);
        self
    }

    /// [`Family::sample`] in place, for families filled in a loop.
    pub fn push(&mut self, labels: &[(&'static str, &str)], value: f64) {
        let labels = labels.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        self.samples.push((labels, value));
    }
}

/// How far one of billing's feed readers trails it (fin_feed::lag): the one family two
/// contexts report, so its name and meaning are written once.
pub fn feed_lag(reader: &str, seconds: i64) -> Family {
    Family::gauge(
        "fin_feed_lag_seconds",
        "Age of the oldest billing event a reader has not applied yet (0: caught up).",
    )
    .sample(&[("reader", reader)], seconds as f64)
}

/// The text a scrape answers with, family after family.
#[derive(Debug, Default)]
pub struct Exposition {
    text: String,
}

/// The media type of [`Exposition::finish`]'s text.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

impl Exposition {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn family(mut self, family: Family) -> Self {
        // Writing to a String cannot fail.
        let _ = writeln!(
            self.text,
            "# HELP {} {}",
            family.name,
            escape(family.help, false)
        );
        let _ = writeln!(self.text, "# TYPE {} {}", family.name, family.kind.name());
        for (labels, value) in &family.samples {
            self.text.push_str(family.name);
            if !labels.is_empty() {
                let pairs: Vec<String> = labels
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{}\"", escape(v, true)))
                    .collect();
                let _ = write!(self.text, "{{{}}}", pairs.join(","));
            }
            let _ = writeln!(self.text, " {}", number(*value));
        }
        self
    }

    pub fn finish(self) -> String {
        self.text
    }
}

/// Whole numbers without a fraction (`3`, not `3.0`); the format's spellings of the
/// non-finite ones.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// The format's escapes: a backslash and a line break everywhere, a double quote only
/// inside a label value.
fn escape(text: &str, quoted: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quoted => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_help_type_and_each_sample() {
        let text = Exposition::new()
            .family(
                Family::gauge("fin_queue", "E-mails waiting.")
                    .sample(&[("queue", "invoice")], 3.0)
                    .sample(&[("queue", "account")], 0.0),
            )
            .family(Family::counter("fin_sent_total", "Sent.").sample(&[], 12.0))
            .finish();
        assert_eq!(
            text,
            "# HELP fin_queue E-mails waiting.\n# TYPE fin_queue gauge\n\
             fin_queue{queue=\"invoice\"} 3\nfin_queue{queue=\"account\"} 0\n\
             # HELP fin_sent_total Sent.\n# TYPE fin_sent_total counter\nfin_sent_total 12\n"
        );
    }

    #[test]
    fn label_values_cannot_break_out_of_their_quotes_or_line() {
        let text = Exposition::new()
            .family(Family::gauge("g", "h").sample(&[("name", "a\"b\\c\nd")], 1.0))
            .finish();
        assert!(text.contains("g{name=\"a\\\"b\\\\c\\nd\"} 1\n"), "{text}");
        assert_eq!(text.lines().count(), 3, "one line per sample: {text}");
    }

    #[test]
    fn fractions_and_non_finite_values_use_the_formats_spelling() {
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(-2.0), "-2");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn a_family_without_samples_still_declares_itself() {
        let text = Exposition::new()
            .family(Family::gauge("fin_empty", "Nothing yet."))
            .finish();
        assert_eq!(
            text,
            "# HELP fin_empty Nothing yet.\n# TYPE fin_empty gauge\n"
        );
    }
}
