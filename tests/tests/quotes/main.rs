//! Quotes end to end, under `spin up`, against real Postgres: written, sent and shared by
//! the freelancer; read and answered by the client on the quote's own link — exactly
//! once, whatever the number of tabs; converted to one draft invoice however often it is
//! asked; and everything a stranger, a bad body or a dead link must not do.

mod keys;
mod mail;

use std::sync::OnceLock;

use fin_e2e::shared::{emails, mail, redis};
use fin_e2e::{concurrently, id, App, AppOptions, Reply, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions {
        name: "quotes",
        redis_dbs: [1, 2, 3],
        variables: vec![("max_body_bytes", "8192".into())],
        // An answer is e-mailed to the freelancer: the mailer runs on the events channel.
        events_redis: Some(redis()),
        kv_redis: Some(redis()),
        mail: Some(mail()),
        ..AppOptions::default()
    })
}

fn at(quote: &Value) -> String {
    format!("/quotes/{}", id(quote))
}

/// A freelancer with a business profile (the page names the seller) and a client in EUR.
fn freelancer(tag: &str) -> (User, String) {
    let user = User::sign_up(app(), tag);
    user.put_profile("Ada Lovelace Studio");
    let client = user.client("EUR");
    (user, client)
}

fn workshop(client: &str, extra: Value) -> Value {
    let mut body = json!({
        "client_id": client,
        "lines": [
            {"description": "Brand workshop", "quantity": "2", "unit_price": 90000, "tax_rate": "19"},
            {"description": "Travel", "quantity": "1", "unit_price": 12000}
        ],
        "notes": "Two days on site.",
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

/// A sent quote and the path of a link to it (`/share/quotes/<token>`).
fn sent_and_shared(user: &User, client: &str) -> (Value, String) {
    let quote = user.created("/quotes", &workshop(client, json!({})));
    let sent = user.call("POST", &format!("{}/send", at(&quote))).send();
    assert_eq!(sent.status, 200, "{}", sent.body);
    let link = user.call("POST", &format!("{}/share", at(&quote))).send();
    assert_eq!(link.status, 201, "{}", link.body);
    let url = link.json()["url"].as_str().expect("url").to_owned();
    let path = url[url.find("/share/quotes/").expect("a quote link")..].to_owned();
    (sent.json(), path)
}

/// The client's form post, as the page's form sends it.
fn form(path: &str, fields: &str) -> Reply {
    app()
        .client()
        .request("POST", path)
        .raw(
            "application/x-www-form-urlencoded",
            fields.as_bytes().to_vec(),
        )
        .send()
}

fn answer_json(path: &str, body: &Value) -> Reply {
    app().client().post_json(path, body)
}

#[test]
fn a_quote_is_sent_shared_accepted_once_and_converted_once() {
    let (user, client) = freelancer("quote-happy");
    let quote = user.created("/quotes", &workshop(&client, json!({})));
    assert!(
        quote["number"]
            .as_str()
            .is_some_and(|n| n.starts_with("QUO-") && n.ends_with("-0001")),
        "{quote}"
    );
    assert_eq!(
        (
            &quote["status"],
            &quote["currency"],
            &quote["total"],
            &quote["tax"]
        ),
        (
            &json!("draft"),
            &json!("EUR"),
            &json!(226_200),
            &json!(34_200)
        )
    );
    // Drafts are the freelancer's alone.
    user.call("POST", &format!("{}/share", at(&quote)))
        .send()
        .problem(409);
    let edited = user
        .call("PATCH", &at(&quote))
        .header("if-match", "\"1\"")
        .json(&json!({"valid_until": quote["issue_date"]}))
        .send();
    assert_eq!(edited.status, 200, "{}", edited.body);
    user.call("PATCH", &at(&quote))
        .header("if-match", "\"1\"")
        .json(&json!({"notes": "Stale"}))
        .send()
        .problem(412);
    let sent = user.call("POST", &format!("{}/send", at(&quote))).send();
    assert_eq!(sent.json()["status"], "sent", "{}", sent.body);
    user.patch(&at(&quote), &json!({"notes": "After the fact"}))
        .problem(409);
    user.delete(&at(&quote)).problem(409);

    let link = user
        .call("POST", &format!("{}/share", at(&quote)))
        .send()
        .json();
    let url = link["url"].as_str().expect("url");
    let path = &url[url.find("/share/quotes/").expect("a quote link")..];
    let page = app().client().get(path).send();
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));
    assert!(page
        .header("content-security-policy")
        .is_some_and(|p| p.contains("form-action 'self'")));
    for shown in [
        quote["number"].as_str().expect("number"),
        "Ada Lovelace Studio",
        "Brand workshop",
        "2,262.00",
        "Accept the quote",
        "Decline the quote",
    ] {
        assert!(page.body.contains(shown), "the page shows {shown}");
    }

    // Two tabs accept at once: one acceptance is recorded, the other is told so.
    let names = ["Grace Hopper", "Someone Else"];
    let answers = concurrently(2, |tab| {
        answer_json(&format!("{path}/accept"), &json!({"name": names[tab]}))
    });
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{answers:?}");
    let accepted = answers.iter().find(|r| r.status == 200).expect("one");
    let winner = accepted.json()["answer"]["name"].clone();
    let loser = answers.iter().find(|r| r.status == 409).expect("one");
    assert!(loser.problem(409)["detail"]
        .as_str()
        .is_some_and(|d| d.contains("already accepted")));
    let read = user.get(&at(&quote)).json();
    assert_eq!(read["status"], "accepted");
    assert_eq!(read["answer"]["name"], winner, "the first answer stands");
    assert_eq!(read["answer"]["address"], "127.0.0.1");
    answer_json(&format!("{path}/decline"), &json!({})).problem(409);
    // The freelancer is told, once, at the account's address.
    let address = user.get("/auth/profile").json()["email"]
        .as_str()
        .expect("email")
        .to_owned();
    let number = quote["number"].as_str().expect("number");
    let told = emails(&address, &format!("Quote {number} accepted by"), 1);
    assert_eq!(told.len(), 1, "one e-mail for the answer");
    let text = told[0].email.text.clone().unwrap_or_default();
    assert!(
        text.contains(&format!("accepted your quote {number} for 2,262.00 EUR")),
        "{text}"
    );
    assert!(
        text.contains(&format!("/app/quotes/{}", id(&quote))),
        "{text}"
    );
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(
        emails(&address, &format!("Quote {number}"), 1).len(),
        1,
        "the refused answers e-mailed nothing"
    );
    let page = app().client().get(path).send();
    assert!(page.body.contains("Accepted by"), "{}", page.body);
    assert!(!page.body.contains("Accept the quote"), "no form any more");

    // Two conversions at once, then a third: one invoice.
    let conversions = concurrently(2, |_| {
        user.call("POST", &format!("{}/convert", at(&quote))).send()
    });
    for c in &conversions {
        assert!([200, 201].contains(&c.status), "{}", c.body);
    }
    let again = user.call("POST", &format!("{}/convert", at(&quote))).send();
    assert_eq!(again.status, 200, "{}", again.body);
    let invoice_id = again.json()["invoice_id"]
        .as_str()
        .expect("an invoice")
        .to_owned();
    assert_eq!(
        again.header("location"),
        Some(format!("/invoices/{invoice_id}").as_str())
    );
    for c in &conversions {
        assert_eq!(c.json()["invoice_id"], json!(invoice_id));
    }
    let invoices = user.get("/invoices").json();
    assert_eq!(invoices["items"].as_array().map(Vec::len), Some(1));
    let invoice = user.get(&format!("/invoices/{invoice_id}")).json();
    assert_eq!(invoice["status"], "draft");
    assert_eq!(invoice["total"], 226_200);
    assert_eq!(invoice["lines"][0]["description"], "Brand workshop");
    assert!(invoice["notes"]
        .as_str()
        .is_some_and(|n| n.contains(quote["number"].as_str().expect("number"))));
    // The invoice finds its quote; another freelancer finds nothing by it.
    let by_invoice = format!("/quotes?invoice_id={invoice_id}");
    let found = user.get(&by_invoice).json();
    assert_eq!(found["items"][0]["id"], quote["id"], "{found}");
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1));
    let (stranger, _) = freelancer("quote-happy-stranger");
    assert_eq!(stranger.get(&by_invoice).json()["items"], json!([]));
    user.get("/quotes?invoice_id=INV-2026-0001").problem(422);
}

