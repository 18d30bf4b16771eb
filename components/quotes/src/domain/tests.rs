use serde_json::{json, Value};
use time::macros::date;

use super::*;

const CLIENT: &str = "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11";
const TODAY: Date = date!(2026 - 12 - 06);

fn input(body: Value) -> QuoteInput {
    serde_json::from_value(body).expect("a quote body")
}

fn line() -> Value {
    json!({"description": "Design workshop", "quantity": "2", "unit_price": 45000, "tax_rate": "19"})
}

fn fields_of(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn a_new_quote_is_issued_today_and_valid_for_a_month() {
    let fields = QuoteFields::create(
        input(json!({"client_id": CLIENT, "lines": [line()]})),
        TODAY,
    )
    .expect("valid");
    assert_eq!(fields.issue_date, TODAY);
    assert_eq!(fields.valid_until, date!(2027 - 01 - 05));
    assert_eq!(fields.totals().expect("totals").total, 107_100);
    assert_eq!(fields.currency, None, "the client's default comes later");
}

#[test]
fn a_valid_until_date_must_follow_the_issue_date_within_a_year() {
    let with = |valid: &str| {
        QuoteFields::create(
            input(json!({"client_id": CLIENT, "lines": [line()],
                         "issue_date": "2026-12-01", "valid_until": valid})),
            TODAY,
        )
    };
    assert_eq!(
        with("2026-12-01").expect("same day").valid_until,
        date!(2026 - 12 - 01)
    );
    assert_eq!(
        with("2027-12-01").expect("a year").valid_until,
        date!(2027 - 12 - 01)
    );
    for bad in ["2026-11-30", "2027-12-02", "tomorrow", "2026-02-30"] {
        let errors = with(bad).expect_err(bad);
        assert_eq!(fields_of(&errors), ["valid_until"], "{bad}");
    }
}

#[test]
fn every_wrong_field_is_named_at_once() {
    let errors = QuoteFields::create(
        input(
            json!({"client_id": "nope", "currency": "EURO", "issue_date": "x",
                     "lines": [{"description": "", "quantity": "0", "unit_price": -1}]}),
        ),
        TODAY,
    )
    .expect_err("invalid");
    assert_eq!(
        fields_of(&errors),
        [
            "client_id",
            "currency",
            "issue_date",
            "lines[0].description",
            "lines[0].quantity",
            "lines[0].unit_price"
        ]
    );
    let errors = QuoteFields::create(input(json!({})), TODAY).expect_err("empty");
    assert_eq!(fields_of(&errors), ["client_id", "lines"]);
    let errors = QuoteFields::create(
        input(json!({"client_id": CLIENT, "lines": [line()], "discount": {"amount": 200_000}})),
        TODAY,
    )
    .expect_err("discount above subtotal");
    assert_eq!(fields_of(&errors), ["discount"]);
}

#[test]
fn unknown_fields_are_refused() {
    for body in [
        json!({"status": "accepted"}),
        json!({"number": "QUO-1"}),
        json!({"invoice_id": CLIENT}),
    ] {
        assert!(
            serde_json::from_value::<QuoteInput>(body.clone()).is_err(),
            "{body}"
        );
    }
}

#[test]
fn an_update_merges_and_checks_again() {
    let fields = QuoteFields::create(
        input(json!({"client_id": CLIENT, "lines": [line()]})),
        TODAY,
    )
    .expect("valid");
    let changed = fields
        .update(input(
            json!({"notes": "Two days, on site", "discount": {"percent": "10"}}),
        ))
        .expect("valid");
    assert_eq!(changed.notes.as_deref(), Some("Two days, on site"));
    assert_eq!(changed.lines, fields.lines);
    let cleared = changed
        .update(input(json!({"notes": null, "discount": null})))
        .expect("valid");
    assert_eq!((cleared.notes, cleared.discount), (None, Discount::None));
    let errors = fields
        .update(input(json!({"valid_until": "2026-01-01"})))
        .expect_err("before the issue date");
    assert_eq!(fields_of(&errors), ["valid_until"]);
}

fn answer(body: Value) -> AnswerInput {
    serde_json::from_value(body).expect("an answer body")
}

#[test]
fn an_acceptance_needs_a_name_and_a_refusal_needs_nothing() {
    assert_eq!(
        answer(json!({"name": "  Ada Lovelace ", "note": " Start in January "})).accept(),
        Ok(Answer::Accept {
            name: "Ada Lovelace".into(),
            note: Some("Start in January".into())
        })
    );
    assert_eq!(
        answer(json!({})).decline(),
        Ok(Answer::Decline { reason: None })
    );
    assert_eq!(
        answer(json!({"reason": "Over budget"})).decline(),
        Ok(Answer::Decline {
            reason: Some("Over budget".into())
        })
    );
    let errors = answer(json!({"name": " ", "reason": "x"}))
        .accept()
        .expect_err("no name");
    assert_eq!(fields_of(&errors), ["reason", "name"]);
    let errors = answer(json!({"name": "Ada\u{7}"}))
        .accept()
        .expect_err("a control character");
    assert_eq!(fields_of(&errors), ["name"]);
    let long = "x".repeat(MAX_NOTE + 1);
    let errors = answer(json!({"name": "Ada", "note": long}))
        .accept()
        .expect_err("too long");
    assert_eq!(fields_of(&errors), ["note"]);
    let errors = answer(json!({"name": "Ada"}))
        .decline()
        .expect_err("a name to decline");
    assert_eq!(fields_of(&errors), ["name"]);
    assert!(serde_json::from_value::<AnswerInput>(json!({"accepted": true})).is_err());
}

#[test]
fn statuses_read_back() {
    for name in ["draft", "sent", "accepted", "declined", "expired"] {
        assert_eq!(Status::parse(name).map(Status::name), Some(name));
    }
    assert_eq!(Status::parse("open"), None);
}
