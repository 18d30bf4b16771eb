use super::*;
use crate::memory::Memory;
use serde_json::json;

const OWNER: &str = "11111111-1111-4111-8111-111111111111";
const OTHER: &str = "22222222-2222-4222-8222-222222222222";
const CLIENT: &str = "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11";

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn input(value: serde_json::Value) -> TemplateInput {
    serde_json::from_value(value).expect("a template body")
}

fn monthly(start: &str) -> TemplateInput {
    input(json!({
        "client_id": CLIENT,
        "lines": [{"description": "Retainer", "quantity": "1", "unit_price": 100000}],
        "frequency": "monthly",
        "start_date": start,
    }))
}

/// A template made without an idempotency key.
fn made(
    store: &Memory,
    owner: &str,
    input: TemplateInput,
    now: Timestamp,
) -> Result<Template, RecurringError> {
    create(store, owner, input, now, None).map(|(template, _)| template)
}

/// A monthly template of `OWNER`'s from `start`, created on 2026-12-06.
fn created(store: &Memory, start: &str) -> Template {
    made(store, OWNER, monthly(start), at("2026-12-06T10:00:00Z")).expect("created")
}

#[test]
fn a_template_takes_its_clients_currency_and_only_the_owners_client() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let template = created(&store, "2027-01-31");
    assert_eq!(template.fields.currency.map(|c| c.code()), Some("EUR"));
    assert_eq!(template.view()["upcoming"][1], "2027-02-28");
    let refused = made(
        &store,
        OTHER,
        monthly("2027-01-31"),
        at("2026-12-06T10:00:00Z"),
    );
    assert_eq!(
        refused,
        Err(RecurringError::field(
            "client_id",
            "is not one of your clients"
        ))
    );
    let no_default = Memory::with_client(OWNER, CLIENT, None);
    let refused = made(
        &no_default,
        OWNER,
        monthly("2027-01-31"),
        at("2026-12-06T10:00:00Z"),
    );
    assert!(matches!(refused, Err(RecurringError::Invalid(e)) if e[0].field == "currency"));
}

#[test]
fn a_start_in_the_past_begins_today_and_a_start_of_today_invoices_today() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let past = created(&store, "2026-10-06");
    assert_eq!(past.next_period, 2);
    assert_eq!(past.view()["next_date"], "2026-12-06");
    let later = created(&store, "2026-10-05");
    assert_eq!(later.view()["next_date"], "2027-01-05");
}

#[test]
fn another_owners_template_is_not_found_and_a_stale_version_is_refused() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let now = at("2026-12-06T10:00:00Z");
    let template = made(&store, OWNER, monthly("2027-01-31"), now).expect("created");
    assert_eq!(
        get(&store, OTHER, &template.id),
        Err(RecurringError::NotFound)
    );
    assert_eq!(
        pause(&store, OTHER, &template.id, None),
        Err(RecurringError::NotFound)
    );
    assert_eq!(
        get(&store, OWNER, "not-an-id"),
        Err(RecurringError::NotFound)
    );
    let renamed = update(
        &store,
        OWNER,
        &template.id,
        Some(template.version),
        input(json!({"name": "ACME retainer"})),
        now,
    )
    .expect("renamed");
    assert_eq!(renamed.fields.name, "ACME retainer");
    let stale = update(
        &store,
        OWNER,
        &template.id,
        Some(template.version),
        input(json!({"name": "Lost"})),
        now,
    );
    assert_eq!(stale, Err(RecurringError::Stale { current: 2 }));
    assert_eq!(
        delete(&store, OWNER, &template.id, Some(template.version)),
        Err(RecurringError::Stale { current: 2 })
    );
}

#[test]
fn the_schedule_changes_only_before_the_first_period_is_decided() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let now = at("2026-12-06T10:00:00Z");
    let template = made(&store, OWNER, monthly("2027-01-31"), now).expect("created");
    let weekly = update(
        &store,
        OWNER,
        &template.id,
        None,
        input(json!({"frequency": "weekly", "start_date": "2026-12-07"})),
        now,
    )
    .expect("changed");
    assert_eq!(weekly.view()["upcoming"][1], "2026-12-14");
    crate::issue::decide_due(&store, at("2026-12-07T00:00:00Z")).expect("swept");
    let refused = update(
        &store,
        OWNER,
        &template.id,
        None,
        input(json!({"frequency": "monthly"})),
        now,
    );
    assert!(matches!(refused, Err(RecurringError::Conflict(_))));
    // What each invoice says may still change.
    let repriced = update(
        &store,
        OWNER,
        &template.id,
        None,
        input(
            json!({"lines": [{"description": "Retainer", "quantity": "1", "unit_price": 120000}]}),
        ),
        now,
    )
    .expect("repriced");
    assert_eq!(repriced.fields.lines[0].unit_price, 120_000);
}

