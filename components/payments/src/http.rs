//! Routes under `/payments`: the provider's webhook (signed, no bearer token), the
//! freelancer's list of provider payments and their Stripe connection (bearer token) —
//! and a share link's "Pay now" (`/share/{token}/pay`, the token is the key).

use fin_secret::Secret;
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{auth, breaker, standing};
use fin_spin_edge::{config, now, ApiRequest, BodyLimit, Fault, Problem, Route};
use serde::Serialize;
use spin_sdk::http::Response;

use crate::checkout::{self, Pay, PayError};
use crate::connection::{self, ConnectInput, ConnectionStore, ConnectionView, Sealed};
use crate::connection_store::PgConnections;
use crate::error::PaymentsError;
use crate::event;
use crate::ledger::Billing;
use crate::listing::{Cursor, ListQuery, Page};
use crate::outbound::{SharedLinks, StripeApi};
use crate::service::{self, EventLog, Record};
use crate::signature;
use crate::store::PgEventLog;
use fin_vault::Vault;

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/payments", &["GET"]),
    Route::new("/payments/webhook", &["POST"]),
    Route::new("/payments/stripe-connection", &["GET", "PUT", "DELETE"]),
    Route::new("/share/{token}/pay", &["GET"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    // Not a public route: the documents component asks it (service chaining) whether a
    // share page offers "Pay now".
    if let Some(owner) = req.internal("/internal/stripe-connections/")? {
        return offers_card_payment(&owner);
    }
    let route = req.resolve(ROUTES)?;
    match (route.path, route.method) {
        ("/payments", "GET") => list(req),
        ("/payments/webhook", "POST") => webhook(req).await,
        ("/payments/stripe-connection", "GET") => show_connection(req),
        ("/payments/stripe-connection", "PUT") => connect(req).await,
        ("/payments/stripe-connection", "DELETE") => disconnect(req),
        ("/share/{token}/pay", "GET") => pay(req, route.param("token")),
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

fn connections() -> Result<PgConnections, Problem> {
    PgConnections::open(&config::get::<String>("db_url")?)
        .map_err(|e| PaymentsError::from(e).into())
}

/// The vault of `payments_encryption_key`; `None` when the server has none (card
/// payments off).
fn vault() -> Result<Option<Vault>, Problem> {
    let key: String = config::get("payments_encryption_key")?;
    Ok(Vault::from_setting("payments_encryption_key", &key))
}

fn show_connection(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let stored = connections()?.find(&owner).map_err(PaymentsError::from)?;
    let vault = vault()?;
    let view = ConnectionView::of(stored.as_ref(), vault.as_ref().map(Vault::key_id));
    Ok(json(200, &view))
}

async fn connect(req: &mut ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    let input: ConnectInput = req.json(config::body_limit()?).await?;
    let key = input.key().map_err(PaymentsError::Invalid)?;
    let vault = vault()?.ok_or(PaymentsError::CardPaymentsOff)?;
    let connections = connections()?;
    // Money is taken in this account's name: only once its owner proved the address.
    standing::require_verified(connections.connection(), &owner, "payments")?;
    let view =
        connection::connect(&connections, &vault, &owner, &key).map_err(PaymentsError::from)?;
    Ok(json(200, &view))
}

fn disconnect(req: &ApiRequest) -> Result<Response, Problem> {
    let owner = auth::authenticate(req)?.user_id;
    connections()?.delete(&owner).map_err(PaymentsError::from)?;
    Ok(no_content())
}

/// 200 when `owner` has a Stripe connection this server can open, else 404.
fn offers_card_payment(owner: &str) -> Result<Response, Problem> {
    let not_offered = || Problem::not_found("No card payments.");
    if uuid::Uuid::parse_str(owner).is_err() {
        return Err(not_offered());
    }
    // Card payments off: no database to ask.
    let Some(vault) = vault()? else {
        return Err(not_offered());
    };
    if stripe_paused() {
        return Err(not_offered());
    }
    let store = connections()?;
    let sealed = Sealed {
        store: &store,
        vault: Some(&vault),
    };
    match sealed.offered(owner).map_err(PaymentsError::from)? {
        true => Ok(json(200, &serde_json::json!({"card_payments": true}))),
        false => Err(not_offered()),
    }
}

/// Whether Stripe's breaker is open, so "Pay now" is not offered until a trial may be
/// made. A breaker that cannot be read hides nothing: the click itself then decides.
fn stripe_paused() -> bool {
    let Ok(timeout_ms) = config::get::<u64>("stripe_call_timeout_ms") else {
        return false;
    };
    breaker::open("stripe", timeout_ms)
        .and_then(|b| b.state(now()))
        .is_ok_and(|state| matches!(state, fin_breaker::State::Open { .. }))
}

/// The share page's "Pay now": to Stripe's page for the balance, or back to the share
/// page (303) when there is nothing to pay or no card payments — it says which.
fn pay(req: &ApiRequest, token: &str) -> Result<Response, Problem> {
    if !Secret::well_formed(token) {
        return Err(PaymentsError::Pay(PayError::Closed).into());
    }
    let share_url = format!("{}/share/{token}", req.public_base_url()?);
    let shares = SharedLinks {
        base_url: config::get("sharing_base_url")?,
        timeout_ms: config::get("clients_call_timeout_ms")?,
    };
    let (store, vault) = (connections()?, vault()?);
    let sealed = Sealed {
        store: &store,
        vault: vault.as_ref(),
    };
    let timeout_ms = config::get("stripe_call_timeout_ms")?;
    let stripe = StripeApi {
        base_url: config::get("stripe_api_base_url")?,
        timeout_ms,
        breaker: breaker::open("stripe", timeout_ms).map_err(PaymentsError::from)?,
    };
    let today = time::OffsetDateTime::now_utc().date().to_string();
    match checkout::pay(&shares, &sealed, &stripe, token, &share_url, &today) {
        Ok(Pay::Checkout(url)) => Ok(see_other(&url)),
        Ok(Pay::NothingToPay | Pay::NotOffered) => Ok(see_other(&format!("/share/{token}"))),
        Err(e) => Err(PaymentsError::Pay(e).into()),
    }
}

fn see_other(location: &str) -> Response {
    Response::builder()
        .status(303)
        .header("location", location)
        .header("cache-control", "no-store")
        .header("referrer-policy", "no-referrer")
        .body(Vec::new())
        .build()
}

fn event_log() -> Result<PgEventLog, Problem> {
    PgEventLog::open(&config::get::<String>("db_url")?).map_err(|e| PaymentsError::from(e).into())
}
