//! Clients end to end, under `spin up`, against real Postgres and Redis.

use std::sync::OnceLock;

use fin_e2e::{App, AppOptions, Client, Reply};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "clients",
        redis_dbs: [7, 8, 8],
        variables: vec![("max_body_bytes", "8192".into())],
    })
}

/// A signed-in freelancer.
struct User {
    token: String,
    http: Client,
}

impl User {
    fn new(tag: &str) -> Self {
        let (_, token) = app().sign_up(tag);
        Self {
            token,
            http: app().client(),
        }
    }

    fn create(&self, body: &Value) -> Reply {
        self.http
            .post("/clients")
            .bearer(&self.token)
            .json(body)
            .send()
    }

    fn created(&self, body: &Value) -> Value {
        let reply = self.create(body);
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json()
    }

    fn get(&self, path: &str) -> Reply {
        self.http.get(path).bearer(&self.token).send()
    }

    fn patch(&self, id: &str, body: &Value) -> Reply {
        self.http
            .request("PATCH", &format!("/clients/{id}"))
            .bearer(&self.token)
            .json(body)
            .send()
    }

    fn delete(&self, id: &str) -> Reply {
        self.http
            .request("DELETE", &format!("/clients/{id}"))
            .bearer(&self.token)
            .send()
    }

    fn names(&self, query: &str) -> (Vec<String>, Option<String>) {
        let reply = self.get(&format!("/clients?{query}"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let page = reply.json();
        let names = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["name"].as_str().expect("name").to_owned())
            .collect();
        (names, page["next_cursor"].as_str().map(str::to_owned))
    }
}

/// The user's own claims, re-signed with the server's key but already expired.
fn expired_token_for(user: &User) -> String {
    let mut claims: Value =
        jsonwebtoken::dangerous::insecure_decode_claims(&user.token).expect("claims");
    let now = claims["iat"].as_i64().expect("iat");
    claims["exp"] = json!(now - 1);
    claims["iat"] = json!(now - 3600);
    let key = jsonwebtoken::EncodingKey::from_secret(fin_e2e::JWT_SECRET.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).expect("sign")
}

fn id(client: &Value) -> String {
    client["id"].as_str().expect("id").to_owned()
}

#[test]
fn create_then_read_a_full_client() {
    let user = User::new("full");
    let reply = user.create(&json!({
        "name": "  Acme GmbH ", "email": "Billing@Acme.DE", "phone": "+49 30 123456",
        "company": "Acme", "tax_id": "DE123456789", "default_currency": "eur",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "de"},
        "notes": "Pays on the 30th."
    }));
    assert_eq!(reply.status, 201, "{}", reply.body);
    let client = reply.json();
    assert_eq!(
        reply.header("location"),
        Some(format!("/clients/{}", id(&client)).as_str())
    );
    assert_eq!(client["name"], "Acme GmbH");
    assert_eq!(client["email"], "billing@acme.de");
    assert_eq!(client["default_currency"], "EUR");
    assert_eq!(client["address"]["country"], "DE");
    assert_eq!(client["address"]["line2"], Value::Null);
    assert_eq!(client["archived_at"], Value::Null);
    assert!(client.get("owner_id").is_none(), "the owner is implicit");

    let read = user.get(&format!("/clients/{}", id(&client)));
    assert_eq!(read.status, 200);
    assert_eq!(read.json(), client);
}

