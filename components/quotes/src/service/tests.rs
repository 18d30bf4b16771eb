use serde_json::json;
use time::macros::date;

use super::*;
use crate::memory::{MemoryInvoices, MemoryQuotes};

const OWNER: &str = "11111111-1111-4111-8111-111111111111";
const STRANGER: &str = "22222222-2222-4222-8222-222222222222";
const CLIENT: &str = "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11";
const TODAY: Date = date!(2026 - 12 - 06);

fn store() -> MemoryQuotes {
    MemoryQuotes::with_client(OWNER, CLIENT, Some("EUR"))
}

fn body(extra: serde_json::Value) -> QuoteInput {
    let mut body = json!({
        "client_id": CLIENT,
        "lines": [{"description": "Audit", "quantity": "1", "unit_price": 90000, "tax_rate": "19"}],
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    serde_json::from_value(body).expect("a body")
}

/// A draft made without an idempotency key.
fn made(
    store: &MemoryQuotes,
    owner: &str,
    input: QuoteInput,
    today: Date,
) -> Result<Quote, QuoteError> {
    create(store, owner, input, today, None).map(|(quote, _)| quote)
}

fn sent(store: &MemoryQuotes) -> (Quote, &'static str) {
    let quote = made(store, OWNER, body(json!({})), TODAY).expect("created");
    let (quote, _) = send(store, OWNER, &quote.id, None, TODAY, e_mail_link()).expect("sent");
    share(store, OWNER, &quote.id, "digest-1").expect("shared");
    (quote, "digest-1")
}

/// A link for the e-mail a sending may owe.
fn e_mail_link() -> NewLink {
    NewLink {
        digest: "digest-mail".into(),
        url: "https://app.example/share/quotes/tok".into(),
    }
}

/// [`answer`] from the app at `https://app.example`.
fn answered(
    store: &MemoryQuotes,
    digest: &str,
    reply: &Answer,
    address: Option<&str>,
    today: Date,
) -> Result<Quote, QuoteError> {
    answer(store, digest, reply, address, today, "https://app.example")
}

fn accept(name: &str) -> Answer {
    Answer::Accept {
        name: name.into(),
        note: None,
    }
}

#[test]
fn quotes_are_numbered_per_owner_and_year_without_gaps() {
    let store = store();
    let mut numbers = Vec::new();
    for issued in ["2026-03-01", "2026-12-01", "2027-01-02", "2026-12-05"] {
        let q = made(&store, OWNER, body(json!({"issue_date": issued})), TODAY).expect("created");
        numbers.push(q.number());
    }
    assert_eq!(
        numbers,
        [
            "QUO-2026-0001",
            "QUO-2026-0002",
            "QUO-2027-0001",
            "QUO-2026-0003"
        ]
    );
    let q = get(
        &store,
        OWNER,
        &made(&store, OWNER, body(json!({})), TODAY).expect("ok").id,
    )
    .expect("read");
    assert_eq!(
        q.fields.currency.map(|c| c.code()),
        Some("EUR"),
        "the client's currency"
    );
    // A deleted draft keeps its number: the next one does not take it again.
    delete(&store, OWNER, &q.id, None).expect("deleted");
    let next = made(&store, OWNER, body(json!({})), TODAY).expect("created");
    assert_eq!(next.number(), "QUO-2026-0005");
}

#[test]
fn only_ones_own_clients_and_quotes_are_reachable() {
    let store = store();
    let stranger = made(&store, STRANGER, body(json!({})), TODAY).expect_err("not theirs");
    assert_eq!(
        stranger,
        QuoteError::field("client_id", "is not one of your clients")
    );
    let q = made(&store, OWNER, body(json!({})), TODAY).expect("created");
    for result in [
        get(&store, STRANGER, &q.id).map(|_| ()),
        send(&store, STRANGER, &q.id, None, TODAY, e_mail_link()).map(|_| ()),
        delete(&store, STRANGER, &q.id, None),
        get(&store, OWNER, "not-an-id").map(|_| ()),
    ] {
        assert_eq!(result, Err(QuoteError::NotFound));
    }
    assert_eq!(
        revoke(&store, STRANGER, &q.id, &q.id),
        Err(QuoteError::NoLink)
    );
}

#[test]
fn a_sent_quote_is_fixed_and_a_stale_version_is_refused() {
    let store = store();
    let q = made(&store, OWNER, body(json!({})), TODAY).expect("created");
    let edited = update(
        &store,
        OWNER,
        &q.id,
        Some(q.version),
        body(json!({"notes": "On site"})),
    )
    .expect("a draft changes");
    assert_eq!(
        update(&store, OWNER, &q.id, Some(q.version), body(json!({}))),
        Err(QuoteError::Stale {
            current: edited.version
        })
    );
    let (sent, now) = send(
        &store,
        OWNER,
        &q.id,
        Some(edited.version),
        TODAY,
        e_mail_link(),
    )
    .expect("sent");
    assert_eq!((sent.stored, now), (Status::Sent, true));
    let (again, now) = send(&store, OWNER, &q.id, None, TODAY, e_mail_link()).expect("again");
    assert_eq!((again.version, now), (sent.version, false), "sent once");
    for result in [
        update(&store, OWNER, &q.id, None, body(json!({"notes": "x"}))).map(|_| ()),
        delete(&store, OWNER, &q.id, None),
    ] {
        assert!(matches!(result, Err(QuoteError::Conflict(_))), "{result:?}");
    }
}

#[test]
fn a_client_with_an_address_is_e_mailed_the_quote_with_a_link_once() {
    let mut store = store();
    store.seller = Some("Ada Studio".into());
    store
        .emails
        .insert((OWNER.into(), CLIENT.into()), "buyer@acme.example".into());
    let q = made(&store, OWNER, body(json!({})), TODAY).expect("created");
    let (sent, _) = send(&store, OWNER, &q.id, None, TODAY, e_mail_link()).expect("sent");
    assert_eq!(sent.emailed_to.as_deref(), Some("buyer@acme.example"));
    assert_eq!(sent.links.len(), 1, "the e-mail's link is the quote's");
    send(&store, OWNER, &q.id, None, TODAY, e_mail_link()).expect("again");
    let mails = store.invitations.borrow();
    let [(quote_id, to, mail)] = &mails[..] else {
        panic!("one e-mail, not {}", mails.len());
    };
    assert_eq!((quote_id, to.as_str()), (&q.id, "buyer@acme.example"));
    assert_eq!(mail.from_name, "Ada Studio");
    assert_eq!(mail.mail.subject, "Quote QUO-2026-0001 from Ada Studio");
    assert!(
        mail.mail
            .body
            .contains("for 1,071.00 EUR, valid until 2027-01-05")
            && mail
                .mail
                .body
                .contains("\n\nhttps://app.example/share/quotes/tok\n\n"),
        "{}",
        mail.mail.body
    );
    assert_eq!(
        open(&store, "digest-mail").map(|q| q.id),
        Ok(q.id.clone()),
        "the e-mail's link opens it"
    );
    assert_eq!(mail.attachment, "QUO-2026-0001.pdf", "with its PDF");
}

#[test]
fn a_client_in_a_german_speaking_country_is_written_to_in_german() {
    let mut store = store();
    store.seller = Some("Ada Studio".into());
    store.client_country = Some("AT".into());
    store
        .emails
        .insert((OWNER.into(), CLIENT.into()), "buyer@acme.example".into());
    let q = made(&store, OWNER, body(json!({})), TODAY).expect("created");
    send(&store, OWNER, &q.id, None, TODAY, e_mail_link()).expect("sent");
    let mails = store.invitations.borrow();
    let mail = &mails[0].2.mail;
    assert_eq!(mail.subject, "Angebot QUO-2026-0001 von Ada Studio");
    for said in [
        "Guten Tag Acme,",
        "über 1.071,00 EUR, gültig bis 05.01.2027.",
        "\n\nhttps://app.example/share/quotes/tok\n\n",
    ] {
        assert!(mail.body.contains(said), "{said:?} in {}", mail.body);
    }
}

#[test]
fn a_client_without_an_address_gets_no_e_mail_and_no_link() {
    let store = store();
    let q = made(&store, OWNER, body(json!({})), TODAY).expect("created");
    let (sent, _) = send(&store, OWNER, &q.id, None, TODAY, e_mail_link()).expect("sent");
    assert_eq!((sent.emailed_to, sent.links.len()), (None, 0));
    assert!(store.invitations.borrow().is_empty());
    assert_eq!(open(&store, "digest-mail"), Err(QuoteError::Closed));
}

#[test]
fn a_quote_past_its_date_is_not_sent_and_a_draft_not_shared() {
    let store = store();
    let q = made(
        &store,
        OWNER,
        body(json!({"issue_date": "2026-11-01", "valid_until": "2026-12-05"})),
        TODAY,
    )
    .expect("created");
    assert!(matches!(
        share(&store, OWNER, &q.id, "d"),
        Err(QuoteError::Conflict(_))
    ));
    let refused = send(&store, OWNER, &q.id, None, TODAY, e_mail_link()).expect_err("expired");
    assert!(matches!(refused, QuoteError::Conflict(ref why) if why.contains("2026-12-05")));
}

#[test]
fn a_quote_is_answered_once() {
    let store = store();
    let (quote, link) = sent(&store);
    let accepted =
        answered(&store, link, &accept("Ada"), Some("192.0.2.7"), TODAY).expect("accepted");
    assert_eq!(accepted.status(TODAY), Status::Accepted);
    let recorded = accepted.answer.clone().expect("recorded");
    assert_eq!(
        (recorded.name.as_deref(), recorded.address.as_deref()),
        (Some("Ada"), Some("192.0.2.7"))
    );
    for again in [accept("Eve"), Answer::Decline { reason: None }] {
        let refused = answered(&store, link, &again, None, TODAY).expect_err("answered");
        assert!(
            matches!(refused, QuoteError::Conflict(ref why) if why.contains("already accepted")),
            "{refused:?}"
        );
    }
    let read = get(&store, OWNER, &quote.id).expect("read");
    assert_eq!(read.answer, Some(recorded), "the first answer stands");
    let notices = store.notices.borrow();
    assert_eq!(notices.len(), 1, "one answer, one e-mail");
    let (about, notice) = &notices[0];
    assert_eq!(about, &quote.id);
    assert_eq!(notice.subject, "Quote QUO-2026-0001 accepted by Ada");
    assert!(notice
        .body
        .contains("Ada accepted your quote QUO-2026-0001 for 1,071.00 EUR."));
    assert!(notice
        .body
        .contains(&format!("https://app.example/app/quotes/{}", quote.id)));
}

#[test]
fn an_expired_quote_or_a_revoked_link_takes_no_answer() {
    let store = store();
    let (quote, link) = sent(&store);
    let later = date!(2027 - 02 - 01);
    assert_eq!(
        open(&store, link).expect("opens").status(later),
        Status::Expired
    );
    let refused = answered(&store, link, &accept("Ada"), None, later).expect_err("expired");
    assert!(
        matches!(refused, QuoteError::Conflict(ref why) if why.contains("expired on 2027-01-05"))
    );
    let link_id = get(&store, OWNER, &quote.id).expect("read").links[0]
        .id
        .clone();
    revoke(&store, OWNER, &quote.id, &link_id).expect("revoked");
    revoke(&store, OWNER, &quote.id, &link_id).expect("revoking twice is once");
    assert_eq!(open(&store, link), Err(QuoteError::Closed));
    assert_eq!(
        answered(&store, link, &accept("Ada"), None, TODAY),
        Err(QuoteError::Closed)
    );
    assert_eq!(
        answered(&store, "unknown", &accept("Ada"), None, TODAY),
        Err(QuoteError::Closed)
    );
    assert_eq!(
        get(&store, OWNER, &quote.id).expect("read").stored,
        Status::Sent
    );
    assert!(store.notices.borrow().is_empty(), "no answer, no e-mail");
}

#[test]
fn a_refusal_tells_the_freelancer_with_its_reason() {
    let store = store();
    let (_, link) = sent(&store);
    let reply = Answer::Decline {
        reason: Some("Over budget".into()),
    };
    answered(&store, link, &reply, None, TODAY).expect("declined");
    let notices = store.notices.borrow();
    let notice = &notices[0].1;
    assert_eq!(notice.subject, "Quote QUO-2026-0001 declined");
    assert!(notice.body.contains("was declined"), "{}", notice.body);
    assert!(
        notice.body.contains("Their reason:\n\nOver budget"),
        "{}",
        notice.body
    );
}

#[test]
fn an_accepted_quote_becomes_one_draft_invoice() {
    let store = store();
    let billing = MemoryInvoices::default();
    let (quote, link) = sent(&store);
    let refused = convert(&store, &billing, OWNER, &quote.id, TODAY).expect_err("not accepted");
    assert!(matches!(refused, QuoteError::Conflict(ref why) if why.contains("sent")));
    answered(&store, link, &accept("Ada"), None, TODAY).expect("accepted");
    let (first, made) = convert(&store, &billing, OWNER, &quote.id, TODAY).expect("converted");
    assert!(made);
    let (second, made_again) = convert(&store, &billing, OWNER, &quote.id, TODAY).expect("again");
    assert!(!made_again);
    assert_eq!(first.invoice_id, second.invoice_id);
    assert_eq!(*billing.calls.borrow(), 1, "billing is not asked twice");
    let made = billing.made.borrow();
    let (key, (_, body)) = made.iter().next().expect("one invoice");
    assert_eq!(key, &format!("quote:{}", quote.id));
    assert_eq!(body["client_id"], CLIENT);
    assert_eq!(body["currency"], "EUR");
    assert_eq!(body["lines"][0]["unit_price"], 90000);
    assert_eq!(body["notes"], "As quoted in QUO-2026-0001.");
    assert_eq!(
        convert(&store, &billing, STRANGER, &quote.id, TODAY).map(|_| ()),
        Err(QuoteError::NotFound)
    );
    // The invoice finds its quote; nobody else's invoice finds it.
    let invoice = first.invoice_id.clone().expect("linked");
    let by_invoice = ListQuery::parse(&format!("invoice_id={invoice}")).expect("q");
    let found = list(&store, OWNER, &by_invoice, TODAY).expect("page");
    assert_eq!(
        found.items.iter().map(|q| &q.id).collect::<Vec<_>>(),
        [&quote.id]
    );
    let theirs = list(&store, STRANGER, &by_invoice, TODAY).expect("page");
    assert!(theirs.items.is_empty());
}

#[test]
fn billing_down_or_refusing_links_nothing_and_a_retry_makes_one() {
    let store = store();
    let (quote, link) = sent(&store);
    answered(&store, link, &accept("Ada"), None, TODAY).expect("accepted");
    let down = MemoryInvoices {
        refuse: Some(Refusal::Unavailable("billing: 503".into())),
        ..MemoryInvoices::default()
    };
    let err = convert(&store, &down, OWNER, &quote.id, TODAY).expect_err("down");
    assert!(matches!(err, QuoteError::Fault(Fault::Unavailable(_))));
    let no = MemoryInvoices {
        refuse: Some(Refusal::Refused("client_id is archived".into())),
        ..MemoryInvoices::default()
    };
    let err = convert(&store, &no, OWNER, &quote.id, TODAY).expect_err("refused");
    assert!(matches!(err, QuoteError::Conflict(ref why) if why.contains("archived")));
    assert_eq!(
        get(&store, OWNER, &quote.id).expect("read").invoice_id,
        None
    );
    let up = MemoryInvoices::default();
    let (converted, _) = convert(&store, &up, OWNER, &quote.id, TODAY).expect("converted");
    assert!(converted.invoice_id.is_some());
}

#[test]
fn lists_page_newest_number_first_and_filter_by_state() {
    let store = store();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            made(&store, OWNER, body(json!({})), TODAY)
                .expect("created")
                .id,
        );
    }
    send(&store, OWNER, &ids[1], None, TODAY, e_mail_link()).expect("sent");
    let first = list(
        &store,
        OWNER,
        &ListQuery::parse("limit=2").expect("q"),
        TODAY,
    )
    .expect("page");
    let numbers: Vec<String> = first.items.iter().map(Quote::number).collect();
    assert_eq!(numbers, ["QUO-2026-0003", "QUO-2026-0002"]);
    let next = first.next_cursor.expect("more");
    let rest = list(
        &store,
        OWNER,
        &ListQuery::parse(&format!("cursor={next}")).expect("q"),
        TODAY,
    )
    .expect("page");
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next_cursor, None);
    let sent_only = list(
        &store,
        OWNER,
        &ListQuery::parse("status=sent").expect("q"),
        TODAY,
    )
    .expect("page");
    assert_eq!(
        sent_only
            .items
            .iter()
            .map(|q| q.id.clone())
            .collect::<Vec<_>>(),
        [ids[1].clone()]
    );
    let expired = ListQuery::parse("status=expired").expect("q");
    assert_eq!(
        list(&store, OWNER, &expired, date!(2027 - 06 - 01))
            .expect("page")
            .items
            .len(),
        1
    );
    assert!(
        list(&store, STRANGER, &ListQuery::parse("").expect("q"), TODAY)
            .expect("page")
            .items
            .is_empty()
    );
}

