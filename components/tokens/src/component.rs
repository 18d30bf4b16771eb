//! The `fin:platform/tokens` contract exported as a library component, for a component
//! (in any language) that wants the app's tokens without linking Rust: the functions are
//! `fin_spin_edge::auth::tokens`, which this app's own components link directly.

use fin_spin_edge::auth::tokens as linked;

mod bindings {
    wit_bindgen::generate!({
        world: "token-service",
        path: "../../wit",
    });
}

use bindings::exports::fin::platform::tokens::{Guest, IssuedToken, Principal, TokenError};

struct Tokens;

impl Guest for Tokens {
    fn issue(user_id: String, session_id: Option<String>) -> Result<IssuedToken, TokenError> {
        linked::issue(&user_id, session_id.as_deref())
            .map(|t| IssuedToken {
                access_token: t.access_token,
                expires_in: t.expires_in,
                token_id: t.token_id,
                expires_at: t.expires_at,
            })
            .map_err(error)
    }

    fn verify(token: String) -> Result<Principal, TokenError> {
        linked::verify(&token)
            .map(|p| Principal {
                user_id: p.user_id,
                token_id: p.token_id,
                expires_at: p.expires_at,
                session_id: p.session_id,
            })
            .map_err(error)
    }

    fn revoke(principal: Principal) -> Result<(), TokenError> {
        linked::revoke(&linked::Principal {
            user_id: principal.user_id,
            token_id: principal.token_id,
            expires_at: principal.expires_at,
            session_id: principal.session_id,
        })
        .map_err(error)
    }
}

fn error(e: linked::TokenError) -> TokenError {
    match e {
        linked::TokenError::Malformed => TokenError::Malformed,
        linked::TokenError::BadSignature => TokenError::BadSignature,
        linked::TokenError::Expired => TokenError::Expired,
        linked::TokenError::InvalidClaims => TokenError::InvalidClaims,
        linked::TokenError::Revoked => TokenError::Revoked,
        linked::TokenError::Unavailable(reason) => TokenError::Unavailable(reason),
        linked::TokenError::Misconfigured(reason) => TokenError::Misconfigured(reason),
    }
}

bindings::export!(Tokens with_types_in bindings);
