//! The catalogue end to end, under `spin up`, against real Postgres and Redis: items a
//! freelancer reuses, their rules, their pages, and everything a stranger or a bad body
//! must not do to them.

use std::sync::OnceLock;

use fin_e2e::{id, App, AppOptions, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "catalogue",
        redis_dbs: [7, 8, 8],
        variables: vec![("max_body_bytes", "8192".into())],
        ..AppOptions::default()
    })
}

fn user(tag: &str) -> User {
    User::sign_up(app(), tag)
}

fn at(item: &Value) -> String {
    format!("/items/{}", id(item))
}

/// The names on one page, and the next page's cursor.
fn listed(user: &User, query: &str) -> (Vec<String>, Option<String>) {
    let reply = user.get(&format!("/items?{query}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let page = reply.json();
    let names = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().expect("name").to_owned())
        .collect();
    (names, page["next_cursor"].as_str().map(str::to_owned))
}

#[test]
fn an_item_is_kept_changed_listed_and_deleted() {
    let user = user("items");
    let reply = user.post(
        "/items",
        &json!({"name": " Design, per hour ", "description": "Screens and flows",
                "unit_price": 9500, "currency": "eur", "tax_rate": "19"}),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let design = reply.json();
    assert_eq!(reply.header("location"), Some(at(&design).as_str()));
    assert_eq!(
        (
            &design["name"],
            &design["currency"],
            &design["tax_rate"],
            &design["unit_price"]
        ),
        (
            &json!("Design, per hour"),
            &json!("EUR"),
            &json!("19"),
            &json!(9500)
        )
    );
    assert_eq!(user.get(&at(&design)).json(), design);

    let changed = user.patch(
        &at(&design),
        &json!({"unit_price": 10000, "description": null}),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    let changed = changed.json();
    assert_eq!(
        (&changed["unit_price"], &changed["description"]),
        (&json!(10000), &Value::Null)
    );
    assert_eq!(
        changed["name"], "Design, per hour",
        "what the change left out stays"
    );

    // By name, case-insensitively, a page at a time; a search matches the description.
    for name in ["hosting", "Audit", "copywriting"] {
        user.created(
            "/items",
            &json!({"name": name, "unit_price": 100, "currency": "EUR"}),
        );
    }
    user.created(
        "/items",
        &json!({"name": "Workshop", "description": "A day of design sprints",
                "unit_price": 80000, "currency": "EUR", "tax_rate": 7.5}),
    );
    let (first, cursor) = listed(&user, "limit=2");
    assert_eq!(first, ["Audit", "copywriting"]);
    let (second, cursor) = listed(&user, &format!("limit=2&cursor={}", cursor.expect("more")));
    assert_eq!(second, ["Design, per hour", "hosting"]);
    let (third, end) = listed(&user, &format!("limit=2&cursor={}", cursor.expect("more")));
    assert_eq!((third, end), (vec!["Workshop".to_owned()], None));
    assert_eq!(
        listed(&user, "q=DESIGN").0,
        ["Design, per hour", "Workshop"]
    );
    assert_eq!(
        listed(&user, "q=%25").0,
        Vec::<String>::new(),
        "wildcards are literal"
    );

    assert_eq!(user.delete(&at(&design)).status, 204);
    user.get(&at(&design)).problem(404);
    user.delete(&at(&design)).problem(404);
    assert_eq!(listed(&user, "").0.len(), 4);
}

#[test]
fn bad_bodies_and_queries_are_refused_naming_the_field_and_store_nothing() {
    let user = user("bad-items");
    let cases = [
        (json!({}), "name"),
        (json!({"name": "A", "currency": "EUR"}), "unit_price"),
        (json!({"name": "A", "unit_price": 1}), "currency"),
        (
            json!({"name": "A", "unit_price": -1, "currency": "EUR"}),
            "unit_price",
        ),
        (
            json!({"name": "A", "unit_price": 1.5, "currency": "EUR"}),
            "unit_price",
        ),
        (
            json!({"name": "A", "unit_price": "100", "currency": "EUR"}),
            "unit_price",
        ),
        (
            json!({"name": "A", "unit_price": 1, "currency": "XAU"}),
            "currency",
        ),
        (
            json!({"name": "A", "unit_price": 1, "currency": "EUR", "tax_rate": "101"}),
            "tax_rate",
        ),
        (
            json!({"name": 7, "unit_price": 1, "currency": "EUR"}),
            "name",
        ),
        (
            json!({"name": "a\u{0}b", "unit_price": 1, "currency": "EUR"}),
            "name",
        ),
        (
            json!({"name": "A", "unit_price": 1, "currency": "EUR", "id": "x"}),
            "id",
        ),
        (
            json!({"name": "A", "unit_price": 1, "currency": "EUR", "tax_rate": null}),
            "tax_rate",
        ),
    ];
    for (body, field) in cases {
        let problem = user.post("/items", &body).problem(422);
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "expected an error on `{field}` for {body}: {problem}"
        );
    }
    user.call("POST", "/items")
        .raw("application/json", b"{\"name\":".to_vec())
        .send()
        .problem(400);
    user.call("POST", "/items")
        .raw("text/plain", b"{}".to_vec())
        .send()
        .problem(415);
    let big =
        json!({"name": "Big", "unit_price": 1, "currency": "EUR", "description": "d".repeat(9000)});
    user.post("/items", &big).problem(413);
    for query in ["limit=0", "sort=name", "cursor=garbage!", "q=%00"] {
        user.get(&format!("/items?{query}")).problem(422);
    }
    assert_eq!(
        listed(&user, "").0,
        Vec::<String>::new(),
        "nothing was stored"
    );

    let item = user.created(
        "/items",
        &json!({"name": "Kept", "unit_price": 1, "currency": "EUR"}),
    );
    user.patch(&at(&item), &json!({"name": " "})).problem(422);
    user.patch(&at(&item), &json!({"currency": "nope"}))
        .problem(422);
    user.patch(&at(&item), &json!({"unit_price": null}))
        .problem(422);
    assert_eq!(
        user.get(&at(&item)).json(),
        item,
        "a refused change changed nothing"
    );
}

#[test]
fn another_users_item_is_not_found_and_tokens_are_checked() {
    let owner = user("owner");
    let intruder = user("intruder");
    let item = owner.created(
        "/items",
        &json!({"name": "Private", "unit_price": 1, "currency": "EUR"}),
    );
    let missing = intruder
        .get("/items/5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11")
        .problem(404);
    assert_eq!(intruder.get(&at(&item)).problem(404), missing, "no oracle");
    intruder
        .patch(&at(&item), &json!({"name": "Hijacked"}))
        .problem(404);
    intruder.delete(&at(&item)).problem(404);
    owner.get("/items/not-a-uuid").problem(404);
    assert!(listed(&intruder, "").0.is_empty());
    assert_eq!(owner.get(&at(&item)).json(), item, "untouched");

    let http = app().client();
    http.get("/items").send().problem(401);
    http.get("/items")
        .bearer("forged.token.here")
        .send()
        .problem(401);
    http.get("/items")
        .bearer(&owner.expired_token())
        .send()
        .problem(401);
    assert_eq!(
        http.post("/auth/logout").bearer(&owner.token).send().status,
        204
    );
    owner.get("/items").problem(401);
    assert_eq!(http.request("PUT", "/items").send().status, 405);
}
