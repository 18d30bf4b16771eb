//! Routes under `/auth`: read the request, call the service, shape the response. The
//! account's own routes (reset, verification, password, sessions, log) are in
//! `http/account.rs`, the e-mail change's in `http/email_change.rs`, the erasure's in
//! `http/erasure.rs`, two-factor
//! sign-in's in `http/two_factor.rs`.

use fin_spin_edge::auth::{self, tokens, Principal};
use fin_spin_edge::kv::{self, SpinKv};
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{config, now, ApiRequest, Problem, Route};
use spin_sdk::http::Response;

use crate::account::Ended;
use crate::cookie;
use crate::domain::{LoginRequest, RegisterRequest};
use crate::error::IdentityError;
use crate::security::Seen;
use crate::service::{self, AccessToken, TokenIssuer};
use crate::session;
use crate::store::PgIdentity;
use crate::throttle::{LoginThrottle, Quota, ThrottlePolicy};

mod account;
mod email_change;
mod erasure;
mod two_factor;

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/auth/register", &["POST"]),
    Route::new("/auth/login", &["POST"]),
    Route::new("/auth/logout", &["POST"]),
    Route::new("/auth/profile", &["GET"]),
    Route::new("/auth/refresh", &["POST", "DELETE"]),
    Route::new("/auth/password", &["POST"]),
    Route::new("/auth/email", &["POST"]),
    Route::new("/auth/email/confirm", &["POST"]),
    Route::new("/auth/email/undo", &["POST"]),
    Route::new("/auth/account/erase", &["POST"]),
    Route::new("/auth/password-reset", &["POST"]),
    Route::new("/auth/password-reset/confirm", &["POST"]),
    Route::new("/auth/verify-email", &["POST"]),
    Route::new("/auth/verify-email/resend", &["POST"]),
    Route::new("/auth/sessions", &["GET", "DELETE"]),
    Route::new("/auth/sessions/{id}", &["DELETE"]),
    Route::new("/auth/security-log", &["GET"]),
    Route::new("/auth/login/second-factor", &["POST"]),
    Route::new("/auth/two-factor", &["GET", "POST"]),
    Route::new("/auth/two-factor/confirm", &["POST"]),
    Route::new("/auth/two-factor/disable", &["POST"]),
    Route::new("/auth/two-factor/recovery-codes", &["POST"]),
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
        ("/auth/password", "POST") => account::change_password(req).await,
        ("/auth/email", "POST") => email_change::request(req).await,
        ("/auth/email/confirm", "POST") => email_change::confirm(req).await,
        ("/auth/email/undo", "POST") => email_change::undo(req).await,
        ("/auth/account/erase", "POST") => erasure::erase(req).await,
        ("/auth/password-reset", "POST") => account::request_reset(req).await,
        ("/auth/password-reset/confirm", "POST") => account::reset(req).await,
        ("/auth/verify-email", "POST") => account::verify_email(req).await,
        ("/auth/verify-email/resend", "POST") => account::resend_verification(req),
        ("/auth/sessions", "GET") => account::sessions(req),
        ("/auth/sessions", "DELETE") => account::end_other_sessions(req),
        ("/auth/sessions/{id}", "DELETE") => account::end_one_session(req, route.param("id")),
        ("/auth/security-log", "GET") => account::security_log(req),
        ("/auth/login/second-factor", "POST") => two_factor::second_step(req).await,
        ("/auth/two-factor", "GET") => two_factor::status(req),
        ("/auth/two-factor", "POST") => two_factor::begin(req).await,
        ("/auth/two-factor/confirm", "POST") => two_factor::confirm(req).await,
        ("/auth/two-factor/disable", "POST") => two_factor::disable(req).await,
        ("/auth/two-factor/recovery-codes", "POST") => two_factor::renew_codes(req).await,
        _ => Err(Problem::no_route(&req.path)),
    }
}

/// The same answer whether or not the address has an account (the owner of a taken one
/// is told by e-mail instead): a registration must not tell who has an account.
async fn register(req: &mut ApiRequest) -> Result<Response, Problem> {
    let body: RegisterRequest = req.json(config::body_limit()?).await?;
    service::register(&store()?, body, &app_base_url()?)?;
    nudge_mailer();
    Ok(accepted(
        "If the address can be registered, the account is ready: log in, then confirm the \
         address with the link we e-mailed.",
    ))
}

async fn login(req: &mut ApiRequest) -> Result<Response, Problem> {
    let body: LoginRequest = req.json(config::body_limit()?).await?;
    let seen = seen(req);
    let address = seen.address.clone().unwrap_or_else(|| "unknown".to_owned());
    let store = store()?;
    let account = service::login(&store, &throttle()?, body, &address, &seen, now())?;
    if account.two_factor {
        return Ok(two_factor::ticket_response(&crate::two_factor::ticket(
            &store, &account,
        )?));
    }
    let (token, renewal) = session::start(&store, &SpinTokens, &account, &seen, refresh_ttl()?)?;
    Ok(token_response(&token, &renewal))
}

/// Renews the access token with the refresh cookie (the web app does this before its
/// token expires, and on a 401), handing out the family's next refresh token.
fn refresh(req: &ApiRequest) -> Result<Response, Problem> {
    let presented = cookie::presented(req.header("cookie"));
    let (token, renewal) = session::refresh(&store()?, &SpinTokens, presented, refresh_ttl()?)?;
    Ok(token_response(&token, &renewal))
}

