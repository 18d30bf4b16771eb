//! The account's own routes: getting back in (reset), proving the address, changing the
//! password, the sessions and the security log.

use fin_paging::{decode_cursor, encode_cursor, parse_query, Page};
use fin_problem::FieldError;
use fin_spin_edge::auth::{self, Principal};
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{config, now, ApiRequest, Problem};
use serde::Deserialize;
use spin_sdk::http::Response;

use super::{accepted, app_base_url, nudge_mailer, quota, revoke, seen, store};
use crate::account::{self, AccountStore};
use crate::error::IdentityError;
use crate::session::SessionStore;
use crate::throttle::RetryAfter;
use fin_problem::Fault;

/// The window reset requests and wrong current passwords are counted in. Per client
/// address past `password_reset_max_per_address` a request is a 429 — the same for
/// every address asked about; per e-mail address past `password_reset_max_per_email`
/// it gets the same answer and no e-mail, so nobody can flood a mailbox.
const RESET_WINDOW: i64 = 900;
/// Verification e-mails an account may ask for in an hour.
const RESENDS_PER_HOUR: i64 = 3;
/// Wrong current passwords per account in a quarter of an hour.
const PASSWORD_FAILURES: i64 = 5;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetRequest {
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetConfirm {
    token: Option<String>,
    password: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Verification {
    token: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: Option<String>,
    new_password: Option<String>,
}

pub async fn request_reset(req: &mut ApiRequest) -> Result<Response, Problem> {
    let body: ResetRequest = req.json(config::body_limit()?).await?;
    let [email] = required([("email", body.email)])?;
    let seen = seen(req);
    let quota = quota()?;
    let address = seen.address.clone().unwrap_or_default();
    let per_address = config::get("password_reset_max_per_address")?;
    within(quota.take("reset-addr", &address, per_address, RESET_WINDOW, now()))?;
    let normalized = crate::domain::normalize_email(&email);
    let per_email = config::get("password_reset_max_per_email")?;
    let mailbox = quota.take("reset-email", &normalized, per_email, RESET_WINDOW, now());
    if mailbox.map_err(IdentityError::from)?.is_ok() {
        account::request_reset(&store()?, &normalized, &app_base_url()?, &seen)?;
    }
    nudge_mailer();
    Ok(accepted(
        "If an account has this address, a link to reset its password is on its way. \
         It works once, for 30 minutes.",
    ))
}

pub async fn reset(req: &mut ApiRequest) -> Result<Response, Problem> {
    let body: ResetConfirm = req.json(config::body_limit()?).await?;
    let [token, password] = required([("token", body.token), ("password", body.password)])?;
    // Every token the reset ends must be blocklisted: a blocklist that cannot be
    // written now is a 503 before the password changes, not a reset that leaves an
    // attacker's access token alive.
    blocklist_reachable()?;
    let ended = account::reset(&store()?, &token, &password, &app_base_url()?, &seen(req))?;
    nudge_mailer();
    revoke(&ended)?;
    Ok(no_content())
}

pub async fn verify_email(req: &mut ApiRequest) -> Result<Response, Problem> {
    let body: Verification = req.json(config::body_limit()?).await?;
    let [token] = required([("token", body.token)])?;
    account::verify_email(&store()?, &token, &seen(req))?;
    Ok(no_content())
}

pub fn resend_verification(req: &ApiRequest) -> Result<Response, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    within(quota()?.take("verify-resend", &user_id, RESENDS_PER_HOUR, 3600, now()))?;
    account::resend_verification(&store()?, &user_id, &app_base_url()?)?;
    nudge_mailer();
    Ok(accepted(
        "A new link is on its way; the earlier ones no longer work.",
    ))
}

pub async fn change_password(req: &mut ApiRequest) -> Result<Response, Problem> {
    let principal = auth::authenticate(req)?;
    let body: PasswordChange = req.json(config::body_limit()?).await?;
    let [current, new] = required([
        ("current_password", body.current_password),
        ("new_password", body.new_password),
    ])?;
    let seen = seen(req);
    let ended = counting_wrong_passwords(&principal.user_id, "current_password", || {
        Ok(account::change_password(
            &store()?,
            &principal.user_id,
            principal.session_id.as_deref(),
            &current,
            &new,
            &app_base_url()?,
            &seen,
        )?)
    })?;
    nudge_mailer();
    revoke(&ended)?;
    Ok(no_content())
}

pub fn sessions(req: &ApiRequest) -> Result<Response, Problem> {
    let principal = auth::authenticate(req)?;
    let mut sessions = store()?
        .list(&principal.user_id)
        .map_err(IdentityError::from)?;
    for session in &mut sessions {
        session.current = principal.session_id.as_deref() == Some(session.id.as_str());
    }
    Ok(json(200, &serde_json::json!({ "items": sessions })))
}

/// `DELETE /auth/sessions`: every session but the caller's.
pub fn end_other_sessions(req: &ApiRequest) -> Result<Response, Problem> {
    let principal = auth::authenticate(req)?;
    let (_, ended) = store()?
        .end_sessions(
            &principal.user_id,
            None,
            principal.session_id.as_deref(),
            &seen(req),
        )
        .map_err(IdentityError::from)?;
    revoke(&ended)?;
    Ok(no_content())
}

pub fn end_one_session(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let principal = auth::authenticate(req)?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(IdentityError::SessionNotFound.into());
    }
    let (count, ended) = store()?
        .end_sessions(&principal.user_id, Some(id), None, &seen(req))
        .map_err(IdentityError::from)?;
    revoke(&ended)?;
    if count == 0 {
        return Err(IdentityError::SessionNotFound.into());
    }
    Ok(no_content())
}

