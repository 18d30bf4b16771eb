//! Resend's `POST /emails` as its documentation describes it: what a request must carry,
//! and the errors it answers with (`{"statusCode", "name", "message"}`).

use base64::Engine;
use serde::Serialize;
use serde_json::Value;

/// An e-mail as received, attachments decoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Email {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
    pub reply_to: Vec<String>,
    pub headers: Value,
    pub tags: Value,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: Option<String>,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub size: usize,
}

/// An error answer in Resend's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    #[serde(rename = "statusCode")]
    pub status: u16,
    pub name: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, name: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            name,
            message: message.into(),
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(422, "validation_error", message)
    }
}

/// The API key of an `Authorization: Bearer re_…` header.
pub fn api_key(authorization: Option<&str>) -> Result<&str, ApiError> {
    let header = authorization.ok_or_else(|| {
        ApiError::new(
            401,
            "missing_api_key",
            "Missing API key in the authorization header.",
        )
    })?;
    let key = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                401,
                "missing_api_key",
                "Missing API key in the authorization header.",
            )
        })?;
    if !key.starts_with("re_") {
        return Err(ApiError::new(403, "invalid_api_key", "API key is invalid."));
    }
    Ok(key)
}

/// A `POST /emails` body.
pub fn parse(body: &[u8]) -> Result<Email, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid(format!("The request body is not valid JSON: {e}")))?;
    let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
    let required = |name: &str| {
        text(name)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| ApiError::invalid(format!("The `{name}` field is missing.")))
    };
    let from = required("from")?;
    let subject = required("subject")?;
    let to = addresses(value.get("to"))
        .ok_or_else(|| ApiError::invalid("The `to` field is missing."))?;
    if to.is_empty() || to.len() > 50 {
        return Err(ApiError::invalid("`to` takes 1 to 50 addresses."));
    }
    if let Some(bad) = to.iter().find(|a| !plausible_address(a)) {
        return Err(ApiError::invalid(format!("Invalid `to` field: {bad}")));
    }
    let (html, plain) = (text("html"), text("text"));
    if html.is_none() && plain.is_none() {
        return Err(ApiError::invalid("One of `html` or `text` is required."));
    }
    let attachments = value
        .get("attachments")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(attachment).collect::<Result<Vec<_>, _>>())
        .transpose()?
        .unwrap_or_default();
    Ok(Email {
        from,
        to,
        subject,
        text: plain,
        html,
        reply_to: addresses(value.get("reply_to")).unwrap_or_default(),
        headers: value.get("headers").cloned().unwrap_or(Value::Null),
        tags: value.get("tags").cloned().unwrap_or(Value::Null),
        attachments,
    })
}

/// A string or an array of strings.
fn addresses(value: Option<&Value>) -> Option<Vec<String>> {
    match value? {
        Value::String(one) => Some(vec![one.clone()]),
        Value::Array(many) => many.iter().map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => None,
    }
}

/// `name@domain` or `Name <name@domain>`.
fn plausible_address(address: &str) -> bool {
    let bare = address
        .rsplit_once('<')
        .and_then(|(_, rest)| rest.strip_suffix('>'))
        .unwrap_or(address)
        .trim();
    bare.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !bare.contains(' ')
    })
}

fn attachment(value: &Value) -> Result<Attachment, ApiError> {
    let filename = value
        .get("filename")
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::invalid("An attachment needs a `filename`."))?;
    let content = value
        .get("content")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid(format!("Attachment `{filename}` has no `content`.")))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content)
        .map_err(|_| ApiError::invalid(format!("Attachment `{filename}` is not base64.")))?;
    Ok(Attachment {
        filename: filename.to_owned(),
        content_type: value
            .get("content_type")
            .and_then(Value::as_str)
            .map(str::to_owned),
        size: bytes.len(),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Vec<u8> {
        serde_json::to_vec(&v).expect("json")
    }

    #[test]
    fn a_complete_request_is_read_with_its_attachments() {
        let email = parse(&body(json!({
            "from": "Ada Lovelace <invoices@example.com>",
            "to": "billing@acme.example",
            "subject": "Invoice INV-2026-0001",
            "text": "Hello",
            "attachments": [{"filename": "INV-2026-0001.pdf", "content": "JVBERi0=", "content_type": "application/pdf"}]
        })))
        .expect("valid");
        assert_eq!(email.to, ["billing@acme.example"]);
        assert_eq!(email.attachments[0].bytes, b"%PDF-");
        assert_eq!(email.attachments[0].size, 5);
    }

    #[test]
    fn what_resend_refuses_is_refused_with_its_error_names() {
        let name = |v: Value| parse(&body(v)).map(|_| ()).map_err(|e| (e.status, e.name));
        let ok = json!({"from": "a@b.example", "to": ["c@d.example"], "subject": "s", "html": "<p>h</p>"});
        assert_eq!(name(ok.clone()), Ok(()));
        for field in ["from", "to", "subject"] {
            let mut v = ok.clone();
            v.as_object_mut().expect("object").remove(field);
            assert_eq!(name(v), Err((422, "validation_error")), "{field}");
        }
        let mut no_body = ok.clone();
        no_body.as_object_mut().expect("object").remove("html");
        assert_eq!(name(no_body), Err((422, "validation_error")));
        let mut bad_to = ok.clone();
        bad_to["to"] = json!("not an address");
        assert_eq!(name(bad_to), Err((422, "validation_error")));
        let mut bad_attachment = ok;
        bad_attachment["attachments"] = json!([{"filename": "x.pdf", "content": "***"}]);
        assert_eq!(name(bad_attachment), Err((422, "validation_error")));
        assert!(parse(b"{").is_err());
    }

    #[test]
    fn the_key_is_a_bearer_re_key() {
        assert_eq!(api_key(Some("Bearer re_123")), Ok("re_123"));
        assert_eq!(api_key(None).map_err(|e| e.status), Err(401));
        assert_eq!(api_key(Some("Basic x")).map_err(|e| e.status), Err(401));
        assert_eq!(
            api_key(Some("Bearer sk_123")).map_err(|e| e.status),
            Err(403)
        );
    }
}