#[test]
fn invalid_clients_are_refused_field_by_field_and_nothing_is_stored() {
    let user = User::new("invalid");
    let cases = [
        (json!({}), "name"),
        (json!({"name": null}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"name": "x".repeat(201)}), "name"),
        (json!({"name": 5}), "name"),
        (json!({"name": "A", "email": "not-an-email"}), "email"),
        (json!({"name": "A", "phone": "call me maybe"}), "phone"),
        (
            json!({"name": "A", "default_currency": "EUROS"}),
            "default_currency",
        ),
        (
            json!({"name": "A", "default_currency": "XYZ"}),
            "default_currency",
        ),
        (
            json!({"name": "A", "address": {"country": "XX"}}),
            "address.country",
        ),
        (
            json!({"name": "A", "address": {"city": "Berlin"}}),
            "address",
        ),
        (json!({"name": "A", "address": "Berlin"}), "address"),
        (
            json!({"name": "A", "address": {"country": "DE", "planet": "Earth"}}),
            "address.planet",
        ),
        (json!({"name": "A", "notes": "n".repeat(5001)}), "notes"),
        (
            json!({"name": "A", "id": "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11"}),
            "id",
        ),
        (
            json!({"name": "A", "owner_id": "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11"}),
            "owner_id",
        ),
        (
            json!({"name": "A", "created_at": "2020-01-01T00:00:00Z"}),
            "created_at",
        ),
    ];
    for (body, field) in cases {
        let problem = user.create(&body).problem(422);
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "expected an error on `{field}` for {body}: {problem}"
        );
    }
    let http = &user.http;
    http.post("/clients")
        .bearer(&user.token)
        .raw("application/json", b"{\"name\":".to_vec())
        .send()
        .problem(400);
    http.post("/clients")
        .bearer(&user.token)
        .raw("text/plain", b"{}".to_vec())
        .send()
        .problem(415);
    let big = json!({"name": "Big", "notes": "n".repeat(9000)});
    http.post("/clients")
        .bearer(&user.token)
        .json(&big)
        .send()
        .problem(413);

    assert_eq!(
        user.names("").0,
        Vec::<String>::new(),
        "no bad request stored a client"
    );
}

#[test]
fn another_users_client_is_not_found_for_read_update_and_delete() {
    let owner = User::new("owner");
    let intruder = User::new("intruder");
    let client = owner.created(&json!({"name": "Private Client"}));
    let path = format!("/clients/{}", id(&client));
    let missing = intruder.get("/clients/5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11");
    let missing_body = missing.problem(404);

    let read = intruder.get(&path);
    assert_eq!(
        read.problem(404),
        missing_body,
        "indistinguishable from a missing id"
    );
    intruder
        .patch(&id(&client), &json!({"name": "Hijacked"}))
        .problem(404);
    intruder.delete(&id(&client)).problem(404);
    assert!(intruder.names("").0.is_empty());

    let after = owner.get(&path);
    assert_eq!(after.json(), client, "the owner's client is untouched");
    owner.get("/clients/not-a-uuid").problem(404);
}

