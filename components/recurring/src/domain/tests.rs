use super::*;
use jiff::civil::date;
use serde_json::json;

const CLIENT: &str = "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11";

fn input(value: serde_json::Value) -> TemplateInput {
    serde_json::from_value(value).expect("a template body")
}

fn retainer() -> serde_json::Value {
    json!({
        "client_id": CLIENT,
        "lines": [{"description": "Monthly retainer", "quantity": "1", "unit_price": 150000, "tax_rate": "19"}],
        "frequency": "monthly",
        "start_date": "2027-01-31",
    })
}

fn fields_of(errors: Vec<FieldError>) -> Vec<String> {
    errors.into_iter().map(|e| e.field).collect()
}

#[test]
fn a_template_needs_a_client_lines_a_frequency_and_a_start() {
    let errors = TemplateFields::create(input(json!({}))).expect_err("empty");
    assert_eq!(
        fields_of(errors),
        ["client_id", "lines", "frequency", "start_date"]
    );
}

#[test]
fn defaults_are_net_30_utc_the_latest_period_and_a_draft_named_after_its_first_line() {
    let fields = TemplateFields::create(input(retainer())).expect("valid");
    assert_eq!(fields.name, "Monthly retainer");
    assert_eq!(fields.payment_terms_days, 30);
    assert_eq!(fields.time_zone, "UTC");
    assert_eq!(fields.catch_up, CatchUp::Latest);
    assert_eq!(fields.end, End::Never);
    assert!(!fields.send);
    assert_eq!(fields.totals().expect("totals").total, 178_500);
}

#[test]
fn every_wrong_field_is_named_at_once() {
    let mut body = retainer();
    body["frequency"] = json!("fortnightly");
    body["start_date"] = json!("31.01.2027");
    body["time_zone"] = json!("Mars/Olympus");
    body["catch_up"] = json!("all");
    body["payment_terms_days"] = json!(400);
    body["currency"] = json!("EURO");
    body["name"] = json!("  ");
    let errors = TemplateFields::create(input(body)).expect_err("invalid");
    let mut fields = fields_of(errors);
    fields.sort();
    assert_eq!(
        fields,
        [
            "catch_up",
            "currency",
            "frequency",
            "name",
            "payment_terms_days",
            "start_date",
            "time_zone"
        ]
    );
}

#[test]
fn an_end_is_a_date_not_before_the_start_or_a_count_never_both() {
    let mut both = retainer();
    both["end_date"] = json!("2027-12-31");
    both["count"] = json!(12);
    assert_eq!(
        fields_of(TemplateFields::create(input(both)).expect_err("both")),
        ["count"]
    );
    let mut early = retainer();
    early["end_date"] = json!("2026-12-31");
    assert_eq!(
        fields_of(TemplateFields::create(input(early)).expect_err("early")),
        ["end_date"]
    );
    for count in [0, -1, 1_001] {
        let mut body = retainer();
        body["count"] = json!(count);
        assert_eq!(
            fields_of(TemplateFields::create(input(body)).expect_err("count")),
            ["count"],
            "{count}"
        );
    }
    let mut twelve = retainer();
    twelve["count"] = json!(12);
    let fields = TemplateFields::create(input(twelve)).expect("valid");
    assert_eq!(fields.end, End::After(12));
    // PATCH: a null clears the end it names, and an end date replaces a count.
    let cleared = fields
        .update(input(json!({"count": null})))
        .expect("cleared");
    assert_eq!(cleared.end, End::Never);
    let dated = fields
        .update(input(json!({"end_date": "2027-06-30"})))
        .expect("dated");
    assert_eq!(dated.end, End::On(date(2027, 6, 30)));
}

#[test]
fn the_lines_follow_the_invoice_rules() {
    let mut body = retainer();
    body["lines"] = json!([]);
    assert_eq!(
        fields_of(TemplateFields::create(input(body)).expect_err("no lines")),
        ["lines"]
    );
    let mut discount = retainer();
    discount["discount"] = json!({"amount": 999_999_999});
    assert_eq!(
        fields_of(TemplateFields::create(input(discount)).expect_err("discount")),
        ["discount"]
    );
}

#[test]
fn a_zone_is_an_iana_name_and_its_periods_begin_there() {
    let mut body = retainer();
    body["time_zone"] = json!("Pacific/Auckland");
    let fields = TemplateFields::create(input(body)).expect("valid");
    let due = fields.schedule().due_at(0).expect("a first period");
    assert_eq!(due.to_string(), "2027-01-30T11:00:00Z");
}

#[test]
fn a_first_date_centuries_away_is_refused() {
    for start in ["0001-01-01", "1999-12-31", "2200-01-01"] {
        let mut body = retainer();
        body["start_date"] = json!(start);
        assert_eq!(
            fields_of(TemplateFields::create(input(body)).expect_err(start)),
            ["start_date"],
            "{start}"
        );
    }
}

#[test]
fn unknown_fields_are_refused() {
    let refused: Result<TemplateInput, _> =
        serde_json::from_value(json!({"next_period": 3, "status": "active"}));
    assert!(refused.is_err());
}
