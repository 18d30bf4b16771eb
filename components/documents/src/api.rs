//! The API as the caller sees it: `GET`s with the caller's own `Authorization`, so a
//! document shows exactly what its owner may read — another freelancer's invoice is a
//! 404 here because it is one there. A share link's reader has no token: billing's
//! sharing context's internal route answers for the link alone.

use fin_spin_edge::outbound;
use fin_spin_edge::{config, Problem};

pub struct Api {
    billing: String,
    profile: String,
    sharing: String,
    clients: String,
    identity: String,
    payments: String,
    quotes: String,
    authorization: Option<String>,
    timeout_ms: u64,
}

/// An answer's body, its type, and when the share link it was read through expires.
pub struct Body {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    pub expires_at: Option<String>,
    /// Whose invoice a share link opened.
    pub owner: Option<String>,
}

impl Api {
    /// The API as `authorization` may read it; `None` for a share link's reader.
    pub fn open(authorization: Option<&str>) -> Result<Self, Problem> {
        Ok(Self {
            billing: config::get("billing_base_url")?,
            profile: config::get("profile_base_url")?,
            sharing: config::get("sharing_base_url")?,
            clients: config::get("clients_base_url")?,
            identity: config::get("identity_base_url")?,
            payments: config::get("payments_base_url")?,
            quotes: config::get("quotes_base_url")?,
            authorization: authorization.map(str::to_owned),
            timeout_ms: config::get("clients_call_timeout_ms")?,
        })
    }

    pub fn invoice(&self, id: &str) -> Result<Vec<u8>, Problem> {
        self.get(&self.billing, &format!("/invoices/{id}"))?
            .map(|body| body.bytes)
            .ok_or_else(|| Problem::not_found("There is no such invoice."))
    }

    pub fn quote(&self, id: &str) -> Result<Vec<u8>, Problem> {
        self.get(&self.quotes, &format!("/quotes/{id}"))?
            .map(|body| body.bytes)
            .ok_or_else(|| Problem::not_found("There is no such quote."))
    }

    /// The caller's business profile; `None` until they put one.
    pub fn profile(&self) -> Result<Option<Vec<u8>>, Problem> {
        Ok(self
            .get(&self.profile, "/business-profile")?
            .map(|b| b.bytes))
    }

    pub fn client(&self, id: &str) -> Result<Option<Vec<u8>>, Problem> {
        Ok(self
            .get(&self.clients, &format!("/clients/{id}"))?
            .map(|b| b.bytes))
    }

    /// The caller's account (`name`, `email`), the seller when there is no profile.
    pub fn account(&self) -> Result<Option<Vec<u8>>, Problem> {
        Ok(self.get(&self.identity, "/auth/profile")?.map(|b| b.bytes))
    }

    /// The invoice a share link shows, with its seller filled in, and when the link
    /// expires; `None` for a link that does not open (unknown, expired, revoked).
    pub fn shared(&self, token: &str) -> Result<Option<Body>, Problem> {
        // The token opens the invoice: it is never logged.
        let path = format!("/internal/shares/{token}");
        self.fetch(&self.sharing, &path, "/internal/shares/{token}")
    }

    /// The quote a quote's link opens, with its seller and buyer as published now
    /// (`{"quote", "seller", "buyer"}`); `None` for a link that does not open.
    pub fn shared_quote(&self, token: &str) -> Result<Option<Body>, Problem> {
        // The token opens the quote: it is never logged.
        let path = format!("/internal/quote-shares/{token}");
        self.fetch(&self.quotes, &path, "/internal/quote-shares/{token}")
    }

    /// The logo the quote a link opens prints.
    pub fn shared_quote_logo(&self, token: &str) -> Result<Option<Body>, Problem> {
        let path = format!("/internal/quote-shares/{token}/logo");
        self.fetch(&self.quotes, &path, "/internal/quote-shares/{token}/logo")
    }

    /// The caller's logo `sha256` (one an invoice of theirs names).
    pub fn logo(&self, sha256: &str) -> Result<Option<Vec<u8>>, Problem> {
        Ok(self
            .get(&self.profile, &format!("/business-profile/logos/{sha256}"))?
            .map(|b| b.bytes))
    }

    /// The logo of the invoice a share link opens (its `content_type` as profile keeps it).
    pub fn shared_logo(&self, token: &str) -> Result<Option<Body>, Problem> {
        let path = format!("/internal/shares/{token}/logo");
        self.fetch(&self.sharing, &path, "/internal/shares/{token}/logo")
    }

    /// Whether `owner` takes card payments (has connected Stripe). The page is shown
    /// either way: if payments cannot say, it shows no button.
    pub fn card_payments(&self, owner: &str) -> bool {
        let path = format!("/internal/stripe-connections/{owner}");
        match self.fetch(
            &self.payments,
            &path,
            "/internal/stripe-connections/{owner}",
        ) {
            Ok(found) => found.is_some(),
            Err(_) => false,
        }
    }

    fn get(&self, base: &str, path: &str) -> Result<Option<Body>, Problem> {
        self.fetch(base, path, path)
    }

    /// The body of a 200, `None` for a 404 (`outbound::read_as_caller` says what else).
    /// `logged` is the path as logs may show it.
    fn fetch(&self, base: &str, path: &str, logged: &str) -> Result<Option<Body>, Problem> {
        let mut headers = vec![("accept", "application/json, image/png, image/jpeg")];
        if let Some(authorization) = &self.authorization {
            headers.push(("authorization", authorization.as_str()));
        }
        let url = format!("{base}{path}");
        let answer =
            outbound::read_as_caller(&url, &headers, self.timeout_ms, &[200], logged, "documents")?;
        Ok(answer.map(|answer| Body {
            content_type: answer.header("content-type").map(str::to_owned),
            expires_at: answer.header("share-expires-at").map(str::to_owned),
            owner: answer.header("share-owner").map(str::to_owned),
            bytes: answer.body,
        }))
    }
}
