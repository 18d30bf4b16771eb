//! Bearer authentication: the token checked in the component that received it, with the
//! rules of `fin-tokens`, the key from Spin variables and the blocklist in Spin's
//! key-value store (`tokens`). It was a composed library component
//! (`fin:platform/tokens`, still the contract in `wit/` and still built as
//! `components/tokens`), which cost every request a second component instance — 28 % of
//! an authenticated read's throughput (docs/performance.md).

use fin_problem::{Fault, Problem};

use crate::ApiRequest;

pub mod acting;
mod types;

/// The rules linked in: the default build.
#[cfg(not(feature = "composed"))]
pub mod tokens;
/// The contract taken from the tokens component through Spin `dependencies`: the
/// composed profile (`scripts/composed.sh`), the same functions and types.
#[cfg(feature = "composed")]
#[path = "composed.rs"]
pub mod tokens;

pub use types::{IssuedToken, Principal, TokenError};

/// The caller behind the request's `Authorization: Bearer` header.
pub fn authenticate(req: &ApiRequest) -> Result<Principal, Problem> {
    let header = req
        .header("authorization")
        .ok_or_else(Problem::missing_credentials)?;
    let token = bearer_token(header)
        .ok_or_else(|| Problem::unauthorized("The Authorization header is not a Bearer token."))?;
    tokens::verify(token).map_err(token_problem)
}

/// The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive
/// (RFC 9110 §11.1).
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Why a token was refused, as the client sees it: always 401 but for our own failures
/// (503 when the blocklist is unreachable, 500 when something is not set up).
pub fn token_problem(err: TokenError) -> Problem {
    match err {
        TokenError::Malformed => Problem::unauthorized("The token is malformed."),
        TokenError::BadSignature => Problem::unauthorized("The token signature is invalid."),
        TokenError::Expired => Problem::unauthorized("The token has expired."),
        TokenError::InvalidClaims => {
            Problem::unauthorized("The token was not issued for this service.")
        }
        TokenError::Revoked => Problem::unauthorized("The token has been revoked."),
        // Fail closed: a token whose revocation cannot be checked is not accepted.
        TokenError::Unavailable(reason) => Fault::Unavailable(reason).into_problem("tokens"),
        TokenError::Misconfigured(reason) => Fault::Internal(reason).into_problem("tokens"),
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn reads_bearer_tokens_case_insensitively() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearer"), None);
    }
}
