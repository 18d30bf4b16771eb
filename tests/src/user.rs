use serde_json::{json, Value};

use crate::{App, Call, Client, Reply, JWT_SECRET};

/// A signed-in freelancer, and requests made with their token.
pub struct User {
    pub token: String,
    pub http: Client,
}

impl User {
    pub fn sign_up(app: &App, tag: &str) -> Self {
        let (_, token) = app.sign_up(tag);
        Self {
            token,
            http: app.client(),
        }
    }

    /// The user's id (the token's `sub`).
    pub fn user_id(&self) -> String {
        let claims: Value =
            jsonwebtoken::dangerous::insecure_decode_claims(&self.token).expect("claims");
        claims["sub"].as_str().expect("sub").to_owned()
    }

    /// A request carrying this user's token.
    pub fn call(&self, method: &str, path: &str) -> Call {
        self.http.request(method, path).bearer(&self.token)
    }

    pub fn get(&self, path: &str) -> Reply {
        self.call("GET", path).send()
    }

    pub fn post(&self, path: &str, body: &Value) -> Reply {
        self.call("POST", path).json(body).send()
    }

    pub fn patch(&self, path: &str, body: &Value) -> Reply {
        self.call("PATCH", path).json(body).send()
    }

    pub fn delete(&self, path: &str) -> Reply {
        self.call("DELETE", path).send()
    }

    /// POSTs and expects 201: the created resource.
    pub fn created(&self, path: &str, body: &Value) -> Value {
        let reply = self.post(path, body);
        assert_eq!(reply.status, 201, "POST {path}: {}", reply.body);
        reply.json()
    }

    /// Saves the business profile a document needs (a seller in Berlin named
    /// `legal_name`), for the first time: 201.
    pub fn put_profile(&self, legal_name: &str) {
        let put = self
            .call("PUT", "/business-profile")
            .json(&json!({
                "legal_name": legal_name, "email": "ada@lovelace.example",
                "address": {"line1": "Torstraße 1", "postal_code": "10119", "city": "Berlin", "country": "DE"}
            }))
            .send();
        assert_eq!(put.status, 201, "{}", put.body);
    }

    /// A new client of this user's, invoiced in `currency` by default: its id.
    pub fn client(&self, currency: &str) -> String {
        id(&self.created(
            "/clients",
            &json!({"name": "Acme", "default_currency": currency}),
        ))
    }

    /// A new draft for `client_id` of one line of `amount` minor units, no tax.
    pub fn draft(&self, client_id: &str, amount: i64) -> Value {
        self.created(
            "/invoices",
            &json!({"client_id": client_id, "lines": [
                {"description": "Work", "quantity": 1, "unit_price": amount}
            ]}),
        )
    }

    /// Runs an invoice action (`send`, `void`) and expects 200: the invoice.
    pub fn act(&self, invoice_id: &str, action: &str) -> Value {
        let reply = self
            .call("POST", &format!("/invoices/{invoice_id}/{action}"))
            .send();
        assert_eq!(reply.status, 200, "{action}: {}", reply.body);
        reply.json()
    }

    /// A sent invoice of `amount` minor units in `currency`, for a new client.
    pub fn sent_invoice(&self, currency: &str, amount: i64) -> Value {
        let draft = self.draft(&self.client(currency), amount);
        self.act(&id(&draft), "send")
    }

    /// This user's own claims, re-signed with the server's key but already expired.
    pub fn expired_token(&self) -> String {
        let mut claims: Value =
            jsonwebtoken::dangerous::insecure_decode_claims(&self.token).expect("claims");
        let now = claims["iat"].as_i64().expect("iat");
        claims["exp"] = json!(now - 1);
        claims["iat"] = json!(now - 3600);
        crate::tokens::sign(
            &claims,
            jsonwebtoken::Algorithm::HS256,
            JWT_SECRET.as_bytes(),
        )
    }
}

/// The `id` of a created resource.
pub fn id(resource: &Value) -> String {
    resource["id"].as_str().expect("id").to_owned()
}
