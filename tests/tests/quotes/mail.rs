//! A quote e-mailed to its client: the client's page works from the e-mail's link, and
//! the sending and the answer are each one e-mail and one event.

use fin_e2e::id;
use fin_e2e::shared::{emails, redis};
use serde_json::{json, Value};

use super::{app, at, form, freelancer, workshop};

/// The channel the app publishes its events on (`AppOptions::name` "quotes").
const CHANNEL: &str = "fin-events-e2e-quotes";

/// The events of `kind` for the quote `id` heard on the channel.
fn events(heard: &fin_e2e::Heard, kind: &str, quote: &str, count: usize) -> Vec<Value> {
    heard
        .wait(count, |m| m.contains(kind) && m.contains(quote))
        .iter()
        .filter_map(|m| serde_json::from_str::<Value>(m).ok())
        .filter(|e| e["type"] == kind && e["aggregate_id"] == quote)
        .collect()
}

#[test]
fn a_quote_e_mailed_to_its_client_is_answered_from_the_e_mail_once() {
    let heard = redis().listen(CHANNEL);
    let (user, _) = freelancer("quote-mail");
    let buyer = fin_e2e::unique_email("buyer");
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Grace", "company": "Acme GmbH", "email": buyer, "default_currency": "EUR"}),
    ));
    let quote = user.created("/quotes", &workshop(&client, json!({})));
    let number = quote["number"].as_str().expect("number").to_owned();
    let sent = user.call("POST", &format!("{}/send", at(&quote))).send();
    assert_eq!(sent.status, 200, "{}", sent.body);
    let sent = sent.json();
    assert_eq!(sent["emailed_to"], buyer.as_str());
    assert_eq!(
        sent["links"].as_array().map(Vec::len),
        Some(1),
        "the e-mail's link is listed, revocable: {sent}"
    );
    // Sent again: the same quote, no second e-mail.
    let again = user.call("POST", &format!("{}/send", at(&quote))).send();
    assert_eq!(again.status, 200, "{}", again.body);

    let mails = emails(
        &buyer,
        &format!("Quote {number} from Ada Lovelace Studio"),
        1,
    );
    assert_eq!(mails.len(), 1, "the quote is e-mailed to its client");
    let mail = &mails[0].email;
    let account = user.get("/auth/profile").json()["email"]
        .as_str()
        .expect("email")
        .to_owned();
    assert!(
        mail.from.starts_with("\"Ada Lovelace Studio\" <"),
        "{}",
        mail.from
    );
    assert_eq!(
        mail.reply_to,
        [account.as_str()],
        "replies reach the freelancer"
    );
    let text = mail.text.clone().unwrap_or_default();
    assert!(
        text.contains("Hello Acme GmbH,") && text.contains("for 2,262.00 EUR, valid until"),
        "{text}"
    );
    let names: Vec<&str> = mail
        .attachments
        .iter()
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(
        names,
        [format!("{number}.pdf")],
        "the quote's PDF goes with it"
    );
    let printed = fin_e2e::pdf::text(&mail.attachments[0].bytes, "quote-mailed.pdf");
    assert!(
        printed.contains(&number) && printed.contains("Prepared for"),
        "{printed}"
    );
    let start = text.find("/share/quotes/").expect("the quote's link");
    let path: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert!(
        mail.html
            .as_deref()
            .is_some_and(|h| h.contains(&format!("{path}\">"))),
        "the link is a link"
    );
    let sent_events = events(&heard, "quote.sent", &id(&quote), 1);
    assert_eq!(sent_events.len(), 1, "one quote.sent event");
    assert_eq!(
        sent_events[0]["payload"]["quote"]["emailed_to"],
        buyer.as_str()
    );

    // The client opens the e-mail's link and accepts.
    let page = app().client().get(&path).send();
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Accept the quote"), "{}", page.body);
    let accepted = form(&format!("{path}/accept"), "name=Grace+Hopper&note=Go");
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert!(accepted.body.contains("your acceptance is recorded"));
    let told = emails(
        &account,
        &format!("Quote {number} accepted by Grace Hopper"),
        1,
    );
    assert_eq!(told.len(), 1, "the freelancer is told");
    let answered = events(&heard, "quote.accepted", &id(&quote), 1);
    assert_eq!(answered.len(), 1, "one quote.accepted event");
    assert_eq!(
        answered[0]["owner_id"],
        user.get("/auth/profile").json()["id"]
    );
    assert_eq!(
        answered[0]["payload"]["quote"]["answer"]["name"],
        "Grace Hopper"
    );
    assert_eq!(form(&format!("{path}/accept"), "name=Eve").status, 409);

    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(
        emails(&buyer, &format!("Quote {number}"), 1).len(),
        1,
        "sent twice is e-mailed once"
    );
    assert_eq!(
        events(&heard, "quote.accepted", &id(&quote), 1).len(),
        1,
        "the refused answer published nothing"
    );
}

#[test]
fn a_client_in_germany_is_written_to_in_german() {
    let (user, _) = freelancer("quote-mail-de");
    let buyer = fin_e2e::unique_email("kunde");
    let client = id(&user.created(
        "/clients",
        &json!({"name": "Grete", "company": "Muster GmbH", "email": buyer,
                "default_currency": "EUR",
                "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115",
                            "country": "DE"}}),
    ));
    let quote = user.created("/quotes", &workshop(&client, json!({})));
    let number = quote["number"].as_str().expect("number").to_owned();
    let until: Vec<&str> = quote["valid_until"]
        .as_str()
        .expect("date")
        .split('-')
        .collect();
    let until = format!("{}.{}.{}", until[2], until[1], until[0]);
    let sent = user.call("POST", &format!("{}/send", at(&quote))).send();
    assert_eq!(sent.status, 200, "{}", sent.body);
    let mails = emails(&buyer, &format!("Angebot {number} von "), 1);
    assert_eq!(mails.len(), 1, "the quote is e-mailed in German");
    let text = mails[0].email.text.clone().unwrap_or_default();
    assert!(
        text.contains("Guten Tag Muster GmbH,")
            && text.contains(&format!("über 2.262,00 EUR, gültig bis {until}.")),
        "{text}"
    );
    assert_eq!(mails[0].email.attachments.len(), 1, "with its PDF");
}

#[test]
fn a_client_without_an_address_is_not_e_mailed_and_gets_no_link() {
    let (user, client) = freelancer("quote-no-mail");
    let quote = user.created("/quotes", &workshop(&client, json!({})));
    let sent = user.call("POST", &format!("{}/send", at(&quote))).send();
    assert_eq!(sent.status, 200, "{}", sent.body);
    let sent = sent.json();
    assert_eq!(
        (&sent["emailed_to"], &sent["links"]),
        (&Value::Null, &json!([])),
        "{sent}"
    );
}
