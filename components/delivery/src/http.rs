//! `GET /invoices/{id}/deliveries`: what was e-mailed for an invoice, and where each
//! e-mail stands. The invoice is first asked of billing with the caller's own token
//! (service chaining), so another freelancer's invoice is the same 404 it is there.
//! `GET`/`PUT /delivery-settings`: how the caller's e-mails read.
//! `GET /metrics/delivery`: the queues for an operator's scraper (crate::metrics).

use fin_spin_edge::auth;
use fin_spin_edge::outbound::{self, Answer, CallError};
use fin_spin_edge::response::json;
use fin_spin_edge::{config, metrics, pg, ApiRequest, Fault, Problem, Route};
use serde_json::json;
use spin_sdk::http::Response;

use crate::settings::Settings;
use crate::store;

/// Every route of this component; `docs/openapi.yaml` describes each.
pub const ROUTES: &[Route] = &[
    Route::new("/invoices/{id}/deliveries", &["GET"]),
    Route::new("/delivery-settings", &["GET", "PUT"]),
    Route::new("/metrics/delivery", &["GET"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let matched = req.resolve(ROUTES)?;
    if matched.path == "/metrics/delivery" {
        let db_url: String = config::get("db_url")?;
        return metrics::answer(req, "delivery", || crate::metrics::figures(&db_url));
    }
    let principal = auth::authenticate(req)?;
    let owner = principal.user_id;
    match (matched.path, matched.method) {
        ("/invoices/{id}/deliveries", _) => {
            let id = matched.param("id").to_owned();
            owned_invoice(req, &id)?;
            let items = store::for_invoice(&database()?, &owner, &id).map_err(problem)?;
            Ok(json(200, &json!({ "items": items })))
        }
        ("/delivery-settings", "PUT") => {
            // An object, read as settings: every field has a default, so a JSON array
            // would otherwise be read as one too.
            let object: serde_json::Map<String, serde_json::Value> =
                req.json(config::body_limit()?).await?;
            let bytes =
                serde_json::to_vec(&object).map_err(|e| problem(Fault::Internal(e.to_string())))?;
            let body: Settings = fin_problem::decode_json(Some("application/json"), &bytes)?;
            let settings = body.parse().map_err(Problem::validation)?;
            store::put_settings(&database()?, &owner, &settings).map_err(problem)?;
            Ok(json(200, &settings))
        }
        _ => Ok(json(
            200,
            &store::settings_of(&database()?, &owner).map_err(problem)?,
        )),
    }
}

fn database() -> Result<spin_sdk::pg4::Connection, Problem> {
    pg::connect(&config::get::<String>("db_url")?).map_err(problem)
}

fn problem(fault: Fault) -> Problem {
    fault.into_problem("delivery")
}

/// The invoice exists and is the caller's, as billing says.
fn owned_invoice(req: &ApiRequest, id: &str) -> Result<(), Problem> {
    let base: String = config::get("billing_base_url")?;
    let timeout: u64 = config::get("clients_call_timeout_ms")?;
    let authorization = req.header("authorization").unwrap_or_default();
    let headers = [
        ("authorization", authorization),
        ("accept", "application/json"),
    ];
    match outbound::get(&format!("{base}/invoices/{id}"), &headers, timeout) {
        Ok(Answer { status: 200, .. }) => Ok(()),
        Ok(Answer { status: 404, .. }) => Err(Problem::not_found("There is no such invoice.")),
        Ok(Answer { status: 401, .. }) => {
            Err(Problem::unauthorized("The token is no longer accepted."))
        }
        Ok(Answer { status, .. }) if status >= 500 => Err(unavailable()),
        Err(CallError::Timeout | CallError::Transport(_)) => Err(unavailable()),
        Ok(Answer { status, .. }) => Err(Fault::Internal(format!(
            "billing answered {status} for an invoice"
        ))
        .into_problem("delivery")),
        Err(CallError::Request(reason)) => Err(Fault::Internal(reason).into_problem("delivery")),
    }
}

fn unavailable() -> Problem {
    problem(Fault::Unavailable("billing did not answer".into()))
}
