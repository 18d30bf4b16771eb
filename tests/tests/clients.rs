//! Clients end to end, under `spin up`, against real Postgres and Redis.

use std::sync::OnceLock;

use fin_e2e::{id, App, AppOptions, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "clients",
        redis_dbs: [7, 8, 8],
        variables: vec![("max_body_bytes", "8192".into())],
        ..AppOptions::default()
    })
}

fn user(tag: &str) -> User {
    User::sign_up(app(), tag)
}

/// A client's own path.
fn at(client: &Value) -> String {
    format!("/clients/{}", id(client))
}

/// The names on one page of the user's client list, and the next page's cursor.
fn listed(user: &User, query: &str) -> (Vec<String>, Option<String>) {
    let reply = user.get(&format!("/clients?{query}"));
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

#[test]
fn create_then_read_a_full_client() {
    let user = user("full");
    let reply = user.post("/clients", &json!({
        "name": "  Acme GmbH ", "email": "Billing@Acme.DE", "phone": "+49 30 123456",
        "company": "Acme", "tax_id": "DE123456789", "default_currency": "eur",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "de"},
        "notes": "Pays on the 30th."
    }));
    assert_eq!(reply.status, 201, "{}", reply.body);
    let client = reply.json();
    assert_eq!(reply.header("location"), Some(at(&client).as_str()));
    assert_eq!(client["name"], "Acme GmbH");
    assert_eq!(client["email"], "billing@acme.de");
    assert_eq!(client["default_currency"], "EUR");
    assert_eq!(client["address"]["country"], "DE");
    assert_eq!(client["address"]["line2"], Value::Null);
    assert_eq!(client["archived_at"], Value::Null);
    assert!(client.get("owner_id").is_none(), "the owner is implicit");

    let read = user.get(&at(&client));
    assert_eq!(read.status, 200);
    assert_eq!(read.json(), client);
}

#[test]
fn invalid_clients_are_refused_field_by_field_and_nothing_is_stored() {
    let user = user("invalid");
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
        let problem = user.post("/clients", &body).problem(422);
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "expected an error on `{field}` for {body}: {problem}"
        );
    }
    user.call("POST", "/clients")
        .raw("application/json", b"{\"name\":".to_vec())
        .send()
        .problem(400);
    user.call("POST", "/clients")
        .raw("text/plain", b"{}".to_vec())
        .send()
        .problem(415);
    let big = json!({"name": "Big", "notes": "n".repeat(9000)});
    user.post("/clients", &big).problem(413);

    assert_eq!(
        listed(&user, "").0,
        Vec::<String>::new(),
        "no bad request stored a client"
    );
}

#[test]
fn another_users_client_is_not_found_for_read_update_and_delete() {
    let owner = user("owner");
    let intruder = user("intruder");
    let client = owner.created("/clients", &json!({"name": "Private Client"}));
    let path = at(&client);
    let missing = intruder.get("/clients/5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11");
    let missing_body = missing.problem(404);

    let read = intruder.get(&path);
    assert_eq!(
        read.problem(404),
        missing_body,
        "indistinguishable from a missing id"
    );
    intruder
        .patch(&at(&client), &json!({"name": "Hijacked"}))
        .problem(404);
    intruder.delete(&at(&client)).problem(404);
    assert!(listed(&intruder, "").0.is_empty());

    let after = owner.get(&path);
    assert_eq!(after.json(), client, "the owner's client is untouched");
    owner.get("/clients/not-a-uuid").problem(404);
}

#[test]
fn patch_changes_only_the_named_fields_with_the_same_rules() {
    let user = user("patch");
    let client = user.created(
        "/clients",
        &json!({"name": "Old", "email": "old@example.com", "notes": "keep"}),
    );
    let reply = user.patch(
        &at(&client),
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
        let problem = user.patch(&at(&client), &body).problem(422);
        assert!(
            problem["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .any(|e| e["field"] == field),
            "{problem}"
        );
    }
    user.call("PATCH", &at(&client))
        .raw("application/json", b"not json".to_vec())
        .send()
        .problem(400);
    assert_eq!(
        user.get(&at(&client)).json(),
        patched,
        "refused patches change nothing"
    );
}

#[test]
fn delete_archives_the_client() {
    let user = user("archive");
    let client = user.created("/clients", &json!({"name": "Gone Ltd"}));
    user.created("/clients", &json!({"name": "Staying Ltd"}));
    let reply = user.delete(&at(&client));
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(
        user.delete(&at(&client)).status,
        204,
        "archiving is idempotent"
    );

    assert_eq!(listed(&user, "").0, ["Staying Ltd"]);
    assert_eq!(listed(&user, "archived=true").0, ["Gone Ltd"]);
    let archived = user.get(&at(&client)).json();
    assert!(
        archived["archived_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{archived}"
    );
}

#[test]
fn lists_page_through_every_client_once_in_order() {
    let user = user("pages");
    let names = ["delta", "Alpha", "echo", "charlie", "Bravo"];
    for name in names {
        user.created("/clients", &json!({"name": name}));
    }
    let mut seen = Vec::new();
    let mut query = "limit=2".to_owned();
    let mut pages = 0;
    loop {
        let (page, next) = listed(&user, &query);
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
        listed(&user, "sort=-name").0,
        ["echo", "delta", "charlie", "Bravo", "Alpha"]
    );
    assert_eq!(listed(&user, "sort=created_at").0, names);

    let (first, cursor) = listed(&user, "sort=-created_at&limit=3");
    assert_eq!(first, ["Bravo", "charlie", "echo"]);
    let cursor = cursor.expect("a second page");
    assert_eq!(
        listed(&user, &format!("sort=-created_at&limit=3&cursor={cursor}")).0,
        ["Alpha", "delta"]
    );
    // A cursor from one order cannot be replayed against another.
    user.get(&format!("/clients?sort=name&cursor={cursor}"))
        .problem(422);
}

#[test]
fn list_parameters_are_checked() {
    let user = user("params");
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
    let user = user("search");
    user.created("/clients", &json!({"name": "Zeta Studio"}));
    user.created(
        "/clients",
        &json!({"name": "Other", "email": "ZETA@example.com"}),
    );
    user.created("/clients", &json!({"name": "Third", "company": "Zetamax"}));
    user.created("/clients", &json!({"name": "100% Design"}));
    user.created("/clients", &json!({"name": "Unrelated"}));
    let (mut found, _) = listed(&user, "q=zeta");
    found.sort();
    assert_eq!(found, ["Other", "Third", "Zeta Studio"]);
    assert_eq!(
        listed(&user, "q=100%25").0,
        ["100% Design"],
        "% is a character, not a wildcard"
    );
    assert_eq!(listed(&user, "q=%25").0, ["100% Design"]);
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
    let user = user("tokens");
    let expired = user.expired_token();
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