#[test]
fn a_declined_expired_or_revoked_quote_takes_no_answer() {
    let (user, client) = freelancer("quote-closed");
    // Declined from the page's form: the page answers, and a later acceptance is refused.
    let (declined, path) = sent_and_shared(&user, &client);
    let page = form(
        &format!("{path}/decline"),
        "reason=Over+our+budget&submit=1",
    );
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("the quote is declined"));
    let again = form(&format!("{path}/accept"), "name=Grace");
    assert_eq!(again.status, 409);
    assert!(again.body.contains("already declined"), "{}", again.body);
    let read = user.get(&at(&declined)).json();
    assert_eq!(
        (&read["status"], &read["answer"]["note"]),
        (&json!("declined"), &json!("Over our budget"))
    );
    user.call("POST", &format!("{}/convert", at(&declined)))
        .send()
        .problem(409);

    // A form without a name is shown again with the field's error.
    let (expiring, path) = sent_and_shared(&user, &client);
    let page = form(&format!("{path}/accept"), "name=+&note=x");
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("Your name: is required"),
        "{}",
        page.body
    );

    // Expired: past its valid-until date (time moved in the database), no answer.
    let mut db = app().db();
    db.execute(
        "UPDATE quotes SET issue_date = '2026-01-02', valid_until = '2026-01-31' WHERE id = $1::text::uuid",
        &[&id(&expiring)],
    )
    .expect("moved back in time");
    let refused = answer_json(&format!("{path}/accept"), &json!({"name": "Grace"})).problem(409);
    assert!(refused["detail"]
        .as_str()
        .is_some_and(|d| d.contains("expired on 2026-01-31")));
    let page = app().client().get(&path).send();
    assert!(page.body.contains("This quote expired on 2026-01-31"));
    assert!(!page.body.contains("<form"));
    let expired = user.get("/quotes?status=expired").json();
    let ids: Vec<&str> = expired["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|q| q["id"].as_str())
        .collect();
    assert_eq!(ids, [id(&expiring).as_str()]);

    // Revoked: the same 404 as a link that never was, page and answer alike.
    let (revoked, path) = sent_and_shared(&user, &client);
    let link_id = user.get(&at(&revoked)).json()["links"][0]["id"]
        .as_str()
        .expect("a link")
        .to_owned();
    let revoke = user
        .delete(&format!("{}/share-links/{link_id}", at(&revoked)))
        .status;
    assert_eq!(revoke, 204);
    let unknown = format!("/share/quotes/{}", "A".repeat(43));
    let dead = app().client().get(&path).send();
    let never = app().client().get(&unknown).send();
    assert_eq!((dead.status, never.status), (404, 404));
    assert_eq!(dead.body, never.body, "no oracle");
    assert_eq!(
        app().client().get("/share/quotes/short").send().body,
        never.body
    );
    let dead = answer_json(&format!("{path}/accept"), &json!({"name": "Grace"})).problem(404);
    let never = answer_json(&format!("{unknown}/accept"), &json!({"name": "Grace"})).problem(404);
    assert_eq!(dead, never, "no oracle");
    assert_eq!(user.get(&at(&revoked)).json()["status"], "sent");
}

