//! `GET /invoices/{id}/deliveries`: what was e-mailed for an invoice, and where each
//! e-mail stands. The invoice is first asked of billing with the caller's own token
//! (service chaining), so another freelancer's invoice is the same 404 it is there.

use fin_spin_edge::auth;
use fin_spin_edge::outbound::{self, Answer, CallError};
use fin_spin_edge::response::{json, serve};
use fin_spin_edge::{config, pg, ApiRequest, Fault, Problem, Route};
use serde_json::json;
use spin_sdk::http::Response;

use crate::store;

pub async fn handle(req: ApiRequest) -> Response {
    serve(req, route).await
}

/// Every route of this component; `docs/openapi.yaml` describes each.
pub const ROUTES: &[Route] = &[Route::new("/invoices/{id}/deliveries", &["GET"])];

async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let matched = req.resolve(ROUTES)?;
    let principal = auth::authenticate(req)?;
    let id = matched.param("id").to_owned();
    owned_invoice(req, &id)?;
    let conn =
        pg::connect(&config::get::<String>("db_url")?).map_err(|f| f.into_problem("delivery"))?;
    let items = store::for_invoice(&conn, &principal.user_id, &id)
        .map_err(|f| f.into_problem("delivery"))?;
    Ok(json(200, &json!({ "items": items })))
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
    Fault::Unavailable("billing did not answer".into()).into_problem("delivery")
}
