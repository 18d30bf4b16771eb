use serde::de::DeserializeOwned;

use crate::{text, FieldError, Problem};

/// The most bytes a request body may carry. Checked against `Content-Length` before
/// reading, and again while reading, so a lying or absent header cannot get more through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

impl BodyLimit {
    /// 16 KiB: far above any legitimate identity payload, far below anything abusive.
    pub const DEFAULT: BodyLimit = BodyLimit(16 * 1024);

    pub fn bytes(self) -> usize {
        self.0
    }

    /// Refuses early when the client announces a body that is too large.
    pub fn check_declared(self, content_length: Option<&str>) -> Result<(), Problem> {
        match content_length.map(|v| v.trim().parse::<u64>()) {
            Some(Ok(len)) if len > self.0 as u64 => Err(Problem::payload_too_large(self.0)),
            Some(Err(_)) => Err(Problem::bad_request("Content-Length is not a number.")),
            _ => Ok(()),
        }
    }

    pub fn check_received(self, received: usize) -> Result<(), Problem> {
        if received > self.0 {
            Err(Problem::payload_too_large(self.0))
        } else {
            Ok(())
        }
    }
}

/// Decodes a JSON request body into `T`.
///
/// * not JSON by its `Content-Type` → 415;
/// * empty or syntactically broken → 400, saying where it broke;
/// * well-formed but of the wrong shape (a number where a string belongs, an unknown
///   field) → 422 naming the field, so a client can fix exactly that;
/// * U+0000 in any string or key of well-formed JSON, which no context may store → 422
///   naming each field, before anything else is looked at (see [`crate::text`]).
pub fn decode_json<T: DeserializeOwned>(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<T, Problem> {
    if !is_json(content_type) {
        return Err(Problem::unsupported_media_type());
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::bad_request(
            "The request body is empty; a JSON object is expected.",
        ));
    }
    // First, so the field is named whatever else the body gets wrong.
    refuse_nul(body)?;
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let inner = err.inner();
        // The typed decode stops at the first wrong field, possibly before a syntax
        // error further on: a broken body is malformed (400) whatever it names first.
        // Only failing bodies pay for this second, untyped pass.
        if let Err(syntax) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            malformed(&syntax)
        } else if inner.is_data() {
            let field = err.path().to_string();
            let field = if field == "." { String::new() } else { field };
            Problem::validation(vec![FieldError::new(
                field,
                strip_position(&inner.to_string()),
            )])
        } else {
            malformed(inner)
        }
    })?;
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

/// Every field of a well-formed body that holds U+0000, as one 422.
fn refuse_nul(body: &[u8]) -> Result<(), Problem> {
    let fields = text::json_nul_fields(body);
    if fields.is_empty() {
        return Ok(());
    }
    Err(Problem::validation(
        fields
            .into_iter()
            .map(|field| FieldError::new(field, text::NUL_MESSAGE))
            .collect(),
    ))
}

fn malformed(err: &serde_json::Error) -> Problem {
    Problem::bad_request(format!("The body is not valid JSON: {err}."))
}

fn is_json(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// serde_json appends " at line 1 column 12" to data errors; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(idx) => message[..idx].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Login {
        email: Option<String>,
        #[allow(dead_code)]
        password: Option<String>,
    }

    const JSON: Option<&str> = Some("application/json");

    fn status<T: std::fmt::Debug>(r: Result<T, Problem>) -> u16 {
        r.expect_err("should fail").status
    }

    #[test]
    fn accepts_json_with_charset() {
        let login: Login = decode_json(
            Some("application/json; charset=utf-8"),
            br#"{"email":"a@b.c"}"#,
        )
        .expect("ok");
        assert_eq!(login.email.as_deref(), Some("a@b.c"));
    }

    #[test]
    fn wrong_or_missing_content_type_is_415() {
        assert_eq!(status(decode_json::<Login>(Some("text/plain"), b"{}")), 415);
        assert_eq!(status(decode_json::<Login>(None, b"{}")), 415);
    }

    #[test]
    fn broken_json_is_400() {
        assert_eq!(status(decode_json::<Login>(JSON, b"{\"email\": ")), 400);
        assert_eq!(status(decode_json::<Login>(JSON, b"")), 400);
        assert_eq!(status(decode_json::<Login>(JSON, b"{} trailing")), 400);
    }

    #[test]
    fn wrong_type_names_the_field() {
        let problem = decode_json::<Login>(JSON, br#"{"email": 42}"#).expect_err("fails");
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "email");
        assert!(
            problem.errors[0].message.contains("expected a string"),
            "{:?}",
            problem.errors
        );
        assert!(!problem.errors[0].message.contains("line"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let problem =
            decode_json::<Login>(JSON, br#"{"email":"a@b.c","id":"x"}"#).expect_err("fails");
        assert_eq!(problem.status, 422);
        assert!(problem.errors[0].message.contains("unknown field `id`"));
    }

    #[test]
    fn a_truncated_body_is_malformed_whatever_it_names() {
        assert_eq!(status(decode_json::<Login>(JSON, b"{\"unknown\": ")), 400);
    }

    #[test]
    fn nul_anywhere_is_refused_naming_each_field() {
        let problem =
            decode_json::<Login>(JSON, br#"{"email":"a\u0000b@c.d","password":"\u0000"}"#)
                .expect_err("NUL");
        assert_eq!(problem.status, 422);
        let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password"]);
        assert_eq!(problem.errors[0].message, crate::text::NUL_MESSAGE);
        // Text that only looks like the escape is text.
        let login: Login = decode_json(JSON, br#"{"email":"\\u0000"}"#).expect("text");
        assert_eq!(login.email.as_deref(), Some("\\u0000"));
    }

    #[test]
    fn lone_surrogates_are_malformed() {
        assert_eq!(
            status(decode_json::<Login>(JSON, br#"{"email":"\ud800"}"#)),
            400
        );
        assert_eq!(
            status(decode_json::<Login>(JSON, br#"{"email":"\udfff x"}"#)),
            400
        );
    }

    #[test]
    fn a_json_array_is_not_an_object() {
        assert_eq!(status(decode_json::<Login>(JSON, b"[1,2]")), 422);
    }

    #[test]
    fn declared_length_over_limit_is_413() {
        let limit = BodyLimit(10);
        assert_eq!(
            limit
                .check_declared(Some("11"))
                .expect_err("too big")
                .status,
            413
        );
        assert!(limit.check_declared(Some("10")).is_ok());
        assert!(limit.check_declared(None).is_ok());
        assert_eq!(
            limit.check_declared(Some("ten")).expect_err("nan").status,
            400
        );
        assert_eq!(limit.check_received(11).expect_err("too big").status, 413);
    }
}
