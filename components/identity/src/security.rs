//! The security log: what happened to an account, for its owner to read. Each event is
//! written in the statement that made it happen; nothing of another account is ever
//! shown (the owner's id is in every query), and events older than
//! `security_log_retention_days` are neither shown nor kept.

use serde::Serialize;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Login,
    /// A wrong password for this account's address (an unknown address logs nothing:
    /// there is no account to tell).
    LoginFailed,
    PasswordChanged,
    PasswordResetRequested,
    PasswordReset,
    EmailVerified,
    SessionEnded,
    OtherSessionsEnded,
    TwoFactorEnabled,
    TwoFactorDisabled,
    RecoveryCodesRenewed,
    RecoveryCodeUsed,
    /// A wrong second-factor code after a right password.
    LoginCodeFailed,
}

impl Event {
    /// The `security_events.kind` value, and what the API shows.
    pub fn as_key(self) -> &'static str {
        match self {
            Event::Login => "login",
            Event::LoginFailed => "login.failed",
            Event::PasswordChanged => "password.changed",
            Event::PasswordResetRequested => "password.reset_requested",
            Event::PasswordReset => "password.reset",
            Event::EmailVerified => "email.verified",
            Event::SessionEnded => "session.ended",
            Event::OtherSessionsEnded => "session.others_ended",
            Event::TwoFactorEnabled => "two_factor.enabled",
            Event::TwoFactorDisabled => "two_factor.disabled",
            Event::RecoveryCodesRenewed => "two_factor.codes_renewed",
            Event::RecoveryCodeUsed => "two_factor.recovery_code_used",
            Event::LoginCodeFailed => "login.code_failed",
        }
    }
}

/// Where a request came from, as the server saw it: shown to the owner beside sessions
/// and events. Cut to the columns' sizes (a header is whatever the client sent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

const MAX_ADDRESS: usize = 100;
const MAX_USER_AGENT: usize = 300;

impl Seen {
    pub fn new(address: Option<&str>, user_agent: Option<&str>) -> Self {
        let cut = |value: Option<&str>, max: usize| {
            value
                .map(|v| {
                    v.chars()
                        .filter(|c| !c.is_control())
                        .take(max)
                        .collect::<String>()
                })
                .filter(|v| !v.trim().is_empty())
        };
        Self {
            address: cut(address, MAX_ADDRESS),
            user_agent: cut(user_agent, MAX_USER_AGENT),
        }
    }
}

/// One event as the owner reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedEvent {
    pub id: String,
    pub kind: String,
    pub occurred_at: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_client_sends_is_cut_to_size_and_cleaned() {
        let long = "x".repeat(1000);
        let seen = Seen::new(Some("10.0.0.1"), Some(&format!("Firefox\r\n{long}")));
        assert_eq!(seen.address.as_deref(), Some("10.0.0.1"));
        let agent = seen.user_agent.expect("kept");
        assert_eq!(agent.chars().count(), MAX_USER_AGENT);
        assert!(agent.starts_with("Firefox") && !agent.contains('\n'));
        assert_eq!(Seen::new(None, Some("  ")), Seen::default());
    }

    #[test]
    fn every_kind_fits_the_column() {
        for event in [
            Event::Login,
            Event::LoginFailed,
            Event::PasswordChanged,
            Event::PasswordResetRequested,
            Event::PasswordReset,
            Event::EmailVerified,
            Event::SessionEnded,
            Event::OtherSessionsEnded,
            Event::TwoFactorEnabled,
            Event::TwoFactorDisabled,
            Event::RecoveryCodesRenewed,
            Event::RecoveryCodeUsed,
            Event::LoginCodeFailed,
        ] {
            let key = event.as_key();
            assert!(
                key.len() <= 40
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
                "{key}"
            );
        }
    }
}