#[test]
fn bad_bodies_strangers_and_tokens_are_refused_and_change_nothing() {
    let (user, client) = freelancer("quote-bad");
    let other = User::sign_up(app(), "quote-bad-other");
    let strangers_client = other.client("EUR");
    let cases = [
        (json!({}), "client_id"),
        (workshop(&client, json!({"lines": []})), "lines"),
        (workshop(&client, json!({"lines": "many"})), ""),
        (workshop(&client, json!({"currency": "EURO"})), "currency"),
        (
            workshop(&client, json!({"valid_until": "31/01/2027"})),
            "valid_until",
        ),
        (
            workshop(
                &client,
                json!({"issue_date": "2027-01-10", "valid_until": "2027-01-09"}),
            ),
            "valid_until",
        ),
        (
            workshop(
                &client,
                json!({"issue_date": "2027-01-10", "valid_until": "2028-01-11"}),
            ),
            "valid_until",
        ),
        (workshop(&client, json!({"notes": "a\u{0}b"})), "notes"),
        (workshop(&client, json!({"status": "accepted"})), "status"),
        (
            workshop(&client, json!({"discount": {"amount": 10_000_000}})),
            "discount",
        ),
        (workshop(&strangers_client, json!({})), "client_id"),
        (workshop("not-a-client", json!({})), "client_id"),
    ];
    for (body, field) in cases {
        let problem = user.post("/quotes", &body).problem(422);
        if field.is_empty() {
            continue;
        }
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "expected an error on `{field}` for {body}: {problem}"
        );
    }
    user.call("POST", "/quotes")
        .raw("application/json", b"{\"client_id\":".to_vec())
        .send()
        .problem(400);
    user.call("POST", "/quotes")
        .raw("text/plain", b"{}".to_vec())
        .send()
        .problem(415);
    let big = workshop(&client, json!({"notes": "n".repeat(9000)}));
    user.post("/quotes", &big).problem(413);
    for query in ["limit=0", "status=open", "cursor=garbage!", "limit=%00"] {
        user.get(&format!("/quotes?{query}")).problem(422);
    }
    assert_eq!(
        user.get("/quotes").json()["items"],
        json!([]),
        "nothing was stored"
    );

    // Another user's quote is not found, whatever is asked of it.
    let (quote, path) = sent_and_shared(&user, &client);
    let missing = other
        .get("/quotes/5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11")
        .problem(404);
    assert_eq!(other.get(&at(&quote)).problem(404), missing, "no oracle");
    other
        .patch(&at(&quote), &json!({"notes": "Hijacked"}))
        .problem(404);
    other.delete(&at(&quote)).problem(404);
    for action in ["send", "convert", "share"] {
        other
            .call("POST", &format!("{}/{action}", at(&quote)))
            .send()
            .problem(404);
    }
    let link_id = user.get(&at(&quote)).json()["links"][0]["id"]
        .as_str()
        .expect("a link")
        .to_owned();
    other
        .delete(&format!("{}/share-links/{link_id}", at(&quote)))
        .problem(404);
    assert_eq!(other.get("/quotes").json()["items"], json!([]));
    let before = user.get(&at(&quote)).json();
    assert_eq!(before["links"][0]["revoked_at"], Value::Null, "still works");

    // The client's answers: the body is read like any other.
    for (verb, body, field) in [
        ("accept", json!({}), "name"),
        ("accept", json!({"name": 7}), ""),
        ("accept", json!({"name": "Grace", "reason": "x"}), "reason"),
        ("accept", json!({"name": "x".repeat(201)}), "name"),
        ("decline", json!({"name": "Grace"}), "name"),
        ("decline", json!({"accepted": false}), "accepted"),
    ] {
        let problem = answer_json(&format!("{path}/{verb}"), &body).problem(422);
        if !field.is_empty() {
            assert!(
                problem["errors"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|e| e["field"] == field)),
                "{verb} {body}: {problem}"
            );
        }
    }
    app()
        .client()
        .request("POST", &format!("{path}/accept"))
        .raw("application/json", b"{\"name\":".to_vec())
        .send()
        .problem(400);
    app()
        .client()
        .post_json(
            &format!("{path}/accept"),
            &json!({"name": "Grace", "note": "n".repeat(9000)}),
        )
        .problem(413);
    assert_eq!(
        user.get(&at(&quote)).json(),
        before,
        "no refused answer was recorded"
    );

    let http = app().client();
    http.get("/quotes").send().problem(401);
    http.get("/quotes")
        .bearer("forged.token.here")
        .send()
        .problem(401);
    http.get(&at(&quote))
        .bearer(&user.expired_token())
        .send()
        .problem(401);
    assert_eq!(http.request("PUT", "/quotes").send().status, 405);
    user.get("/quotes/not-a-uuid").problem(404);
}

