//! [Resend](https://resend.com/docs/api-reference/emails/send-email): `POST /emails` with
//! a bearer key, attachments base64, `Idempotency-Key` (kept 24 hours). Locally and in
//! the tests the base URL points at `crates/mail-standin`, which speaks the same format.

use base64::Engine;
use serde_json::{json, Value};

use crate::domain::Outcome;
use crate::provider::{Answer, Email, Provider, Request};

pub struct Resend {
    /// `https://api.resend.com` in production.
    pub base_url: String,
    pub api_key: String,
}

impl Provider for Resend {
    fn request(&self, email: &Email) -> Request {
        let attachments: Vec<Value> = email
            .attachments
            .iter()
            .map(|a| {
                json!({
                    "filename": a.filename,
                    "content": base64::engine::general_purpose::STANDARD.encode(&a.bytes),
                    "content_type": a.content_type,
                })
            })
            .collect();
        let mut body = json!({
            "from": email.from,
            "to": [email.to],
            "subject": email.subject,
            "text": email.text,
            "html": email.html,
            "attachments": attachments,
        });
        if let Some(reply_to) = &email.reply_to {
            body["reply_to"] = json!(reply_to);
        }
        Request {
            url: format!("{}/emails", self.base_url.trim_end_matches('/')),
            headers: vec![
                ("authorization", format!("Bearer {}", self.api_key)),
                ("content-type", "application/json".into()),
                ("idempotency-key", email.idempotency_key.clone()),
            ],
            body: body.to_string().into_bytes(),
        }
    }

    fn outcome(&self, answer: Result<Answer, String>) -> Outcome {
        let answer = match answer {
            Ok(answer) => answer,
            Err(reason) => {
                return Outcome::Transient {
                    reason: format!("no answer from Resend: {reason}"),
                    after: None,
                }
            }
        };
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        let name = body["name"].as_str().unwrap_or_default();
        let said = || {
            let message = body["message"].as_str().unwrap_or("no message");
            format!("Resend {} {name}: {message}", answer.status)
        };
        match answer.status {
            200..=299 => match body["id"].as_str() {
                Some(id) => Outcome::Sent {
                    provider_id: id.to_owned(),
                },
                None => Outcome::Transient {
                    reason: "Resend accepted without an id".into(),
                    after: None,
                },
            },
            // The key was used with another payload (the invoice changed since an
            // attempt whose answer was lost): that attempt was sent.
            409 if name == "invalid_idempotent_request" => Outcome::AlreadySent,
            // Bad key, quota, rate limit, the provider's own trouble: it may pass.
            401 | 403 | 409 | 429 | 500..=599 => Outcome::Transient {
                reason: said(),
                after: answer.retry_after,
            },
            _ => Outcome::Permanent { reason: said() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Attachment;

    fn resend() -> Resend {
        Resend {
            base_url: "http://127.0.0.1:3025/".into(),
            api_key: "re_test".into(),
        }
    }

    fn email() -> Email {
        Email {
            from: "Ada via Fin <invoices@fin.example>".into(),
            to: "billing@acme.example".into(),
            reply_to: Some("ada@example.com".into()),
            subject: "Invoice INV-1".into(),
            text: "Hello".into(),
            html: "<p>Hello</p>".into(),
            attachments: vec![Attachment {
                filename: "INV-1.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.7".to_vec(),
            }],
            idempotency_key: "delivery/1".into(),
        }
    }

    fn answer(status: u16, body: Value) -> Result<Answer, String> {
        Ok(Answer {
            status,
            retry_after: Some(7),
            body: body.to_string().into_bytes(),
        })
    }

    #[test]
    fn the_request_is_resends_documented_shape() {
        let r = resend().request(&email());
        assert_eq!(r.url, "http://127.0.0.1:3025/emails");
        assert!(r
            .headers
            .contains(&("authorization", "Bearer re_test".into())));
        assert!(r
            .headers
            .contains(&("idempotency-key", "delivery/1".into())));
        let body: Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(body["to"], json!(["billing@acme.example"]));
        assert_eq!(body["reply_to"], "ada@example.com");
        assert_eq!(body["attachments"][0]["content"], "JVBERi0xLjc=");
        assert_eq!(body["attachments"][0]["filename"], "INV-1.pdf");
    }

    #[test]
    fn answers_become_outcomes() {
        let r = resend();
        assert_eq!(
            r.outcome(answer(200, json!({"id": "m-1"}))),
            Outcome::Sent {
                provider_id: "m-1".into()
            }
        );
        assert_eq!(
            r.outcome(answer(409, json!({"name": "invalid_idempotent_request"}))),
            Outcome::AlreadySent
        );
        for status in [401, 403, 429, 500, 503] {
            assert!(
                matches!(
                    r.outcome(answer(status, json!({"name": "x"}))),
                    Outcome::Transient { after: Some(7), .. }
                ),
                "{status}"
            );
        }
        assert!(matches!(
            r.outcome(answer(
                409,
                json!({"name": "concurrent_idempotent_requests"})
            )),
            Outcome::Transient { .. }
        ));
        match r.outcome(answer(
            422,
            json!({"name": "validation_error", "message": "Invalid `to` field"}),
        )) {
            Outcome::Permanent { reason } => {
                assert!(reason.contains("Invalid `to` field"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            r.outcome(Err("timed out".into())),
            Outcome::Transient { after: None, .. }
        ));
        assert!(matches!(
            r.outcome(answer(200, json!({}))),
            Outcome::Transient { .. }
        ));
    }
}