pub fn security_log(req: &ApiRequest) -> Result<Response, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    let mut before = None;
    let params = parse_query(&req.query, "limit, cursor", |name, value| match name {
        "cursor" => Some(
            decode_cursor(value)
                .filter(|id| uuid::Uuid::parse_str(id).is_ok())
                .map(|id| before = Some(id))
                .ok_or_else(|| "is not a cursor this list gave out".to_owned()),
        ),
        _ => None,
    });
    let limit = params.limit;
    params.finish(()).map_err(IdentityError::Invalid)?;
    let rows = store()?
        .security_log(&user_id, limit + 1, before.as_deref())
        .map_err(IdentityError::from)?;
    Ok(json(
        200,
        &Page::from_rows(rows, limit, |e| encode_cursor(&e.id)),
    ))
}

/// Runs a use case that checks the account's password (named `field` in its answer),
/// counting wrong ones: past [`PASSWORD_FAILURES`] a quarter hour, a 429 before any
/// password work.
pub(super) fn counting_wrong_passwords<T>(
    user_id: &str,
    field: &str,
    checked: impl FnOnce() -> Result<T, Problem>,
) -> Result<T, Problem> {
    let quota = quota()?;
    within(quota.check(
        "password-fail",
        user_id,
        PASSWORD_FAILURES,
        RESET_WINDOW,
        now(),
    ))?;
    let outcome = checked();
    if let Err(problem) = &outcome {
        if problem.errors.iter().any(|e| e.field == field) {
            within(quota.take("password-fail", user_id, i64::MAX, RESET_WINDOW, now()))?;
        }
    }
    outcome
}

/// A quota's verdict as the answer: 429 past it, 503 when its store is away.
pub(super) fn within(verdict: Result<Result<(), RetryAfter>, Fault>) -> Result<(), Problem> {
    match verdict {
        Ok(Ok(())) => Ok(()),
        Ok(Err(retry)) => Err(IdentityError::Busy(retry).into()),
        Err(fault) => Err(IdentityError::from(fault).into()),
    }
}

/// The fields a body must have, in order, or a 422 naming every one missing.
pub(super) fn required<const N: usize>(
    fields: [(&'static str, Option<String>); N],
) -> Result<[String; N], IdentityError> {
    let missing: Vec<FieldError> = fields
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| FieldError::new(*name, "is required"))
        .collect();
    if !missing.is_empty() {
        return Err(IdentityError::Invalid(missing));
    }
    Ok(fields.map(|(_, value)| value.unwrap_or_default()))
}

/// Whether the blocklist can be written now (the key read is one no token has).
pub(super) fn blocklist_reachable() -> Result<(), Problem> {
    let store = fin_spin_edge::kv::SpinKv::open("blocklist")
        .map_err(|fault| fault.into_problem("tokens"))?;
    fin_ephemeral::Kv::exists(&store, "probe")
        .map(|_| ())
        .map_err(|fault| fault.into_problem("tokens"))
}
