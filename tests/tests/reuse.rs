//! Instance reuse. On the WASI 0.3 build (`FIN_WASI=0.3`) Spin 4 answers up to 16
//! requests at once from one component instance and up to 128 in a row: nothing of one
//! request — a token, an owner id, a row — may reach another. `make test` runs this on
//! both builds; on the 0.2 one each request has an instance of its own, so it holds there
//! by construction and here is measured against the same expectations.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use fin_e2e::{concurrently, id, App, AppOptions, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions::new("reuse", [1, 2, 3]))
}

/// The ids and names of a user's clients, as their list shows them.
fn clients_of(listed: &Value) -> BTreeSet<(String, String)> {
    listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| (id(c), c["name"].as_str().expect("name").to_owned()))
        .collect()
}

/// A user with `names` as clients, and what their list must show.
fn with_clients(tag: &str, names: &[&str]) -> (User, BTreeSet<(String, String)>) {
    let user = User::sign_up(app(), tag);
    let expected = names
        .iter()
        .map(|name| {
            let client = user.created(
                "/clients",
                &json!({"name": name, "default_currency": "EUR"}),
            );
            (id(&client), (*name).to_owned())
        })
        .collect();
    (user, expected)
}

#[test]
fn two_users_interleaved_sixteen_at_a_time_each_see_only_their_own() {
    let (ada, adas) = with_clients("reuse-ada", &["Alpha One", "Alpha Two", "Alpha Three"]);
    let (bob, bobs) = with_clients("reuse-bob", &["Bravo One", "Bravo Two"]);
    let users = [(&ada, &adas), (&bob, &bobs)];
    // Rounds of 32 at once, so instances serve many requests, of both users, in turn.
    for round in 0..6 {
        let replies = concurrently(32, |i| {
            let (user, _) = users[i % 2];
            if (i / 2) % 2 == 0 {
                user.get("/clients")
            } else {
                user.get("/auth/profile")
            }
        });
        for (i, reply) in replies.iter().enumerate() {
            let (user, expected) = users[i % 2];
            assert_eq!(
                reply.status, 200,
                "round {round}, request {i}: {}",
                reply.body
            );
            if (i / 2) % 2 == 0 {
                assert_eq!(
                    &clients_of(&reply.json()),
                    expected,
                    "round {round}, request {i}: another caller's rows"
                );
            } else {
                assert_eq!(
                    reply.json()["id"].as_str(),
                    Some(user.user_id().as_str()),
                    "round {round}, request {i}: another caller's profile"
                );
            }
        }
    }
}

#[test]
fn a_token_signed_out_stays_refused_by_warm_instances() {
    let user = User::sign_up(app(), "reuse-out");
    let warm = concurrently(32, |_| user.get("/auth/profile"));
    assert!(
        warm.iter().all(|r| r.status == 200),
        "signed in: 200 each time"
    );
    let out = user.call("POST", "/auth/logout").send();
    assert_eq!(out.status, 204, "{}", out.body);
    for reply in concurrently(32, |_| user.get("/clients"))
        .into_iter()
        .chain(concurrently(32, |_| user.get("/auth/profile")))
    {
        assert_eq!(reply.status, 401, "a revoked token served: {}", reply.body);
    }
}
