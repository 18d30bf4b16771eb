//! What the spec-driven suites aim at: a freelancer with one of everything an operation
//! can name, and the path and body the spec gives each operation, filled with its ids.

use serde_json::{json, Value};

use crate::contract::spec;
use crate::{id, App, User};

/// A signed-up freelancer with a client, a draft and a sent invoice.
pub struct Fixture {
    pub user: User,
    pub client: String,
    pub draft: String,
    pub sent: String,
}

impl Fixture {
    /// `tag` names the account; the sent invoice is for 5,000.00 EUR.
    pub fn new(app: &App, tag: &str) -> Fixture {
        let user = User::sign_up(app, tag);
        let client = user.client("EUR");
        let draft = id(&user.draft(&client, 10_000));
        let sent = id(&user.sent_invoice("EUR", 500_000));
        Fixture {
            user,
            client,
            draft,
            sent,
        }
    }

    /// The path of an operation on this freelancer's things. Void and payments need a
    /// sent invoice; the rest take the draft, so that its status is never why a request
    /// is refused.
    pub fn path(&self, template: &str) -> String {
        let id = match template {
            t if t.starts_with("/clients/") => &self.client,
            t if t.ends_with("/void") || t.ends_with("/payments") => &self.sent,
            _ => &self.draft,
        };
        template.replace("{id}", id)
    }

    /// The body the spec gives as the operation's example, naming this freelancer's client
    /// where it names one.
    pub fn body(&self, template: &str, method: &str) -> Option<Value> {
        let mut body = spec().request_example(template, method)?;
        if body.get("client_id").is_some() {
            body["client_id"] = json!(self.client);
        }
        Some(body)
    }
}