#[test]
fn patch_changes_only_the_named_fields_with_the_same_rules() {
    let user = User::new("patch");
    let client = user.created(&json!({"name": "Old", "email": "old@example.com", "notes": "keep"}));
    let reply = user.patch(
        &id(&client),
        &json!({"name": "New", "email": null, "company": "Co"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let patched = reply.json();
    assert_eq!(patched["name"], "New");
    assert_eq!(patched["email"], Value::Null);
    assert_eq!(patched["company"], "Co");
    assert_eq!(patched["notes"], "keep");
    assert_eq!(patched["created_at"], client["created_at"]);

    for (body, field) in [
        (json!({"name": null}), "name"),
        (json!({"email": "bad"}), "email"),
        (json!({"default_currency": "EURO"}), "default_currency"),
        (json!({"id": "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11"}), "id"),
        (json!({"archived_at": null}), "archived_at"),
        (json!({"updated_at": "2020-01-01T00:00:00Z"}), "updated_at"),
    ] {
        let problem = user.patch(&id(&client), &body).problem(422);
        assert!(
            problem["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .any(|e| e["field"] == field),
            "{problem}"
        );
    }
    user.http
        .request("PATCH", &format!("/clients/{}", id(&client)))
        .bearer(&user.token)
        .raw("application/json", b"not json".to_vec())
        .send()
        .problem(400);
    assert_eq!(
        user.get(&format!("/clients/{}", id(&client))).json(),
        patched,
        "refused patches change nothing"
    );
}

#[test]
fn delete_archives_the_client() {
    let user = User::new("archive");
    let client = user.created(&json!({"name": "Gone Ltd"}));
    user.created(&json!({"name": "Staying Ltd"}));
    let reply = user.delete(&id(&client));
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(
        user.delete(&id(&client)).status,
        204,
        "archiving is idempotent"
    );

    assert_eq!(user.names("").0, ["Staying Ltd"]);
    assert_eq!(user.names("archived=true").0, ["Gone Ltd"]);
    let archived = user.get(&format!("/clients/{}", id(&client))).json();
    assert!(
        archived["archived_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{archived}"
    );
}

#[test]
fn lists_page_through_every_client_once_in_order() {
    let user = User::new("pages");
    let names = ["delta", "Alpha", "echo", "charlie", "Bravo"];
    for name in names {
        user.created(&json!({"name": name}));
    }
    let mut seen = Vec::new();
    let mut query = "limit=2".to_owned();
    let mut pages = 0;
    loop {
        let (page, next) = user.names(&query);
        assert!(page.len() <= 2);
        seen.extend(page);
        pages += 1;
        match next {
            Some(cursor) => query = format!("limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        ["Alpha", "Bravo", "charlie", "delta", "echo"],
        "by name, case-insensitively"
    );
    assert_eq!(
        user.names("sort=-name").0,
        ["echo", "delta", "charlie", "Bravo", "Alpha"]
    );
    assert_eq!(user.names("sort=created_at").0, names);

    let (first, cursor) = user.names("sort=-created_at&limit=3");
    assert_eq!(first, ["Bravo", "charlie", "echo"]);
    let cursor = cursor.expect("a second page");
    assert_eq!(
        user.names(&format!("sort=-created_at&limit=3&cursor={cursor}"))
            .0,
        ["Alpha", "delta"]
    );
    // A cursor from one order cannot be replayed against another.
    user.get(&format!("/clients?sort=name&cursor={cursor}"))
        .problem(422);
}

#[test]
fn list_parameters_are_checked() {
    let user = User::new("params");
    for query in [
        "limit=0",
        "limit=101",
        "limit=ten",
        "sort=email",
        "archived=maybe",
        "page=2",
        "cursor=nonsense",
    ] {
        user.get(&format!("/clients?{query}")).problem(422);
    }
    assert_eq!(
        user.get("/clients?limit=100").status,
        200,
        "the stated maximum"
    );
}

#[test]
fn search_matches_name_email_and_company_literally() {
    let user = User::new("search");
    user.created(&json!({"name": "Zeta Studio"}));
    user.created(&json!({"name": "Other", "email": "ZETA@example.com"}));
    user.created(&json!({"name": "Third", "company": "Zetamax"}));
    user.created(&json!({"name": "100% Design"}));
    user.created(&json!({"name": "Unrelated"}));
    let (mut found, _) = user.names("q=zeta");
    found.sort();
    assert_eq!(found, ["Other", "Third", "Zeta Studio"]);
    assert_eq!(
        user.names("q=100%25").0,
        ["100% Design"],
        "% is a character, not a wildcard"
    );
    assert_eq!(user.names("q=%25").0, ["100% Design"]);
}

#[test]
fn every_route_needs_a_valid_token_and_knows_its_methods() {
    let http = app().client();
    for reply in [
        http.get("/clients").send(),
        http.post("/clients").json(&json!({"name": "A"})).send(),
        http.get("/clients/5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11")
            .bearer("forged.token.here")
            .send(),
    ] {
        reply.problem(401);
        assert!(reply.header("www-authenticate").is_some());
    }
    // An expired token signed with the real key, and a logged-out one, are refused too.
    let user = User::new("tokens");
    let expired = expired_token_for(&user);
    user.http
        .get("/clients")
        .bearer(&expired)
        .send()
        .problem(401);
    assert_eq!(
        http.post("/auth/logout").bearer(&user.token).send().status,
        204
    );
    user.get("/clients").problem(401);

    let put = http.request("PUT", "/clients").send();
    put.problem(405);
    assert_eq!(put.header("allow"), Some("GET, POST"));
    http.request("PUT", "/clients/x").send().problem(405);
    http.get("/clients/x/y").send().problem(404);
}
