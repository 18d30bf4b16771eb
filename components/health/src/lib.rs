//! Probes for an orchestrator (SpinKube's readiness and liveness, a load balancer):
//!
//! - `GET /healthz` — the instance serves requests. No I/O, no variables: cheap enough to
//!   be asked every few seconds, and never failed by a dependency (restarting an
//!   instance does not bring Postgres back).
//! - `GET /readyz` — the instance can do its work now: Postgres answers a query and
//!   the key-value store (Redis) answers a read. 200 with each check, or 503 naming the
//!   one that failed; each check is bounded by the host's own timeouts (Redis 1 s with
//!   this repository's Spin build; Postgres refused or reset at once — a frozen one is
//!   a known host limit, docs/development.md). A ready answer also carries the state of
//!   each outside service's breaker (`breakers`), for an operator.
//! - `GET /metrics/health` — the same as figures for a scraper (fin_spin_edge::metrics):
//!   whether each dependency answers, and each breaker's state.

use fin_metrics::{Exposition, Family};
use fin_spin_edge::response::{json, problem};
use fin_spin_edge::{breaker, config, metrics, now, pg, ApiRequest, Fault, Problem, Route};
use serde::Serialize;
use spin_sdk::http::Response;
use spin_sdk::wit::wasi::keyvalue::store;

#[derive(Serialize)]
struct Health {
    status: &'static str,
    checks: Vec<Check>,
    /// The breaker in front of each outside service (`/readyz` only): an open one means
    /// that service is failing and the app is answering without it, not that this
    /// instance is unready, so it never turns readiness red.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    breakers: Vec<breaker::Report>,
}

#[derive(Serialize)]
struct Check {
    name: &'static str,
    ok: bool,
    /// Why it failed: logged, never answered (it can name internal hosts).
    #[serde(skip)]
    error: Option<String>,
}

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/healthz", &["GET", "HEAD"]),
    Route::new("/readyz", &["GET", "HEAD"]),
    Route::new("/metrics/health", &["GET"]),
];

fin_spin_edge::http_component!(route);

async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    match req.resolve(ROUTES)?.path {
        "/healthz" => Ok(json(
            200,
            &Health {
                status: "ok",
                checks: Vec::new(),
                breakers: Vec::new(),
            },
        )),
        "/readyz" => Ok(ready()),
        "/metrics/health" => metrics::answer(req, "health", || Ok(figures())),
        _ => Err(Problem::no_route(&req.path)),
    }
}

fn ready() -> Response {
    let checks = checks("readyz");
    if checks.iter().all(|c| c.ok) {
        return json(
            200,
            &Health {
                status: "ready",
                checks,
                breakers: breakers(),
            },
        );
    }
    let failed: Vec<&str> = checks.iter().filter(|c| !c.ok).map(|c| c.name).collect();
    problem(
        Problem::unavailable(fin_spin_edge::OUTAGE_RETRY_AFTER_SECONDS)
            .with_detail(format!("Not ready: {} unavailable.", failed.join(" and ")))
            .with_extension("checks", serde_json::to_value(&checks).unwrap_or_default()),
    )
}

/// Whether Postgres and Redis answer (1 or 0), and each breaker's state: an operator
/// pages on a dependency down or a breaker open, not on this instance's readiness.
fn figures() -> Exposition {
    let checks = checks("metrics");
    let mut up = Family::gauge(
        "fin_dependency_up",
        "1 if the dependency answered this scrape's check, else 0.",
    );
    for c in &checks {
        up.push(&[("dependency", c.name)], f64::from(u8::from(c.ok)));
    }
    // With Redis down every breaker read would wait out its own timeout, to learn nothing.
    let reports = if checks[1].ok { breakers() } else { Vec::new() };
    let gauge = |name, help, value: fn(&breaker::Report) -> Option<f64>| {
        let mut family = Family::gauge(name, help);
        for report in &reports {
            if let Some(v) = value(report) {
                family.push(&[("breaker", &report.name)], v);
            }
        }
        family
    };
    Exposition::new()
        .family(up)
        .family(gauge(
            "fin_breaker_state",
            "The breaker in front of an outside service: \
             0 closed, 1 half-open (one trial call), 2 open (calls refused).",
            |r| {
                Some(match r.state {
                    "closed" => 0.0,
                    "half_open" => 1.0,
                    _ => 2.0,
                })
            },
        ))
        .family(gauge(
            "fin_breaker_failures",
            "Consecutive failed calls of a closed breaker.",
            |r| r.failures.map(|f| f as f64),
        ))
        .family(gauge(
            "fin_breaker_retry_after_seconds",
            "Seconds until an open breaker lets a trial call through.",
            |r| r.retry_after.map(|s| s as f64),
        ))
}

/// Each breaker's state as every instance sees it; one that cannot be read is left out
/// (the Redis check above already says why).
fn breakers() -> Vec<breaker::Report> {
    breaker::NAMES
        .iter()
        .filter_map(|name| {
            let timeout: u64 = config::get(&format!("{name}_call_timeout_ms")).ok()?;
            let state = breaker::open(name, timeout).and_then(|b| b.state(now()));
            match state {
                Ok(state) => Some(breaker::Report::of(name, state)),
                Err(fault) => {
                    fin_log::warn!("readyz", "breaker {name}: {fault}");
                    None
                }
            }
        })
        .collect()
}

/// Postgres, then Redis (the order the answers list them in); each failure logged under
/// `context` with its reason, which is never answered.
fn checks(context: &str) -> Vec<Check> {
    let checks = vec![check("postgres", postgres()), check("redis", redis())];
    for c in &checks {
        if let Some(error) = &c.error {
            fin_log::warn!(context, "{} failed: {error}", c.name);
        }
    }
    checks
}

fn check(name: &'static str, result: Result<(), Fault>) -> Check {
    Check {
        name,
        ok: result.is_ok(),
        error: result.err().map(|fault| match fault {
            Fault::Unavailable(reason) | Fault::Refused(reason) | Fault::Internal(reason) => reason,
        }),
    }
}

fn postgres() -> Result<(), Fault> {
    let url: String =
        config::get("db_url").map_err(|_| Fault::from("variable `db_url` is missing"))?;
    let conn = pg::connect(&url)?;
    pg::query(&conn, "SELECT 1", &[]).map(|_| ())
}

fn redis() -> Result<(), Fault> {
    let reason = |e: store::Error| Fault::Unavailable(format!("key-value: {e:?}"));
    let bucket = store::open("blocklist").map_err(reason)?;
    bucket.exists("readyz").map(|_| ()).map_err(reason)
}