#[test]
fn a_pause_makes_nothing_and_resuming_starts_at_the_next_period_not_yet_due() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let template = created(&store, "2027-01-31");
    let paused = pause(&store, OWNER, &template.id, None).expect("paused");
    assert_eq!(paused.status(), "paused");
    assert_eq!(
        pause(&store, OWNER, &template.id, None)
            .expect("again")
            .version,
        paused.version,
        "pausing twice is pausing once"
    );
    assert_eq!(
        crate::issue::decide_due(&store, at("2027-04-01T00:00:00Z")).expect("swept"),
        0
    );
    let resumed = resume(
        &store,
        OWNER,
        &template.id,
        None,
        at("2027-04-01T00:00:00Z"),
    )
    .expect("resumed");
    assert_eq!(resumed.status(), "active");
    assert_eq!(resumed.view()["next_date"], "2027-04-30");
    assert!(store.periods(&template.id).is_empty());
}

#[test]
fn a_schedule_past_its_count_has_ended() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let mut body = json!({
        "client_id": CLIENT,
        "lines": [{"description": "Retainer", "quantity": "1", "unit_price": 100000}],
        "frequency": "yearly",
        "start_date": "2027-01-01",
        "count": 2,
        "catch_up": "every",
    });
    body["name"] = json!("Domain renewal");
    let template = made(&store, OWNER, input(body), at("2026-12-06T10:00:00Z")).expect("created");
    crate::issue::decide_due(&store, at("2030-01-01T00:00:00Z")).expect("swept");
    let ended = get(&store, OWNER, &template.id).expect("read");
    assert_eq!(ended.status(), "ended");
    assert_eq!(ended.view()["upcoming"], json!([]));
    assert_eq!(store.periods(&template.id).len(), 2);
}

#[test]
fn the_list_pages_newest_first() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let now = at("2026-12-06T10:00:00Z");
    let ids: Vec<String> = (0..3)
        .map(|_| {
            made(&store, OWNER, monthly("2027-01-31"), now)
                .expect("created")
                .id
        })
        .collect();
    let first = list(&store, OWNER, &ListQuery::parse("limit=2").expect("query")).expect("page");
    assert_eq!(
        first.items.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        [ids[2].clone(), ids[1].clone()]
    );
    let cursor = first.next_cursor.expect("a next page");
    let second = list(
        &store,
        OWNER,
        &ListQuery::parse(&format!("limit=2&cursor={cursor}")).expect("query"),
    )
    .expect("page");
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].id, ids[0]);
    assert!(list(&store, OTHER, &ListQuery::parse("").expect("query"))
        .expect("page")
        .items
        .is_empty());
}

#[test]
fn a_schedule_previews_the_dates_saving_it_now_would_bring_without_a_client_or_lines() {
    let now = at("2026-12-06T10:00:00Z");
    let dates = |body: serde_json::Value| -> Vec<String> {
        preview(input(body), now)
            .expect("a preview")
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(
        dates(json!({"frequency": "monthly", "start_date": "2027-01-31"})),
        [
            "2027-01-31",
            "2027-02-28",
            "2027-03-31",
            "2027-04-30",
            "2027-05-31"
        ]
    );
    // Begun in the past: from today on, as the saved template would be.
    assert_eq!(
        dates(json!({"frequency": "weekly", "start_date": "2026-11-30", "count": 3})),
        ["2026-12-07", "2026-12-14"]
    );
    // The same as the saved template says, whatever the rest of the body.
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let saved = created(&store, "2027-01-31").view()["upcoming"].clone();
    assert_eq!(
        json!(dates(
            json!({"frequency": "monthly", "start_date": "2027-01-31", "client_id": OTHER})
        )),
        saved,
        "whoever's client: it is not looked up"
    );
    // What is given is checked as a template's would be.
    let Err(RecurringError::Invalid(errors)) = preview(
        input(json!({"frequency": "monthly", "start_date": "2027-01-31",
                     "client_id": "not-a-client", "catch_up": "a\u{7}b"})),
        now,
    ) else {
        panic!("refused");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["client_id", "catch_up"]);
    let Err(RecurringError::Invalid(errors)) = preview(
        input(json!({"start_date": "2027-02-30", "end_date": "2026-01-01"})),
        now,
    ) else {
        panic!("refused");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["frequency", "start_date"]);
}

#[test]
fn a_retried_create_under_its_key_answers_the_first_template() {
    let store = Memory::with_client(OWNER, CLIENT, Some("EUR"));
    let now = at("2026-12-06T10:00:00Z");
    let key = |body: &[u8]| {
        IdempotencyKey::parse(Some("retry-1"), "Post /recurring-invoices", body)
            .expect("a key")
            .expect("given")
    };
    let first = key(b"{}");
    let (made_now, fresh) =
        create(&store, OWNER, monthly("2027-01-31"), now, Some(&first)).expect("created");
    let (again, replayed_fresh) =
        create(&store, OWNER, monthly("2027-01-31"), now, Some(&first)).expect("replayed");
    assert_eq!((fresh, replayed_fresh), (true, false));
    assert_eq!(again.id, made_now.id);
    assert_eq!(store.rows.borrow().len(), 1, "one template");
    let other = key(b"{\"notes\":\"x\"}");
    let refused = create(&store, OWNER, monthly("2027-02-28"), now, Some(&other))
        .expect_err("another request");
    assert!(
        matches!(refused, RecurringError::Invalid(ref e) if e[0].field == "Idempotency-Key"),
        "{refused:?}"
    );
}
