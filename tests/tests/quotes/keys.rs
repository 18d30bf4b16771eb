//! A quote created again under its `Idempotency-Key` (a client retrying after a lost
//! answer) is made once, and the retries take no number of the series.

use serde_json::json;

use super::{freelancer, workshop};

#[test]
fn a_quote_created_again_under_its_key_is_made_once_and_numbers_nothing() {
    let (user, client) = freelancer("quote-key");
    let made = fin_e2e::idempotency::made_once(
        &user,
        "/quotes",
        &workshop(&client, json!({})),
        &workshop(&client, json!({"notes": "Another offer"})),
    );
    let next = user.created("/quotes", &workshop(&client, json!({})));
    let listed = user.get("/quotes").json();
    let numbers: Vec<(&str, &str)> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap_or(""),
                q["number"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(numbers.len(), 2, "{listed}");
    assert_eq!(numbers[1].0, made);
    assert!(
        next["number"]
            .as_str()
            .is_some_and(|n| n.ends_with("-0002")),
        "the retries took no number: {next}"
    );
}