#[test]
fn a_retried_create_under_its_key_answers_the_first_quote_and_numbers_nothing() {
    let store = store();
    let key = |body: &[u8]| {
        IdempotencyKey::parse(Some("retry-1"), "Post /quotes", body)
            .expect("a key")
            .expect("given")
    };
    let first = key(b"{}");
    let (made_now, fresh) =
        create(&store, OWNER, body(json!({})), TODAY, Some(&first)).expect("created");
    assert!(fresh);
    let (again, fresh) =
        create(&store, OWNER, body(json!({})), TODAY, Some(&first)).expect("replayed");
    assert_eq!((again.id.as_str(), fresh), (made_now.id.as_str(), false));

    let other = key(b"{\"notes\":\"x\"}");
    let refused = create(
        &store,
        OWNER,
        body(json!({"notes": "x"})),
        TODAY,
        Some(&other),
    )
    .expect_err("another request");
    assert!(
        matches!(refused, QuoteError::Invalid(ref e) if e[0].field == "Idempotency-Key"),
        "{refused:?}"
    );
    let next = made(&store, OWNER, body(json!({})), TODAY).expect("created");
    assert_eq!(next.number(), "QUO-2026-0002", "the replay took no number");
    let theirs = create(&store, STRANGER, body(json!({})), TODAY, Some(&first));
    assert!(
        !matches!(theirs, Ok((ref q, false)) if q.id == made_now.id),
        "a key is the owner's own"
    );
}
