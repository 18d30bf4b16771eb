//! Invoice lists: filters, pages that list every invoice once, the summary a list shows
//! and the whole invoice on request, issue-date ranges in issue-date order.

use serde_json::json;

use super::{client, invoice, numbers, one_line, path, user};
use fin_e2e::User;

#[test]
fn a_sent_invoice_past_its_due_date_is_overdue() {
    let user = user("overdue");
    let acme = client(&user, "EUR");
    let late = user.created(
        "/invoices",
        &json!({"client_id": acme, "issue_date": "2025-01-01", "due_date": "2025-01-31",
                "lines": [{"description": "x", "quantity": 1, "unit_price": 100}]}),
    );
    assert_eq!(late["status"], "draft", "drafts are never overdue");
    assert_eq!(
        late["number"], "INV-2025-0001",
        "numbered in the issue year"
    );
    let sent = user.post(&format!("{}/send", path(&late)), &json!({}));
    assert_eq!(sent.json()["status"], "overdue");
    let current = invoice(&user, &acme);
    user.post(&format!("{}/send", path(&current)), &json!({}));
    assert_eq!(numbers(&user, "status=overdue").0, ["INV-2025-0001"]);
    assert_eq!(
        numbers(&user, "status=sent").0,
        [current["number"].as_str().expect("number")]
    );
    // Payments still go to an overdue invoice.
    let paid = user.post(
        &format!("{}/payments", path(&late)),
        &json!({"amount": 100}),
    );
    assert_eq!(paid.json()["status"], "paid");
}

#[test]
fn lists_filter_and_page_through_every_invoice_once() {
    let user = user("list");
    let acme = client(&user, "EUR");
    let globex = client(&user, "EUR");
    for (client_id, date) in [
        (&acme, "2026-01-10"),
        (&globex, "2026-01-20"),
        (&acme, "2026-02-05"),
        (&acme, "2026-02-25"),
        (&globex, "2026-03-01"),
    ] {
        let mut body = one_line(client_id);
        body["issue_date"] = json!(date);
        user.created("/invoices", &body);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("limit=2&cursor={c}"),
            None => "limit=2".to_owned(),
        };
        let (page, next) = numbers(&user, &query);
        assert!(page.len() <= 2);
        seen.extend(page);
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let all: Vec<String> = (1..=5).rev().map(|n| format!("INV-2026-{n:04}")).collect();
    assert_eq!(seen, all, "newest first, each once");

    assert_eq!(
        numbers(&user, &format!("client_id={globex}")).0,
        ["INV-2026-0005", "INV-2026-0002"]
    );
    assert_eq!(
        numbers(&user, "issued_from=2026-01-20&issued_to=2026-02-25").0,
        ["INV-2026-0004", "INV-2026-0003", "INV-2026-0002"]
    );
    assert_eq!(numbers(&user, "status=draft").0.len(), 5);
    assert_eq!(numbers(&user, "status=paid").0, Vec::<String>::new());
    let (page, next) = numbers(&user, "limit=5");
    assert_eq!((page.len(), next), (5, None), "an exact last page");

    for bad in [
        "limit=0",
        "limit=101",
        "status=late",
        "client_id=x",
        "issued_from=2026-13-01",
        "issued_from=2026-02-01&issued_to=2026-01-01",
        "cursor=%%%",
        "page=2",
    ] {
        user.get(&format!("/invoices?{bad}")).problem(422);
    }
}

/// Every invoice `query` lists, two per page, following the cursors to the end.
fn every_page(user: &User, query: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = match &cursor {
            Some(c) => format!("{query}&limit=2&cursor={c}"),
            None => format!("{query}&limit=2"),
        };
        let (numbers, next) = numbers(user, &page);
        assert!(numbers.len() <= 2, "{page}: {numbers:?}");
        seen.extend(numbers);
        match next {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
    }
}

