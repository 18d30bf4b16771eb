//! Links sent by e-mail that prove the reader holds the mailbox: verifying the address,
//! resetting the password, and moving the account to another address and back. The token is 256 random bits in the link's fragment (a
//! fragment is never sent to a server, so no log or `Referer` carries it); only its
//! SHA-256 is stored, it is spent by its first use, and a newer link of the same
//! purpose supersedes the older ones.

use fin_problem::Fault;
use fin_secret::Secret;

/// What a link is for, and how long it is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    /// Sent to the new address: opening it moves the account there.
    ChangeEmail,
    /// Sent to the old address once the account moved: opening it moves it back.
    UndoEmailChange,
}

impl Purpose {
    /// The `account_tokens.purpose` value.
    pub fn as_key(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::ChangeEmail => "change_email",
            Purpose::UndoEmailChange => "undo_email_change",
        }
    }

    /// A reset hands over the account, so it is short; a verification only vouches for
    /// an address the owner typed, and may wait for a holiday inbox. A change is
    /// confirmed by someone who just asked for it; its undo must outlast a holiday, as
    /// the owner may learn of a theft only on coming back.
    pub fn lifetime_seconds(self) -> i64 {
        match self {
            Purpose::VerifyEmail | Purpose::UndoEmailChange => 7 * 24 * 3600,
            Purpose::ResetPassword => 30 * 60,
            Purpose::ChangeEmail => 24 * 3600,
        }
    }

    /// The web app's page that takes the token.
    fn page(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "/app/verify-email",
            Purpose::ResetPassword => "/app/reset-password",
            Purpose::ChangeEmail => "/app/confirm-email",
            Purpose::UndoEmailChange => "/app/undo-email-change",
        }
    }
}

/// A link about to be sent: the URL goes in the e-mail, the digest in the database.
pub struct Link {
    pub purpose: Purpose,
    pub url: String,
    pub digest: String,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Link({:?}, ***)", self.purpose)
    }
}

impl Link {
    /// A fresh link under `base_url` (the app's public address, no trailing slash).
    pub fn new(purpose: Purpose, base_url: &str) -> Result<Self, Fault> {
        let secret =
            Secret::generate().ok_or_else(|| Fault::Internal("no random source".into()))?;
        Ok(Self {
            purpose,
            url: format!(
                "{}{}#token={}",
                base_url.trim_end_matches('/'),
                purpose.page(),
                secret.as_str()
            ),
            digest: Secret::digest(secret.as_str()),
        })
    }
}

/// The digest to look a presented token up by; `None` for anything that cannot be one
/// of ours, which is refused without a query.
pub fn presented(token: &str) -> Option<String> {
    Secret::well_formed(token).then(|| Secret::digest(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_rides_in_the_fragment_and_only_its_digest_is_kept() {
        let link = Link::new(Purpose::ResetPassword, "https://app.example/").expect("link");
        let (page, token) = link.url.split_once("#token=").expect("a fragment");
        assert_eq!(page, "https://app.example/app/reset-password");
        assert_eq!(presented(token), Some(link.digest.clone()));
        assert!(!link.digest.contains(token));
        assert!(!format!("{link:?}").contains(token), "never in a log line");
    }

    #[test]
    fn two_links_never_share_a_token() {
        let a = Link::new(Purpose::VerifyEmail, "").expect("link");
        let b = Link::new(Purpose::VerifyEmail, "").expect("link");
        assert_ne!(a.digest, b.digest);
        assert!(a.url.starts_with("/app/verify-email#token="));
    }

    #[test]
    fn junk_is_not_looked_up() {
        for junk in ["", "short", "a b", &"x".repeat(500), "../../etc/passwd"] {
            assert_eq!(presented(junk), None, "{junk}");
        }
    }

    #[test]
    fn a_reset_is_good_for_half_an_hour() {
        assert_eq!(Purpose::ResetPassword.lifetime_seconds(), 1800);
        assert!(Purpose::VerifyEmail.lifetime_seconds() > 86_400);
    }
}
