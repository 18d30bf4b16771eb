//! Routes under `/payments`: the provider's webhook (signed, no bearer token) and the
//! freelancer's list of provider payments (bearer token).

use fin_spin_edge::auth;
use fin_spin_edge::response::{json, serve};
use fin_spin_edge::{config, now, ApiRequest, BodyLimit, Fault, Problem, Route};
use serde::Serialize;
use spin_sdk::http::Response;

use crate::error::PaymentsError;
use crate::event;
use crate::ledger::Billing;
use crate::listing::{Cursor, ListQuery, Page};
use crate::service::{self, EventLog, Record};
use crate::signature;
use crate::store::PgEventLog;

pub async fn handle(req: ApiRequest) -> Response {
    serve(req, route).await
}

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/payments", &["GET"]),
    Route::new("/payments/webhook", &["POST"]),
];

async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let route = req.resolve(ROUTES)?;
    match (route.path, route.method) {
        ("/payments", "GET") => list(req),
        ("/payments/webhook", "POST") => webhook(req).await,
        _ => Err(Problem::no_route(&req.path)),
    }
}

/// What the provider is told: enough for its dashboard to show what happened.
#[derive(Serialize)]
struct Acknowledgement<'a> {
    received: bool,
    /// The event had been received before; nothing changed.
    duplicate_delivery: bool,
    outcome: &'a str,
    reason: Option<&'a str>,
}

async fn webhook(req: &mut ApiRequest) -> Result<Response, Problem> {
    let limit = BodyLimit(config::get("payments_webhook_max_body_bytes")?);
    let body = req.body(limit).await?;
    let secret: String = config::get("payments_webhook_secret")?;
    if secret.trim().is_empty() {
        // An empty key would let anyone sign: refuse everything until it is set.
        let empty = Fault::Internal("payments_webhook_secret is empty".into());
        return Err(PaymentsError::from(empty).into());
    }
    let tolerance: i64 = config::get("payments_webhook_tolerance_seconds")?;
    signature::verify(
        req.header("stripe-signature"),
        &body,
        secret.as_bytes(),
        now(),
        tolerance,
    )
    .map_err(PaymentsError::Signature)?;
    let event = event::parse(&body).map_err(PaymentsError::Malformed)?;
    let log = event_log()?;
    let receipt = service::receive(&log, &Billing, event)?;
    Ok(json(
        200,
        &Acknowledgement {
            received: true,
            duplicate_delivery: receipt.replayed,
            outcome: receipt.record.outcome,
            reason: receipt.record.reason.as_deref(),
        },
    ))
}

fn list(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let query = ListQuery::parse(&req.query).map_err(PaymentsError::Invalid)?;
    let rows = event_log()?
        .list(&owner, &query)
        .map_err(PaymentsError::from)?;
    let page: Page<Record> = Page::from_rows(rows, query.limit, |last| {
        Cursor {
            received_at: last.received_at.clone().unwrap_or_default(),
            event_id: last.event_id.clone(),
        }
        .encode()
    });
    Ok(json(200, &page))
}

fn event_log() -> Result<PgEventLog, Problem> {
    PgEventLog::open(&config::get::<String>("db_url")?).map_err(|e| PaymentsError::from(e).into())
}
