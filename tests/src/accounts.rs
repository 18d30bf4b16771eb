use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::{App, Reply};

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery";

/// A fresh address per call, so tests (and repeated runs) never collide on accounts.
pub fn unique_email(tag: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{tag}-{nanos}-{n}@example.com")
}

/// A signed-in device: its access token and refresh cookie.
pub struct Device {
    pub token: String,
    pub cookie: String,
}

impl App {
    /// Logs in as a device whose browser sends `agent`.
    pub fn log_in(&self, email: &str, password: &str, agent: &str) -> Device {
        let reply = self
            .client()
            .post("/auth/login")
            .header("user-agent", agent)
            .json(&json!({"email": email, "password": password}))
            .send();
        assert_eq!(reply.status, 200, "{}", reply.body);
        let cookie = reply
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .expect("a refresh cookie")
            .to_owned();
        Device {
            token: reply.json()["access_token"]
                .as_str()
                .expect("token")
                .to_owned(),
            cookie,
        }
    }

    pub fn register(&self, email: &str) -> Reply {
        self.client().post_json(
            "/auth/register",
            &json!({"email": email, "password": PASSWORD, "name": "Ada Lovelace"}),
        )
    }

    pub fn login(&self, email: &str, password: &str) -> Reply {
        self.client().post_json(
            "/auth/login",
            &json!({"email": email, "password": password}),
        )
    }

    /// Marks the account's address as verified, as opening the e-mailed link does
    /// (`tests/tests/recovery.rs` opens the link itself): the suites that send invoices
    /// or connect Stripe need a verified account, and have no mailer to read.
    pub fn verify_email(&self, email: &str) {
        let updated = self
            .db()
            .execute(
                "UPDATE users SET email_verified_at = now() WHERE email = $1",
                &[&email],
            )
            .expect("verify the address");
        assert_eq!(updated, 1, "one account has {email}");
    }

    /// Registers a new account with its address verified, and logs it in: (email,
    /// access token).
    pub fn sign_up(&self, tag: &str) -> (String, String) {
        let email = unique_email(tag);
        assert_eq!(self.register(&email).status, 202);
        self.verify_email(&email);
        let reply = self.login(&email, PASSWORD);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let token = reply.json()["access_token"]
            .as_str()
            .expect("token")
            .to_owned();
        (email, token)
    }
}
