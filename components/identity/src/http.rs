//! Routes under `/auth`: read the request, call the service, shape the response.

use fin_spin_edge::auth::{self, tokens, Principal};
use fin_spin_edge::kv::{self, SpinKv};
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{config, now, ApiRequest, Problem, Route};
use spin_sdk::http::Response;

use crate::cookie;
use crate::domain::{LoginRequest, RegisterRequest};
use crate::error::IdentityError;
use crate::service::{self, AccessToken, TokenIssuer};
use crate::session;
use crate::store::PgIdentity;
use crate::throttle::{LoginThrottle, ThrottlePolicy};

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/auth/register", &["POST"]),
    Route::new("/auth/login", &["POST"]),
    Route::new("/auth/logout", &["POST"]),
    Route::new("/auth/profile", &["GET"]),
    Route::new("/auth/refresh", &["POST", "DELETE"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let route = req.resolve(ROUTES)?;
    match (route.path, route.method) {
        ("/auth/register", "POST") => register(req).await,
        ("/auth/login", "POST") => login(req).await,
        ("/auth/logout", "POST") => logout(req),
        ("/auth/profile", "GET") => profile(req),
        ("/auth/refresh", "POST") => refresh(req),
        ("/auth/refresh", "DELETE") => end_session(req),
        _ => Err(Problem::no_route(&req.path)),
    }
}

async fn register(req: &mut ApiRequest) -> Result<Response, Problem> {
    let body: RegisterRequest = req.json(config::body_limit()?).await?;
    let user = service::register(&store()?, body)?;
    let mut response = json(201, &user);
    response.set_header("location", "/auth/profile");
    Ok(response)
}

async fn login(req: &mut ApiRequest) -> Result<Response, Problem> {
    let body: LoginRequest = req.json(config::body_limit()?).await?;
    let address = req.client_addr().unwrap_or_else(|| "unknown".to_owned());
    let store = store()?;
    let (user_id, token) =
        service::login(&store, &throttle()?, &SpinTokens, body, &address, now())?;
    let renewal = session::start(&store, &user_id, refresh_ttl()?)?;
    Ok(token_response(&token, &renewal))
}

/// Renews the access token with the refresh cookie (the web app does this before its
/// token expires, and on a 401), handing out the family's next refresh token.
fn refresh(req: &ApiRequest) -> Result<Response, Problem> {
    let presented = cookie::presented(req.header("cookie"));
    let (token, renewal) = session::refresh(&store()?, &SpinTokens, presented, refresh_ttl()?)?;
    Ok(token_response(&token, &renewal))
}

/// Logging out of the web app: the refresh family ends, the cookie is cleared, and the
/// access token sent along (if any still verifies) is revoked like `POST /auth/logout`.
/// A token that cannot be checked now (the blocklist is down) is a 503, before anything
/// changes; the family ends before the token is revoked, so an outage between the two
/// leaves a logout that a retry completes, never a revoked token with a live session.
fn end_session(req: &ApiRequest) -> Result<Response, Problem> {
    let principal = match req.header("authorization").map(|_| auth::authenticate(req)) {
        Some(Ok(principal)) => Some(principal),
        Some(Err(problem)) if problem.status >= 500 => return Err(problem),
        _ => None,
    };
    session::end(&store()?, cookie::presented(req.header("cookie")))?;
    if let Some(principal) = principal {
        tokens::revoke(&principal).map_err(auth::token_problem)?;
    }
    let mut response = no_content();
    response.set_header("set-cookie", cookie::cleared());
    Ok(response)
}

/// A token answer is never cached (RFC 6749 §5.1), and carries the refresh cookie.
fn token_response(token: &AccessToken, renewal: &session::Renewal) -> Response {
    let mut response = json(200, token);
    response.set_header("cache-control", "no-store");
    response.set_header("set-cookie", renewal.cookie());
    response
}

fn refresh_ttl() -> Result<i64, Problem> {
    config::get("refresh_token_ttl_seconds")
}

fn logout(req: &ApiRequest) -> Result<Response, Problem> {
    let principal = auth::authenticate(req)?;
    tokens::revoke(&principal).map_err(auth::token_problem)?;
    Ok(no_content())
}

fn profile(req: &ApiRequest) -> Result<Response, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    Ok(json(200, &service::profile(&store()?, &user_id)?))
}

fn store() -> Result<PgIdentity, Problem> {
    PgIdentity::open(&config::get::<String>("db_url")?).map_err(|e| IdentityError::from(e).into())
}

fn throttle() -> Result<LoginThrottle<SpinKv>, Problem> {
    let policy = ThrottlePolicy {
        max_failures_per_email: config::get("login_max_failures_per_email")?,
        max_failures_per_address: config::get("login_max_failures_per_address")?,
        window_seconds: config::get("login_failure_window_seconds")?,
    };
    let store = kv::ephemeral("throttle", config::get("kv_sweep_interval_seconds")?)?;
    Ok(LoginThrottle::new(store, policy))
}

/// The `fin:platform/tokens` import as the service's token port.
struct SpinTokens;

impl TokenIssuer for SpinTokens {
    fn issue(&self, user_id: &str) -> Result<AccessToken, String> {
        let issued = tokens::issue(user_id).map_err(|e| format!("tokens: {e:?}"))?;
        Ok(AccessToken {
            access_token: issued.access_token,
            token_type: "Bearer",
            expires_in: issued.expires_in,
        })
    }
}
