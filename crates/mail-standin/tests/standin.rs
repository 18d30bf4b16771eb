//! The stand-in over HTTP, as the mailer and a newcomer's browser meet it.

use fin_mail_standin::{Fault, Standin};
use serde_json::{json, Value};

fn post(standin: &Standin, key: Option<&str>, auth: Option<&str>, body: &Value) -> (u16, Value) {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut call = agent.post(format!("{}/emails", standin.url()));
    if let Some(auth) = auth {
        call = call.header("Authorization", auth);
    }
    if let Some(key) = key {
        call = call.header("Idempotency-Key", key);
    }
    let mut reply = call
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .expect("the stand-in answers");
    let status = reply.status().as_u16();
    let text = reply.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn email(subject: &str) -> Value {
    json!({
        "from": "Ada <invoices@ada.example>",
        "to": ["billing@acme.example"],
        "subject": subject,
        "text": "Please find the invoice attached.",
        "attachments": [{"filename": "INV-1.pdf", "content": "JVBERi0xLjc=", "content_type": "application/pdf"}]
    })
}

const KEY: Option<&str> = Some("Bearer re_test_123");

#[test]
fn an_email_is_recorded_once_per_idempotency_key() {
    let standin = Standin::start(0, None).expect("start");
    let (status, first) = post(&standin, Some("delivery-1"), KEY, &email("Invoice 1"));
    assert_eq!(status, 200, "{first}");
    let (_, again) = post(&standin, Some("delivery-1"), KEY, &email("Invoice 1"));
    assert_eq!(
        again["id"], first["id"],
        "the same answer for a retried request"
    );
    assert_eq!(standin.messages().len(), 1, "and no second e-mail");
    let (status, clash) = post(&standin, Some("delivery-1"), KEY, &email("Another"));
    assert_eq!(
        (status, clash["name"].as_str()),
        (409, Some("invalid_idempotent_request"))
    );
    let (status, _) = post(&standin, None, KEY, &email("No key"));
    assert_eq!(status, 200);
    assert_eq!(standin.messages().len(), 2);
    let message = &standin.messages()[0];
    assert_eq!(message.email.attachments[0].bytes, b"%PDF-1.7");
    assert_eq!(message.idempotency_key.as_deref(), Some("delivery-1"));
}

#[test]
fn faults_are_answered_in_order_and_record_nothing() {
    let standin = Standin::start(0, None).expect("start");
    standin.fail_next(&[Fault::Status(500), Fault::Status(429), Fault::Status(422)]);
    let names: Vec<(u16, Value)> = (0..4)
        .map(|_| post(&standin, Some("k"), KEY, &email("x")))
        .collect();
    assert_eq!(names[0].0, 500);
    assert_eq!(names[1].1["name"], "rate_limit_exceeded");
    assert_eq!(names[2].1["name"], "validation_error");
    assert_eq!(names[3].0, 200);
    assert_eq!(standin.messages().len(), 1);
    assert_eq!(standin.calls(), 4);
}

#[test]
fn bad_requests_get_resends_errors() {
    let standin = Standin::start(0, None).expect("start");
    assert_eq!(post(&standin, None, None, &email("x")).0, 401);
    assert_eq!(
        post(&standin, None, Some("Bearer sk_live"), &email("x")).0,
        403
    );
    let (status, body) = post(
        &standin,
        None,
        KEY,
        &json!({"from": "a@b.example", "subject": "s", "text": "t"}),
    );
    assert_eq!(
        (status, body["name"].as_str()),
        (422, Some("validation_error"))
    );
    assert!(standin.messages().is_empty());
}

#[test]
fn the_page_shows_what_arrived_escaped_and_the_outbox_keeps_files() {
    let outbox = std::env::temp_dir().join(format!("fin-outbox-{}", std::process::id()));
    let standin = Standin::start(0, Some(outbox.clone())).expect("start");
    post(
        &standin,
        None,
        KEY,
        &email("<script>alert(1)</script> Invoice"),
    );
    let page = ureq::get(format!("{}/", standin.url()))
        .call()
        .expect("page")
        .body_mut()
        .read_to_string()
        .expect("text");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; Invoice"));
    assert!(!page.contains("<script>"));
    let id = &standin.messages()[0].id;
    let pdf = ureq::get(format!(
        "{}/_standin/messages/{id}/attachments/0",
        standin.url()
    ))
    .call()
    .expect("attachment")
    .body_mut()
    .read_to_vec()
    .expect("bytes");
    assert_eq!(pdf, b"%PDF-1.7");
    let folder = std::fs::read_dir(&outbox)
        .expect("outbox")
        .next()
        .expect("one folder")
        .expect("entry")
        .path();
    assert!(folder.join("message.json").exists());
    assert_eq!(
        std::fs::read(folder.join("INV-1.pdf")).expect("attachment file"),
        b"%PDF-1.7"
    );
    let _ = std::fs::remove_dir_all(outbox);
}

#[test]
fn faults_can_be_queued_over_http() {
    let standin = Standin::start(0, None).expect("start");
    let queued = ureq::post(format!("{}/_standin/faults", standin.url()))
        .send(json!({"next": [503]}).to_string())
        .expect("queued");
    assert_eq!(queued.status(), 200);
    assert_eq!(post(&standin, None, KEY, &email("x")).0, 503);
    assert_eq!(post(&standin, None, KEY, &email("x")).0, 200);
}
