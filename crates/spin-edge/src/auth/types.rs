//! The `fin:platform/tokens` contract's types, as every component sees them whichever
//! way it takes the contract: linked (`tokens.rs`) or composed (`composed.rs`).

/// Who a verified token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    /// The token's `jti`, by which it is revoked.
    pub token_id: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// The session (refresh family) the token belongs to; `None` for a token issued
    /// outside one (the mailer's, for one attempt).
    pub session_id: Option<String>,
}

/// Why a token was refused. Every case but `Unavailable` and `Misconfigured` means "401
/// to the caller".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// Not a JWT at all, or one whose header or claims cannot be read.
    Malformed,
    /// Signed with another key or another algorithm (including `none`).
    BadSignature,
    /// `exp` is in the past.
    Expired,
    /// Issuer, audience or a required claim is wrong or missing.
    InvalidClaims,
    /// The token was logged out.
    Revoked,
    /// The blocklist cannot be read now (Redis down): the token is refused — a 503, never
    /// a pass.
    Unavailable(String),
    /// A key, a variable or a store is not set up: our mistake, a 500.
    Misconfigured(String),
}

/// A freshly signed access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub access_token: String,
    /// Lifetime in seconds, for the `expires_in` field of a token response.
    pub expires_in: u32,
    /// Its `jti` and `exp` (Unix seconds): what revoking it takes.
    pub token_id: String,
    pub expires_at: i64,
}