/// Logging out of the web app: the refresh family ends with every access token it handed
/// out, and the cookie is cleared. A token that cannot be checked now (the blocklist is
/// down) is a 503, before anything changes.
fn end_session(req: &ApiRequest) -> Result<Response, Problem> {
    let principal = match req.header("authorization").map(|_| auth::authenticate(req)) {
        Some(Ok(principal)) => Some(principal),
        Some(Err(problem)) if problem.status >= 500 => return Err(problem),
        _ => None,
    };
    // The family ends before anything is blocklisted: an outage between the two leaves
    // a logout that a retry completes, never a revoked token with a live session.
    let mut void = session::end(&store()?, cookie::presented(req.header("cookie")))?;
    void.extend(principal.as_ref().map(ended));
    revoke(&void)?;
    let mut response = no_content();
    response.set_header("set-cookie", cookie::cleared());
    Ok(response)
}

/// `POST /auth/logout`: the token sent, and the session it belongs to. The session ends
/// in Postgres before anything is blocklisted, so an outage of either leaves nothing
/// half done: a 503, and a retry with the same token completes it.
fn logout(req: &ApiRequest) -> Result<Response, Problem> {
    let principal = auth::authenticate(req)?;
    let mut void = match &principal.session_id {
        Some(session) => {
            let store = store()?;
            let ended = session::SessionStore::end_sessions(
                &store,
                &principal.user_id,
                Some(session),
                None,
                &seen(req),
            );
            ended.map_err(IdentityError::from)?.1
        }
        None => Vec::new(),
    };
    void.push(ended(&principal));
    revoke(&void)?;
    Ok(no_content())
}

fn profile(req: &ApiRequest) -> Result<Response, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    Ok(json(200, &service::profile(&store()?, &user_id)?))
}

/// A token answer is never cached (RFC 6749 §5.1), and carries the refresh cookie.
fn token_response(token: &AccessToken, renewal: &session::Renewal) -> Response {
    let mut response = json(200, token);
    response.set_header("cache-control", "no-store");
    response.set_header("set-cookie", renewal.cookie());
    response
}

/// `202` with a sentence for the person: the answer of the requests that must not say
/// whether an address has an account.
fn accepted(detail: &str) -> Response {
    json(202, &serde_json::json!({ "detail": detail }))
}

/// Blocklists access tokens a change has made void, until they would have expired.
fn revoke(ended: &[Ended]) -> Result<(), Problem> {
    for token in ended {
        tokens::revoke(&Principal {
            user_id: token.user_id.clone(),
            token_id: token.token_id.clone(),
            expires_at: token.expires_at,
            session_id: None,
        })
        .map_err(auth::token_problem)?;
    }
    Ok(())
}

fn ended(principal: &Principal) -> Ended {
    Ended {
        user_id: principal.user_id.clone(),
        token_id: principal.token_id.clone(),
        expires_at: principal.expires_at,
    }
}

/// Where the request came from, for the sessions list and the security log.
fn seen(req: &ApiRequest) -> Seen {
    Seen::new(req.client_addr().as_deref(), req.header("user-agent"))
}

/// The app's address for links in account e-mails: `public_base_url`, else
/// `api_base_url` — never the request's `Host`, which whoever asks for a reset could
/// point at a site of theirs to collect the victim's link.
fn app_base_url() -> Result<String, Problem> {
    let public: String = config::get("public_base_url")?;
    let base = if public.is_empty() {
        config::get::<String>("api_base_url")?
    } else {
        public
    };
    Ok(base.trim_end_matches('/').to_owned())
}

/// Tells the mailer there is an account e-mail to send (a nudge that may be lost: the
/// mailer's own round every few seconds finds it anyway).
fn nudge_mailer() {
    fin_spin_edge::nudge::publish(&[b"account-mail".to_vec()]);
}

fn refresh_ttl() -> Result<i64, Problem> {
    config::get("refresh_token_ttl_seconds")
}

fn store() -> Result<PgIdentity, Problem> {
    PgIdentity::open(
        &config::get::<String>("db_url")?,
        config::get("security_log_retention_days")?,
    )
    .map_err(|e| IdentityError::from(e).into())
}

fn throttle_store() -> Result<fin_ephemeral::Ephemeral<SpinKv>, Problem> {
    kv::ephemeral("throttle", config::get("kv_sweep_interval_seconds")?)
}

fn throttle() -> Result<LoginThrottle<SpinKv>, Problem> {
    let policy = ThrottlePolicy {
        max_failures_per_email: config::get("login_max_failures_per_email")?,
        max_failures_per_address: config::get("login_max_failures_per_address")?,
        window_seconds: config::get("login_failure_window_seconds")?,
    };
    Ok(LoginThrottle::new(throttle_store()?, policy))
}

fn quota() -> Result<Quota<SpinKv>, Problem> {
    Ok(Quota::new(throttle_store()?))
}

/// The `fin:platform/tokens` import as the service's token port.
struct SpinTokens;

impl TokenIssuer for SpinTokens {
    fn issue(&self, user_id: &str, session: Option<&str>) -> Result<AccessToken, String> {
        let issued = tokens::issue(user_id, session).map_err(|e| format!("tokens: {e:?}"))?;
        Ok(AccessToken {
            access_token: issued.access_token,
            token_type: "Bearer",
            expires_in: issued.expires_in,
            token_id: issued.token_id,
            expires_at: issued.expires_at,
        })
    }
}
