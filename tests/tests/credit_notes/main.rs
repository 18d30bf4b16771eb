//! Credit notes end to end, under `spin up`, against real Postgres and Redis: a sent
//! invoice credited in part and in full, never past its total (even by requests at
//! once), with its own gapless series, money paid back against a note (`refunds`), and
//! everything a stranger or a bad body must not do to it.

mod refunds;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use fin_e2e::contract::spec;
use fin_e2e::{concurrently, id, App, AppOptions, Reply, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "credit_notes",
        redis_dbs: [1, 2, 3],
        variables: vec![("max_body_bytes", "8192".into())],
        ..AppOptions::default()
    })
}

/// A sent invoice: 3 × 100.00 design at 19 % and 1 × 50.00 hosting at 7 %, which comes
/// to 300.00 + 57.00 + 50.00 + 3.50 = 410.50.
fn sent(user: &User) -> Value {
    let client = user.client("EUR");
    let draft = user.created(
        "/invoices",
        &json!({"client_id": client, "lines": [
            {"description": "Design", "quantity": 3, "unit_price": 10000, "tax_rate": "19"},
            {"description": "Hosting", "quantity": 1, "unit_price": 5000, "tax_rate": "7"}
        ]}),
    );
    let invoice = user.act(&id(&draft), "send");
    assert_eq!(invoice["total"], 41050);
    invoice
}

fn credit(user: &User, invoice: &Value, body: &Value) -> Reply {
    user.post(&format!("/invoices/{}/credit-notes", id(invoice)), body)
}

