//! What the spec-driven suites aim at: a freelancer with one of everything an operation
//! can name, and the path and body the spec gives each operation, filled with its ids.

use serde_json::{json, Value};

use crate::contract::spec;
use crate::{id, App, User};

/// A signed-up freelancer with a business profile, a client, a draft, and a sent
/// invoice shared by a link and credited in part, a monthly recurring invoice that
/// starts in years, and a sent quote shared by a link.
pub struct Fixture {
    pub user: User,
    pub client: String,
    pub draft: String,
    pub sent: String,
    /// A credit note against the sent invoice (10.00 of it).
    pub note: String,
    /// The sent invoice's share link: its id and its token.
    pub link: String,
    pub token: String,
    /// A recurring invoice of the client's.
    pub recurring: String,
    /// A sent quote to the client, and its link's id and token.
    pub quote: String,
    pub quote_link: String,
    pub quote_token: String,
}

impl Fixture {
    /// `tag` names the account; the sent invoice is for 5,000.00 EUR.
    pub fn new(app: &App, tag: &str) -> Fixture {
        let user = User::sign_up(app, tag);
        let profile = spec()
            .request_example("/business-profile", "PUT")
            .expect("the spec's profile example");
        let put = user.call("PUT", "/business-profile").json(&profile).send();
        assert_eq!(put.status, 201, "{}", put.body);
        let client = user.client("EUR");
        let draft = id(&user.draft(&client, 10_000));
        let sent = id(&user.sent_invoice("EUR", 500_000));
        let credited = user.created(
            &format!("/invoices/{sent}/credit-notes"),
            &json!({"amount": 1_000, "reason": "A fixture's credit"}),
        );
        let note = id(&credited["credit_notes"][0]);
        let shared = user.created(&format!("/invoices/{sent}/share"), &json!({}));
        let url = shared["url"].as_str().expect("url");
        let recurring = id(&user.created(
            "/recurring-invoices",
            &json!({"client_id": client, "frequency": "monthly", "start_date": "2099-01-31",
                    "lines": [{"description": "Retainer", "quantity": "1", "unit_price": 100_000}]}),
        ));
        let quote = id(&user.created(
            "/quotes",
            &json!({"client_id": client,
                    "lines": [{"description": "Workshop", "quantity": "1", "unit_price": 90_000}]}),
        ));
        let sent_quote = user.call("POST", &format!("/quotes/{quote}/send")).send();
        assert_eq!(sent_quote.status, 200, "{}", sent_quote.body);
        let quote_link = user.created(&format!("/quotes/{quote}/share"), &json!({}));
        let quote_url = quote_link["url"].as_str().expect("url");
        Fixture {
            quote_token: quote_url.rsplit('/').next().unwrap_or_default().to_owned(),
            quote_link: id(&quote_link),
            quote,
            user,
            client,
            draft,
            sent,
            note,
            link: id(&shared),
            token: url.rsplit('/').next().unwrap_or_default().to_owned(),
            recurring,
        }
    }

    /// The path of an operation on this freelancer's things. Void, payments, credit notes
    /// and sharing need a sent invoice; the rest take the draft, so that its status is never why a
    /// request is refused.
    pub fn path(&self, template: &str) -> String {
        if template.starts_with("/quotes/") || template.starts_with("/share/quotes/") {
            return template
                .replace("{id}", &self.quote)
                .replace("{link_id}", &self.quote_link)
                .replace("{token}", &self.quote_token);
        }
        let id = match template {
            t if t.starts_with("/clients/") => &self.client,
            t if t.starts_with("/recurring-invoices/") => &self.recurring,
            t if t.ends_with("/void")
                || t.ends_with("/payments")
                || t.contains("/credit-notes")
                || t.contains("/share") =>
            {
                &self.sent
            }
            _ => &self.draft,
        };
        template
            .replace("{id}", id)
            .replace("{note_id}", &self.note)
            .replace("{link_id}", &self.link)
            .replace("{token}", &self.token)
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
