//! A schedule's next dates before the template is saved: what the editor shows while the
//! form is half filled, and everything a bad body or a missing token must not get.

use fin_e2e::User;
use serde_json::json;

use super::{app, freelancer, retainer};

const PREVIEW: &str = "/recurring-invoices/preview";

#[test]
fn a_schedule_is_previewed_before_it_is_saved_and_nothing_is_stored() {
    let (user, client) = freelancer("preview");
    // Half filled: no client or lines yet.
    let half = user.post(
        PREVIEW,
        &json!({"frequency": "monthly", "start_date": "2032-01-31", "count": 3,
                "time_zone": "Europe/Berlin", "name": "Retainer"}),
    );
    assert_eq!(half.status, 200, "{}", half.body);
    assert_eq!(
        half.json(),
        json!({"upcoming": ["2032-01-31", "2032-02-29", "2032-03-31"]}),
        "the 31st clamped to a leap February, three periods"
    );
    // The whole body the editor posts: the same dates the saved template shows.
    let body = retainer(&client, json!({"start_date": "2032-01-31"}));
    let previewed = user.post(PREVIEW, &body).json()["upcoming"].clone();
    assert_eq!(previewed.as_array().map(Vec::len), Some(5));
    assert_eq!(
        user.get("/recurring-invoices").json()["items"],
        json!([]),
        "a preview stores nothing"
    );
    let saved = user.created("/recurring-invoices", &body);
    assert_eq!(saved["upcoming"], previewed);
}

#[test]
fn a_bad_schedule_or_token_gets_a_clear_refusal() {
    let (user, _) = freelancer("preview-bad");
    let missing = user.post(PREVIEW, &json!({"start_date": "2032-01-31"}));
    let problem = missing.problem(422);
    assert_eq!(problem["errors"][0]["field"], "frequency", "{problem}");
    let wrong = user.post(
        PREVIEW,
        &json!({"frequency": "monthly", "start_date": "2032-01-31", "end_date": "2031-01-01"}),
    );
    assert_eq!(wrong.problem(422)["errors"][0]["field"], "end_date");
    user.post(
        PREVIEW,
        &json!({"frequency": 12, "start_date": "2032-01-31"}),
    )
    .problem(422);
    user.post(
        PREVIEW,
        &json!({"frequency": "monthly", "start_date": "2032-01-31", "color": "red"}),
    )
    .problem(422);
    // Whatever else is given is checked as a template's would be.
    let line = user.post(
        PREVIEW,
        &json!({"frequency": "monthly", "start_date": "2032-01-31",
                "lines": [{"description": "Retainer", "quantity": "one", "unit_price": 100}]}),
    );
    assert!(line.problem(422)["errors"][0]["field"]
        .as_str()
        .is_some_and(|f| f.starts_with("lines")));
    user.call("POST", PREVIEW)
        .raw("application/json", b"{\"frequency\": ".to_vec())
        .send()
        .problem(400);
    user.call("POST", PREVIEW)
        .raw("application/json", vec![b' '; 20_000])
        .send()
        .problem(413);
    app()
        .client()
        .post_json(
            PREVIEW,
            &json!({"frequency": "monthly", "start_date": "2032-01-31"}),
        )
        .problem(401);
    let forged = User {
        token: format!("{}x", user.token),
        http: app().client(),
    };
    forged
        .post(
            PREVIEW,
            &json!({"frequency": "monthly", "start_date": "2032-01-31"}),
        )
        .problem(401);
}
