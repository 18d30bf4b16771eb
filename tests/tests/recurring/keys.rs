//! A recurring invoice created again under its `Idempotency-Key` (a client retrying
//! after a lost answer) is one template, not two schedules billing the client twice.

use serde_json::json;

use super::{freelancer, retainer};

#[test]
fn a_template_created_again_under_its_key_is_made_once() {
    let (user, client) = freelancer("recurring-key");
    let made = fin_e2e::idempotency::made_once(
        &user,
        "/recurring-invoices",
        &retainer(&client, json!({})),
        &retainer(&client, json!({"frequency": "weekly"})),
    );
    let listed = user.get("/recurring-invoices").json();
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(ids, [made.as_str()], "one template: {listed}");
}
