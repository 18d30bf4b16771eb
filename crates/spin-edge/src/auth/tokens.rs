//! Issue, verify and revoke access tokens — the functions of the `fin:platform/tokens`
//! contract (wit/), with its types, linked in: configuration from Spin variables, the
//! blocklist in the `blocklist` key-value store.

use fin_ephemeral::{EntryKey, Ephemeral};
use fin_problem::Fault;
use fin_tokens::claims::{precheck, Rejection, TokenConfig};

pub use super::types::{IssuedToken, Principal, TokenError};
use crate::{config, kv, now};

/// Blocklist entries are named `revoked|<exp>|<jti>`, so they can be swept once the token
/// would have expired anyway.
const REVOKED: &str = "revoked";
const BLOCKLIST_STORE: &str = "blocklist";

/// Signs an access token for a user, in a session when it is one's.
pub fn issue(user_id: &str, session_id: Option<&str>) -> Result<IssuedToken, TokenError> {
    let cfg = token_config()?;
    let jti = uuid::Uuid::new_v4().to_string();
    let (access_token, claims) = cfg
        .issue(user_id, session_id, &jti, now())
        .map_err(token_error)?;
    Ok(IssuedToken {
        access_token,
        expires_in: cfg.ttl_seconds,
        token_id: claims.jti,
        expires_at: claims.exp,
    })
}

/// The principal of a token that is well-formed, signed with our key, unexpired, issued
/// for this service and not revoked.
pub fn verify(token: &str) -> Result<Principal, TokenError> {
    let now = now();
    // Junk is refused before any configuration is read (each read is a host call).
    precheck(token).map_err(token_error)?;
    let claims = verify_config()?.verify(token, now).map_err(token_error)?;
    let key = EntryKey::new(REVOKED, claims.exp, &claims.jti);
    let blocklist = kv::SpinKv::open(BLOCKLIST_STORE).map_err(store_error)?;
    if Ephemeral::reading(blocklist)
        .is_marked(&key, now)
        .map_err(store_error)?
    {
        return Err(TokenError::Revoked);
    }
    Ok(Principal {
        user_id: claims.sub,
        token_id: claims.jti,
        expires_at: claims.exp,
        session_id: claims.sid,
    })
}

/// Puts the token on the blocklist until it would have expired.
pub fn revoke(principal: &Principal) -> Result<(), TokenError> {
    let blocklist = blocklist()?;
    blocklist
        .mark(&EntryKey::new(
            REVOKED,
            principal.expires_at,
            &principal.token_id,
        ))
        .map_err(store_error)?;
    // Housekeeping must not fail a logout that has already taken effect.
    if let Err(err) = blocklist.sweep_if_due(now()) {
        fin_log::warn!("tokens", "blocklist sweep failed: {err:?}");
    }
    Ok(())
}

fn token_config() -> Result<TokenConfig, TokenError> {
    Ok(TokenConfig {
        ttl_seconds: config::get("access_token_ttl_seconds")
            .map_err(|_| misconfigured("access_token_ttl_seconds"))?,
        ..verify_config()?
    })
}

/// What checking a token needs — not its lifetime, which only issuing does.
fn verify_config() -> Result<TokenConfig, TokenError> {
    let var = |name: &str| config::get::<String>(name).map_err(|_| misconfigured(name));
    Ok(TokenConfig {
        secret: var("jwt_secret")?.into_bytes(),
        issuer: var("jwt_issuer")?,
        audience: var("jwt_audience")?,
        ttl_seconds: 0,
    })
}

fn blocklist() -> Result<Ephemeral<kv::SpinKv>, TokenError> {
    let interval = config::get("kv_sweep_interval_seconds")
        .map_err(|_| misconfigured("kv_sweep_interval_seconds"))?;
    let store = kv::SpinKv::open(BLOCKLIST_STORE).map_err(store_error)?;
    Ok(Ephemeral::new(store, interval))
}

fn misconfigured(name: &str) -> TokenError {
    TokenError::Misconfigured(format!("variable `{name}` is missing or invalid"))
}

/// The blocklist's store failed: unreachable (an outage) or not set up.
fn store_error(fault: Fault) -> TokenError {
    match fault {
        Fault::Unavailable(reason) => TokenError::Unavailable(format!("blocklist: {reason}")),
        Fault::Refused(reason) | Fault::Internal(reason) => {
            TokenError::Misconfigured(format!("blocklist: {reason}"))
        }
    }
}

fn token_error(rejection: Rejection) -> TokenError {
    match rejection {
        Rejection::Malformed => TokenError::Malformed,
        Rejection::BadSignature => TokenError::BadSignature,
        Rejection::Expired => TokenError::Expired,
        Rejection::InvalidClaims => TokenError::InvalidClaims,
        Rejection::Misconfigured(reason) => TokenError::Misconfigured(reason),
    }
}
