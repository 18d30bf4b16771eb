//! Two-factor sign-in's routes: its state, turning it on (key, then first code), new
//! recovery codes, turning it off, and the login's second step.

use fin_spin_edge::auth::{self, Principal};
use fin_spin_edge::kv::SpinKv;
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{config, now, ApiRequest, Problem};
use fin_vault::Vault;
use serde::Deserialize;
use spin_sdk::http::Response;

use super::account::{blocklist_reachable, counting_wrong_passwords, required};
use super::{nudge_mailer, refresh_ttl, revoke, seen, store, throttle, token_response};
use crate::service;
use crate::session;
use crate::store::PgIdentity;
use crate::throttle::LoginThrottle;
use crate::two_factor::{self, Attempt, TwoFactor};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Begin {
    password: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Code {
    code: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecondStep {
    ticket: Option<String>,
    code: Option<String>,
}

pub fn status(req: &ApiRequest) -> Result<Response, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    Ok(json(200, &two_factor::status(&store()?, &user_id)?))
}

/// `POST /auth/two-factor`: the key, shown once (never cached); wrong passwords are
/// counted like those of a password change.
pub async fn begin(req: &mut ApiRequest) -> Result<Response, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    let body: Begin = req.json(config::body_limit()?).await?;
    let [password] = required([("password", body.password)])?;
    let (store, vault, throttle) = (store()?, vault()?, throttle()?);
    let email = service::profile(&store, &user_id)?.email;
    let factor = two_factor_of(&store, &vault, &throttle);
    let enrolment = counting_wrong_passwords(&user_id, "password", || {
        Ok(factor.begin(&user_id, &email, &password)?)
    })?;
    Ok(secret_response(json(200, &enrolment)))
}

/// `POST /auth/two-factor/confirm`: on, every other session ended, the recovery codes
/// shown once.
pub async fn confirm(req: &mut ApiRequest) -> Result<Response, Problem> {
    let (codes, ended) = with_code(req, |factor, attempt, principal| {
        blocklist_reachable()?;
        Ok(factor.confirm(attempt, principal.session_id.as_deref())?)
    })
    .await?;
    nudge_mailer();
    revoke(&ended)?;
    Ok(codes_response(&codes))
}

pub async fn disable(req: &mut ApiRequest) -> Result<Response, Problem> {
    with_code(req, |factor, attempt, _| Ok(factor.disable(attempt)?)).await?;
    nudge_mailer();
    Ok(no_content())
}

pub async fn renew_codes(req: &mut ApiRequest) -> Result<Response, Problem> {
    let codes = with_code(req, |factor, attempt, _| Ok(factor.renew_codes(attempt)?)).await?;
    Ok(codes_response(&codes))
}

/// A signed-in request whose body is `{code}`: the use case run with the code typed.
async fn with_code<T>(
    req: &mut ApiRequest,
    run: impl FnOnce(&TwoFactor<'_, PgIdentity, SpinKv>, Attempt<'_>, &Principal) -> Result<T, Problem>,
) -> Result<T, Problem> {
    let principal = auth::authenticate(req)?;
    let body: Code = req.json(config::body_limit()?).await?;
    let [code] = required([("code", body.code)])?;
    let (store, vault, throttle, seen) = (store()?, vault()?, throttle()?, seen(req));
    let attempt = Attempt {
        user_id: &principal.user_id,
        code: &code,
        now: now(),
        seen: &seen,
    };
    run(
        &two_factor_of(&store, &vault, &throttle),
        attempt,
        &principal,
    )
}

/// `POST /auth/login/second-factor`: the ticket from the password step and a code; the
/// same token answer as a login.
pub async fn second_step(req: &mut ApiRequest) -> Result<Response, Problem> {
    let body: SecondStep = req.json(config::body_limit()?).await?;
    let [ticket, code] = required([("ticket", body.ticket), ("code", body.code)])?;
    let (store, vault, throttle, seen) = (store()?, vault()?, throttle()?, seen(req));
    let account =
        two_factor_of(&store, &vault, &throttle).second_step(&ticket, &code, now(), &seen)?;
    let (token, renewal) =
        session::start(&store, &super::SpinTokens, &account, &seen, refresh_ttl()?)?;
    Ok(token_response(&token, &renewal))
}

/// The password was right and a code is owed: `202` with the ticket for the second step.
pub fn ticket_response(ticket: &fin_secret::Secret) -> Response {
    secret_response(json(
        202,
        &serde_json::json!({
            "second_factor": "totp",
            "ticket": ticket.as_str(),
            "expires_in": two_factor::TICKET_SECONDS,
            "detail": "Enter the code from your authenticator app, or a recovery code.",
        }),
    ))
}

fn codes_response(codes: &[String]) -> Response {
    secret_response(json(200, &serde_json::json!({ "recovery_codes": codes })))
}

/// What opens the account is never kept by a cache on the way.
fn secret_response(mut response: Response) -> Response {
    response.set_header("cache-control", "no-store");
    response
}

pub(super) fn two_factor_of<'a>(
    store: &'a PgIdentity,
    vault: &'a Option<Vault>,
    throttle: &'a LoginThrottle<SpinKv>,
) -> TwoFactor<'a, PgIdentity, SpinKv> {
    TwoFactor {
        store,
        vault: vault.as_ref(),
        throttle,
    }
}

/// The vault of `identity_encryption_key`; `None` when the server has none (two-factor
/// sign-in off).
pub(super) fn vault() -> Result<Option<Vault>, Problem> {
    let key: String = config::get("identity_encryption_key")?;
    Ok(Vault::from_setting("identity_encryption_key", &key))
}