fn event_types(invoice: &Value) -> Vec<String> {
    app()
        .db()
        .query(
            "SELECT type FROM outbox WHERE aggregate_id = $1::text::uuid ORDER BY seq",
            &[&id(invoice)],
        )
        .expect("outbox")
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[test]
fn an_invoice_is_credited_in_part_then_whole_and_reads_as_credited() {
    let user = User::sign_up(app(), "credit-walk");
    let invoice = sent(&user);
    let year = &invoice["issue_date"].as_str().expect("date")[..4];

    // One of the three design days was cancelled.
    let reply = credit(
        &user,
        &invoice,
        &json!({"lines": [{"line": 1, "quantity": "1"}], "reason": "One day cancelled"}),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let after = reply.json();
    let note = &after["credit_notes"][0];
    assert_eq!(note["number"], format!("CRN-{year}-0001"));
    assert_eq!(note["reason"], "One day cancelled");
    assert_eq!(note["lines"][0]["description"], "Design");
    assert_eq!(note["lines"][0]["quantity"], "1");
    assert_eq!(
        (note["subtotal"].clone(), note["tax"].clone()),
        (json!(10000), json!(1900))
    );
    assert_eq!(note["total"], 11900);
    assert_eq!(after["amount_credited"], 11900);
    assert_eq!(after["balance_due"], 41050 - 11900);
    assert_eq!(after["status"], "sent");
    assert_eq!(after["total"], 41050, "the invoice itself is never edited");
    assert_eq!(after["lines"], invoice["lines"]);

    // A payment and the credits add up: what is left is owed, no more.
    let paid = user.post(
        &format!("/invoices/{}/payments", id(&invoice)),
        &json!({"amount": 20000}),
    );
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(paid.json()["balance_due"], 41050 - 11900 - 20000);
    let over = user.post(
        &format!("/invoices/{}/payments", id(&invoice)),
        &json!({"amount": 41050 - 11900 - 20000 + 1}),
    );
    assert_eq!(over.problem(422)["errors"][0]["field"], "amount");

    // More than is left to credit is refused, by name, and changes nothing.
    let left = 41050 - 11900; // 291.50
    let refused = credit(&user, &invoice, &json!({})).problem(422);
    assert_eq!(refused["errors"][0]["field"], "lines");
    let refused = credit(&user, &invoice, &json!({"amount": left, "tax_rate": "19"})).problem(422);
    assert_eq!(refused["errors"][0]["field"], "amount", "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("only 291.50 EUR of the invoice is left"),
        "the message says what is left: {refused}"
    );

    // The rest, as two amounts at the invoice's two rates: 200.00 at 19 %, 50.00 at 7 %.
    // With the first, what is paid and credited covers the total: the invoice is
    // settled, and what was paid beyond what it now charges is owed back.
    let reply = credit(&user, &invoice, &json!({"amount": 20000, "tax_rate": "19"}));
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.json()["status"], "paid");
    assert_eq!(reply.json()["balance_due"], 0);
    let reply = credit(&user, &invoice, &json!({"amount": 5000, "tax_rate": 7}));
    assert_eq!(reply.status, 201, "{}", reply.body);
    let settled = reply.json();
    assert_eq!(settled["amount_credited"], 41050);
    assert_eq!(
        settled["balance_due"], 0,
        "the 200.00 paid is now owed back"
    );
    assert_eq!(settled["status"], "credited");
    let numbers: Vec<&str> = settled["credit_notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n["number"].as_str().expect("number"))
        .collect();
    assert_eq!(
        numbers,
        [
            format!("CRN-{year}-0001"),
            format!("CRN-{year}-0002"),
            format!("CRN-{year}-0003")
        ]
    );
    assert_eq!(
        user.get(&format!("/invoices/{}", id(&invoice))).json(),
        settled
    );
    // The invoice's PDF keeps its own figures and says how it settled: credited.
    let pdf = user.get(&format!("/invoices/{}/pdf", id(&invoice)));
    assert_eq!(pdf.status, 200, "{}", pdf.body);
    let text = fin_e2e::pdf::text(&pdf.bytes, "credited-invoice.pdf");
    assert!(text.contains("CREDITED"), "{text}");
    assert!(text.contains("Credited by credit notes"), "{text}");
    assert!(text.contains("410.50"), "the invoice's own total: {text}");
    credit(&user, &invoice, &json!({"amount": 1, "tax_rate": "7"})).problem(422);
    assert_eq!(
        event_types(&invoice),
        [
            "invoice.created",
            "invoice.sent",
            "credit_note.issued",
            "payment.recorded",
            "credit_note.issued",
            "credit_note.issued"
        ],
        "one event per credit note, and no invoice.paid: no money came"
    );

    // A second invoice continues the series: one series per owner and year.
    let other = sent(&user);
    let reply = credit(&user, &other, &json!({}));
    assert_eq!(reply.status, 201, "{}", reply.body);
    let whole = reply.json();
    assert_eq!(
        whole["credit_notes"][0]["number"],
        format!("CRN-{year}-0004")
    );
    assert_eq!(whole["credit_notes"][0]["total"], 41050);
    assert_eq!(whole["status"], "credited");
    // Listed under `paid` (settled), shown as credited.
    let page = user.get("/invoices?status=paid").json();
    assert!(page["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|i| i["id"] == whole["id"] && i["status"] == "credited"));
}

#[test]
fn credits_at_once_never_pass_the_total_and_a_key_credits_once() {
    let user = User::sign_up(app(), "credit-race");
    let invoice = sent(&user);
    // Eight requests each crediting 60 % of the invoice: one fits, seven are refused.
    let body = json!({"lines": [{"line": 1, "quantity": "3"}]});
    let replies = concurrently(8, |_| credit(&user, &invoice, &body));
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [201, 409, 422].contains(s)),
        "{statuses:?}"
    );
    let now = user.get(&format!("/invoices/{}", id(&invoice))).json();
    assert_eq!(now["amount_credited"], 35700);
    assert_eq!(now["credit_notes"].as_array().map(Vec::len), Some(1));

    // A retried request with its key is answered again, not credited again.
    let keyed = |body: &Value| {
        user.call("POST", &format!("/invoices/{}/credit-notes", id(&invoice)))
            .header("idempotency-key", "credit-1")
            .json(body)
            .send()
    };
    let first = keyed(&json!({"amount": 100, "tax_rate": "7"}));
    assert_eq!(first.status, 201, "{}", first.body);
    let again = keyed(&json!({"amount": 100, "tax_rate": "7"}));
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        again.json()["credit_notes"].as_array().map(Vec::len),
        Some(2)
    );
    keyed(&json!({"amount": 200, "tax_rate": "7"})).problem(422);
    // A stale If-Match is refused before anything is credited.
    user.call("POST", &format!("/invoices/{}/credit-notes", id(&invoice)))
        .header("if-match", "\"1\"")
        .json(&json!({"amount": 100, "tax_rate": "7"}))
        .send()
        .problem(412);
    let numbers: BTreeSet<String> = user.get(&format!("/invoices/{}", id(&invoice))).json()
        ["credit_notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n["number"].as_str().expect("number").to_owned())
        .collect();
    assert_eq!(
        numbers.len(),
        2,
        "no number was spent on a refusal: {numbers:?}"
    );
}

#[test]
fn bad_bodies_strangers_and_tokens_are_refused_and_nothing_is_credited() {
    let user = User::sign_up(app(), "credit-bad");
    let invoice = sent(&user);
    let at = format!("/invoices/{}/credit-notes", id(&invoice));
    let cases = [
        (json!({"lines": []}), "lines"),
        (json!({"lines": [{"line": 3}]}), "lines[0].line"),
        (
            json!({"lines": [{"line": 1}, {"line": 1}]}),
            "lines[1].line",
        ),
        (
            json!({"lines": [{"line": 1, "quantity": "3.5"}]}),
            "lines[0].quantity",
        ),
        (json!({"lines": [{"line": "one"}]}), "lines[0].line"),
        (json!({"lines": [{"quantity": 1}]}), "lines[0]"),
        (json!({"lines": [{"line": 1}], "amount": 5}), "amount"),
        (json!({"amount": "100"}), "amount"),
        (json!({"amount": 1.5, "tax_rate": "7"}), "amount"),
        (json!({"amount": 0, "tax_rate": "7"}), "amount"),
        (json!({"amount": 100}), "tax_rate"),
        (json!({"amount": 100, "tax_rate": "16"}), "tax_rate"),
        (json!({"tax_rate": "7"}), "tax_rate"),
        (json!({"issue_date": "2000-01-01"}), "issue_date"),
        (json!({"reason": "r".repeat(501)}), "reason"),
        (json!({"total": 5}), "total"),
    ];
    for (body, field) in cases {
        let problem = user.post(&at, &body).problem(422);
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "expected an error on `{field}` for {body}: {problem}"
        );
    }
    user.call("POST", &at)
        .raw("application/json", b"{\"amount\":".to_vec())
        .send()
        .problem(400);
    user.call("POST", &at)
        .raw("text/plain", b"{}".to_vec())
        .send()
        .problem(415);
    user.post(&at, &json!({"reason": "r".repeat(9000)}))
        .problem(413);

    // Another freelancer's invoice, and no invoice at all, are one and the same 404.
    let stranger = User::sign_up(app(), "credit-stranger");
    let theirs = stranger.post(&at, &json!({})).problem(404);
    let none = stranger
        .post(
            "/invoices/5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11/credit-notes",
            &json!({}),
        )
        .problem(404);
    assert_eq!(theirs["detail"], none["detail"], "no oracle");
    stranger
        .post("/invoices/not-an-id/credit-notes", &json!({}))
        .problem(404);

    // Tokens: none, forged, expired.
    let http = app().client();
    http.request("POST", &at)
        .json(&json!({}))
        .send()
        .problem(401);
    http.request("POST", &at)
        .bearer("x.y.z")
        .json(&json!({}))
        .send()
        .problem(401);
    http.request("POST", &at)
        .bearer(&format!("{}x", user.token))
        .json(&json!({}))
        .send()
        .problem(401);
    http.request("POST", &at)
        .bearer(&user.expired_token())
        .json(&json!({}))
        .send()
        .problem(401);

    // A draft is changed, not credited; a void invoice cannot be.
    let draft = user.draft(&user.client("EUR"), 1000);
    let conflict = user
        .post(
            &format!("/invoices/{}/credit-notes", id(&draft)),
            &json!({}),
        )
        .problem(409);
    assert_eq!(conflict["current_status"], "draft");
    let void = user.sent_invoice("EUR", 1000);
    user.act(&id(&void), "void");
    user.post(&format!("/invoices/{}/credit-notes", id(&void)), &json!({}))
        .problem(409);

    let now = user.get(&format!("/invoices/{}", id(&invoice))).json();
    assert_eq!(now["amount_credited"], 0, "nothing was credited");
    assert_eq!(now["credit_notes"], json!([]));
    assert_eq!(now["version"], invoice["version"]);
}

#[test]
fn a_credit_note_is_a_pdf_and_an_e_invoice_the_official_rules_accept() {
    let user = User::sign_up(app(), "credit-documents");
    let profile = spec()
        .request_example("/business-profile", "PUT")
        .expect("the spec's profile example");
    let put = user.call("PUT", "/business-profile").json(&profile).send();
    assert_eq!(put.status, 201, "{}", put.body);
    let client = spec()
        .request_example("/clients", "POST")
        .expect("the spec's client example");
    let client = id(&user.created("/clients", &client));
    let draft = user.created(
        "/invoices",
        &json!({"client_id": client, "discount": {"percent": "10"}, "lines": [
            {"description": "Design", "quantity": 3, "unit_price": 10000, "tax_rate": "19"},
            {"description": "Hosting", "quantity": 1, "unit_price": 5000, "tax_rate": "19"}
        ]}),
    );
    let invoice = user.act(&id(&draft), "send");
    let reply = credit(
        &user,
        &invoice,
        &json!({"lines": [{"line": 1, "quantity": "1.5"}], "reason": "Half the design work was cut"}),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let note = reply.json()["credit_notes"][0].clone();
    let number = note["number"].as_str().expect("number").to_owned();
    let at = format!("/invoices/{}/credit-notes/{}", id(&invoice), id(&note));

    let pdf = user.get(&format!("{at}/pdf"));
    assert_eq!(pdf.status, 200, "{}", pdf.body);
    assert_eq!(
        pdf.header("content-disposition"),
        Some(format!("inline; filename=\"{number}.pdf\"").as_str())
    );
    let text = fin_e2e::pdf::text(&pdf.bytes, "credit-note.pdf");
    for shown in [
        "CREDIT NOTE",
        number.as_str(),
        invoice["number"].as_str().expect("number"),
        "Half the design work was cut",
        "Discount 10 %",
        // 1.5 × 100.00 = 150.00, less 10 % = 135.00, plus 19 % = 160.65.
        "160.65",
    ] {
        assert!(text.contains(shown), "`{shown}` in {text}");
    }
    let etag = pdf.header("etag").expect("etag").to_owned();
    let again = user
        .call("GET", &format!("{at}/pdf"))
        .header("if-none-match", &etag)
        .send();
    assert_eq!(again.status, 304, "a note never changes");

    let xml = user.get(&format!("{at}/xml"));
    assert_eq!(xml.status, 200, "{}", xml.body);
    let body = String::from_utf8_lossy(&xml.bytes).into_owned();
    assert!(body.contains("<CreditNote"), "{body}");
    assert!(body.contains("381</cbc:CreditNoteTypeCode>"), "{body}");
    assert!(
        body.contains(invoice["number"].as_str().expect("number")),
        "BG-3"
    );
    fin_e2e::ubl::conforms(&format!("credit-{number}"), &xml.bytes)
        .expect("the XSD and the official rules accept the credit note");

    // No such note, another user's, and no token: nothing of it shows.
    let missing = format!(
        "/invoices/{}/credit-notes/5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11/pdf",
        id(&invoice)
    );
    user.get(&missing).problem(404);
    user.get(&format!(
        "/invoices/{}/credit-notes/not-an-id/xml",
        id(&invoice)
    ))
    .problem(404);
    let stranger = User::sign_up(app(), "credit-documents-stranger");
    stranger.get(&format!("{at}/pdf")).problem(404);
    stranger.get(&format!("{at}/xml")).problem(404);
    app().client().get(&format!("{at}/pdf")).send().problem(401);
    user.get(&format!("{at}/pdf?paper=a3")).problem(422);
}
