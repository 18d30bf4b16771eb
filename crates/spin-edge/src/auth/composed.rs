//! `fin:platform/tokens` through the import that `spin.toml`'s composed profile satisfies
//! with the tokens component (`components/tokens`): the same functions as the linked
//! `tokens.rs`, so a component is built either way without a line of its own changing.

pub use super::types::{IssuedToken, Principal, TokenError};

mod bindings {
    wit_bindgen::generate!({
        world: "authenticated-http",
        path: "../../wit",
    });
}

use bindings::fin::platform::tokens as contract;
use bindings::fin::platform::types::Principal as WitPrincipal;

/// Signs an access token for a user.
pub fn issue(user_id: &str, session_id: Option<&str>) -> Result<IssuedToken, TokenError> {
    contract::issue(user_id, session_id)
        .map(|issued| IssuedToken {
            access_token: issued.access_token,
            expires_in: issued.expires_in,
            token_id: issued.token_id,
            expires_at: issued.expires_at,
        })
        .map_err(error)
}

/// The principal of a token that is well-formed, signed with our key, unexpired, issued
/// for this service and not revoked.
pub fn verify(token: &str) -> Result<Principal, TokenError> {
    contract::verify(token)
        .map(|p| Principal {
            user_id: p.user_id,
            token_id: p.token_id,
            expires_at: p.expires_at,
            session_id: p.session_id,
        })
        .map_err(error)
}

/// Puts the token on the blocklist until it would have expired.
pub fn revoke(principal: &Principal) -> Result<(), TokenError> {
    contract::revoke(&WitPrincipal {
        user_id: principal.user_id.clone(),
        token_id: principal.token_id.clone(),
        expires_at: principal.expires_at,
        session_id: principal.session_id.clone(),
    })
    .map_err(error)
}

fn error(err: contract::TokenError) -> TokenError {
    use contract::TokenError as E;
    match err {
        E::Malformed => TokenError::Malformed,
        E::BadSignature => TokenError::BadSignature,
        E::Expired => TokenError::Expired,
        E::InvalidClaims => TokenError::InvalidClaims,
        E::Revoked => TokenError::Revoked,
        E::Unavailable(reason) => TokenError::Unavailable(reason),
        E::Misconfigured(reason) => TokenError::Misconfigured(reason),
    }
}