#[test]
fn a_list_shows_summaries_and_each_whole_invoice_on_request() {
    let user = user("list-summary");
    let acme = client(&user, "EUR");
    let sent = invoice(&user, &acme);
    user.post(&format!("{}/send", path(&sent)), &json!({}));
    let paid = user.post(
        &format!("{}/payments", path(&sent)),
        &json!({"amount": 5000}),
    );
    assert_eq!(paid.status, 201, "{}", paid.body);
    let whole = user.get(&path(&sent)).json();
    assert_eq!(whole["balance_due"], 18_800, "{whole}");

    let listed = user.get("/invoices").json();
    let item = &listed["items"][0];
    for field in [
        "id",
        "number",
        "client_id",
        "status",
        "issue_date",
        "due_date",
        "currency",
        "subtotal",
        "tax",
        "total",
        "amount_paid",
        "balance_due",
        "version",
        "sent_at",
        "created_at",
    ] {
        assert_eq!(item[field], whole[field], "{field}: {item}");
    }
    for detail in [
        "lines",
        "taxes",
        "payments",
        "credit_notes",
        "notes",
        "discount",
        "seller",
    ] {
        assert!(item.get(detail).is_none(), "{detail} in a summary: {item}");
    }
    assert_eq!(
        item["buyer"],
        json!({"name": whole["buyer"]["name"]}),
        "the client by the name it was sent with"
    );
    assert!(whole["buyer"]["name"].is_string(), "{whole}");

    let full = user.get("/invoices?view=full").json();
    assert_eq!(
        full["items"][0], whole,
        "view=full lists each invoice as its own page shows it"
    );
    let summary = user.get("/invoices?view=summary").json();
    assert_eq!(summary["items"], listed["items"]);
    user.get("/invoices?view=lines").problem(422);
}

#[test]
fn an_issue_date_range_is_newest_issue_date_first_each_invoice_once() {
    let user = user("list-dates");
    let acme = client(&user, "EUR");
    // Numbered as they were written, dated out of that order (backdated invoices).
    for date in [
        "2026-02-25",
        "2026-01-10",
        "2026-02-05",
        "2026-01-20",
        "2025-12-30",
    ] {
        let mut body = one_line(&acme);
        body["issue_date"] = json!(date);
        user.created("/invoices", &body);
    }
    assert_eq!(
        every_page(&user, "issued_from=2025-12-01&issued_to=2026-02-28"),
        [
            "INV-2026-0001",
            "INV-2026-0003",
            "INV-2026-0004",
            "INV-2026-0002",
            "INV-2025-0001"
        ],
        "by issue date, newest first"
    );
    assert_eq!(
        every_page(&user, "issued_to=2026-01-31"),
        ["INV-2026-0004", "INV-2026-0002", "INV-2025-0001"]
    );
    assert_eq!(
        every_page(&user, &format!("client_id={acme}")),
        [
            "INV-2026-0004",
            "INV-2026-0003",
            "INV-2026-0002",
            "INV-2026-0001",
            "INV-2025-0001"
        ],
        "without a range, newest number first"
    );
}

#[test]
fn overdue_and_sent_page_through_their_own_invoices_once() {
    let user = user("list-open");
    let acme = client(&user, "EUR");
    let (mut overdue, mut open) = (Vec::new(), Vec::new());
    for day in 1..=7 {
        let late = day % 2 == 1;
        let mut body = one_line(&acme);
        if late {
            body["issue_date"] = json!(format!("2025-03-0{day}"));
            body["due_date"] = json!(format!("2025-04-0{day}"));
        }
        let made = user.created("/invoices", &body);
        let sent = user.post(&format!("{}/send", path(&made)), &json!({}));
        assert_eq!(sent.status, 200, "{}", sent.body);
        let number = made["number"].as_str().expect("number").to_owned();
        match late {
            true => overdue.push(number),
            false => open.push(number),
        }
    }
    // Past due but not owed: a draft, and a paid invoice.
    let mut draft = one_line(&acme);
    draft["issue_date"] = json!("2025-03-20");
    draft["due_date"] = json!("2025-04-20");
    user.created("/invoices", &draft);
    let paid = user.created("/invoices", &draft);
    user.post(&format!("{}/send", path(&paid)), &json!({}));
    let settled = user.post(
        &format!("{}/payments", path(&paid)),
        &json!({"amount": 23_800}),
    );
    assert_eq!(settled.json()["status"], "paid", "{}", settled.body);

    overdue.sort_by(|a, b| b.cmp(a));
    open.sort_by(|a, b| b.cmp(a));
    assert_eq!(every_page(&user, "status=overdue"), overdue);
    assert_eq!(every_page(&user, "status=sent"), open);
    assert_eq!(
        every_page(&user, &format!("status=overdue&client_id={acme}")),
        overdue
    );
    assert_eq!(
        every_page(&user, "status=overdue&issued_from=2025-03-03"),
        overdue[..3],
        "issued on the 3rd, 5th and 7th"
    );
}
