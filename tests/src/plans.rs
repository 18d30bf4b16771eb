//! The query plans of the statements the app itself runs, as Postgres chose them.
//!
//! The database of the suite is set to load `auto_explain` in every session and to send
//! its log lines to the client (`client_min_messages = log`); the app reaches Postgres
//! through a [`Proxy`] whose tap reads the server's `NoticeResponse` messages out of the
//! wire protocol and keeps each plan (`auto_explain.log_format = json`, with the rows
//! each node really read: `log_analyze`, without timing). So what is
//! checked is the SQL the components really send, with their real parameters — not a
//! copy of it in a test that could drift.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use crate::proxy::{Proxy, Tap};

/// The plans seen so far, oldest first.
#[derive(Clone, Default)]
pub struct Plans {
    seen: Arc<Mutex<Vec<Plan>>>,
}

/// One statement's plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub query: String,
    /// `Plan` of auto_explain's JSON.
    pub root: Value,
}

impl Plan {
    /// Every node of the plan, the root first.
    pub fn nodes(&self) -> Vec<&Value> {
        let mut out = Vec::new();
        let mut stack = vec![&self.root];
        while let Some(node) = stack.pop() {
            out.push(node);
            if let Some(children) = node["Plans"].as_array() {
                stack.extend(children.iter());
            }
        }
        out
    }

    /// The most rows any scan of the plan read: those it returned and those its filter
    /// threw away, over all its loops (auto_explain runs with `log_analyze`).
    pub fn rows_read(&self) -> f64 {
        self.nodes()
            .into_iter()
            .filter(|n| n["Node Type"].as_str().is_some_and(|t| t.ends_with("Scan")))
            .map(|n| {
                let loops = n["Actual Loops"].as_f64().unwrap_or(1.0);
                let returned = n["Actual Rows"].as_f64().unwrap_or_default();
                let removed = n["Rows Removed by Filter"].as_f64().unwrap_or_default();
                (returned + removed) * loops
            })
            .fold(0.0, f64::max)
    }

    /// The relations read by a sequential scan.
    pub fn seq_scans(&self) -> Vec<String> {
        self.nodes()
            .into_iter()
            .filter(|n| n["Node Type"] == "Seq Scan")
            .filter_map(|n| n["Relation Name"].as_str().map(str::to_owned))
            .collect()
    }
}

impl Plans {
    /// A proxy to Postgres on `127.0.0.1:5432` that keeps the plans it sees.
    pub fn proxy() -> (Proxy, Plans) {
        let plans = Plans::default();
        let seen = plans.seen.clone();
        let tap: Tap = Arc::new(move || {
            let seen = seen.clone();
            let mut pending: Vec<u8> = Vec::new();
            Box::new(move |bytes: &[u8]| {
                pending.extend_from_slice(bytes);
                for message in take_notices(&mut pending) {
                    if let Some(plan) = plan(&message) {
                        lock(&seen).push(plan);
                    }
                }
            })
        });
        (Proxy::tapped("127.0.0.1:5432", Some(tap)), plans)
    }

    /// The SQL that makes every new session of `database` send its plans.
    pub fn setup(database: &str) -> String {
        format!(
            "ALTER DATABASE {database} SET session_preload_libraries = 'auto_explain';
             ALTER DATABASE {database} SET auto_explain.log_min_duration = 0;
             ALTER DATABASE {database} SET auto_explain.log_format = 'json';
             ALTER DATABASE {database} SET auto_explain.log_analyze = on;
             ALTER DATABASE {database} SET auto_explain.log_timing = off;
             ALTER DATABASE {database} SET client_min_messages = 'log';"
        )
    }

    /// Forgets what was seen (before a request whose plans are wanted).
    pub fn clear(&self) {
        lock(&self.seen).clear();
    }

    pub fn taken(&self) -> Vec<Plan> {
        lock(&self.seen).clone()
    }
}

fn lock(seen: &Mutex<Vec<Plan>>) -> MutexGuard<'_, Vec<Plan>> {
    seen.lock().unwrap_or_else(|p| p.into_inner())
}

/// The complete backend messages at the front of `pending`, removed from it: the
/// `NoticeResponse` ones' bodies. The very first bytes of a connection may be the
/// one-byte answer to an SSL request (`N`), which is no message: a length that makes no
/// sense drops the byte.
fn take_notices(pending: &mut Vec<u8>) -> Vec<Vec<u8>> {
    let mut notices = Vec::new();
    loop {
        if pending.len() < 5 {
            return notices;
        }
        let length = u32::from_be_bytes([pending[1], pending[2], pending[3], pending[4]]) as usize;
        if !(4..=64 << 20).contains(&length) {
            pending.remove(0);
            continue;
        }
        if pending.len() < 1 + length {
            return notices;
        }
        let message: Vec<u8> = pending.drain(..1 + length).collect();
        if message[0] == b'N' {
            notices.push(message[5..].to_vec());
        }
    }
}

/// The plan in a notice of auto_explain's: its `M` (message) field is
/// `duration: … ms  plan:\n{json}`.
fn plan(fields: &[u8]) -> Option<Plan> {
    let message = fields
        .split(|&b| b == 0)
        .find_map(|field| field.strip_prefix(b"M"))?;
    let text = std::str::from_utf8(message).ok()?;
    let (_, json) = text.split_once("plan:\n")?;
    let explained: Value = serde_json::from_str(json).ok()?;
    Some(Plan {
        query: explained["Query Text"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        root: explained["Plan"].clone(),
    })
}