#[test]
fn the_list_pages_newest_number_first_and_numbers_have_no_gap() {
    let (user, client) = freelancer("quote-list");
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let quote = user.created("/quotes", &workshop(&client, json!({})));
        numbers.push(quote["number"].as_str().expect("number").to_owned());
        if numbers.len() == 2 {
            // A deleted draft keeps its number.
            assert_eq!(user.delete(&at(&quote)).status, 204);
            user.get(&at(&quote)).problem(404);
        }
    }
    let seqs: Vec<&str> = numbers.iter().map(|n| &n[n.len() - 4..]).collect();
    assert_eq!(seqs, ["0001", "0002", "0003"]);
    let page = user.get("/quotes?limit=1").json();
    assert_eq!(page["items"][0]["number"], json!(numbers[2]));
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let rest = user.get(&format!("/quotes?limit=5&cursor={cursor}")).json();
    let shown: Vec<&Value> = rest["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|q| &q["number"])
        .collect();
    assert_eq!(shown, [&json!(numbers[0])]);
    assert_eq!(rest["next_cursor"], Value::Null);
}

#[test]
fn a_quote_prints_as_an_offer_and_only_for_its_owner() {
    let (user, client) = freelancer("quote-pdf");
    let quote = user.created("/quotes", &workshop(&client, json!({})));
    let number = quote["number"].as_str().expect("number").to_owned();
    let pdf = |who: &User| who.get(&format!("{}/pdf", at(&quote)));
    let draft = pdf(&user);
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.header("content-type"), Some("application/pdf"));
    let text = fin_e2e::pdf::text(&draft.bytes, "quote-draft.pdf");
    for shown in [
        "QUOTE",
        number.as_str(),
        "DRAFT",
        "Valid until",
        quote["valid_until"].as_str().expect("valid_until"),
        "Ada Lovelace Studio",
        "Acme",
        "Brand workshop",
        "2,262.00",
        "Two days on site.",
    ] {
        assert!(text.contains(shown), "{shown:?} not in:\n{text}");
    }
    for absent in ["INVOICE", "Balance due", "Due date"] {
        assert!(!text.contains(absent), "{absent:?} on a quote:\n{text}");
    }
    // The same quote, profile and client: the same file, not sent again.
    let etag = draft.header("etag").expect("etag").to_owned();
    let again = user
        .call("GET", &format!("{}/pdf", at(&quote)))
        .header("if-none-match", &etag)
        .send();
    assert_eq!(again.status, 304);
    assert_eq!(
        user.call("POST", &format!("{}/send", at(&quote)))
            .send()
            .status,
        200
    );
    let sent = fin_e2e::pdf::text(&pdf(&user).bytes, "quote-sent.pdf");
    assert!(!sent.contains("DRAFT"), "{sent}");

    let other = User::sign_up(app(), "quote-pdf-other");
    pdf(&other).problem(404);
    other.get("/quotes/not-a-uuid/pdf").problem(404);
    app()
        .client()
        .get(&format!("{}/pdf", at(&quote)))
        .send()
        .problem(401);
    user.get(&format!("{}/pdf?paper=a3", at(&quote)))
        .problem(422);

    // The client's link offers the same PDF, with no login, until it is revoked.
    let link = user.created(&format!("{}/share", at(&quote)), &json!({}));
    let url = link["url"].as_str().expect("url");
    let path = &url[url.find("/share/quotes/").expect("a quote link")..];
    let page = app().client().get(path).send();
    assert!(
        page.body.contains(&format!("href=\"{path}/pdf\"")),
        "{}",
        page.body
    );
    let theirs = app().client().get(&format!("{path}/pdf")).send();
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    assert_eq!(theirs.header("content-type"), Some("application/pdf"));
    assert_eq!(
        fin_e2e::pdf::text(&theirs.bytes, "quote-linked.pdf"),
        sent,
        "the client's PDF is the owner's"
    );
    let never = format!("/share/quotes/{}/pdf", "A".repeat(43));
    let unknown = app().client().get(&never).send().problem(404);
    user.call(
        "DELETE",
        &format!("{}/share-links/{}", at(&quote), id(&link)),
    )
    .send();
    let revoked = app()
        .client()
        .get(&format!("{path}/pdf"))
        .send()
        .problem(404);
    assert_eq!(revoked, unknown, "a revoked link reads as one never made");
    app()
        .client()
        .get("/share/quotes/short/pdf")
        .send()
        .problem(404);
    // The internal route behind it is not reachable from outside.
    let token = &path["/share/quotes/".len()..];
    app()
        .client()
        .get(&format!("/internal/quote-shares/{token}"))
        .send()
        .problem(404);
}
