//! What an operator's scraper reads at `/metrics/<context>`: the text, and one sample's
//! value by name and labels, read the way Prometheus reads it.

use crate::{App, Reply};

/// The token every app of the suite is started with (`metrics_token`), unless a test
/// sets its own.
pub const METRICS_TOKEN: &str = "e2e-metrics-token-0123456789";

#[derive(Debug, Clone)]
pub struct Scrape {
    pub text: String,
}

impl Scrape {
    /// The sample `name{labels}`; labels must be given exactly as the sample has them.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let wanted = if labels.is_empty() {
            name.to_owned()
        } else {
            let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
            format!("{name}{{{}}}", pairs.join(","))
        };
        self.text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .find_map(|line| {
                let (series, value) = line.rsplit_once(' ')?;
                (series == wanted).then(|| value.parse().ok())?
            })
    }

    /// [`Scrape::value`], which the test needs to be there.
    pub fn expect(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in the scrape:\n{}", self.text))
    }
}

impl App {
    /// `GET path` with the suite's metrics token.
    pub fn scrape_reply(&self, path: &str) -> Reply {
        self.client().get(path).bearer(METRICS_TOKEN).send()
    }

    /// `GET path` with the suite's metrics token, which must answer 200 in the text format.
    pub fn scrape(&self, path: &str) -> Scrape {
        let reply = self.scrape_reply(path);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; version=0.0.4; charset=utf-8"),
            "{path}"
        );
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{path}");
        Scrape {
            text: reply.body.clone(),
        }
    }
}
