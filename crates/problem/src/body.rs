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
    let typed = serde_path_to_error::deserialize(&mut de);
    let err = match typed {
        Ok(value) => {
            de.end().map_err(|e| malformed(&e))?;
            return Ok(value);
        }
        Err(err) => err,
    };
    // The typed decode stops at the first wrong field, possibly before a syntax error
    // further on: a broken body is malformed (400) whatever it names first. Only
    // failing bodies pay for this second, untyped pass.
    let untyped = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(untyped) => untyped,
        Err(syntax) => return Err(malformed(&syntax)),
    };
    if !err.inner().is_data() {
        return Err(malformed(err.inner()));
    }
    // JSON Schema's `integer` (the OpenAPI contract's) takes `291.0`; serde does not.
    // A body refused only for that is read again with such numbers as integers.
    if let Some(integral) = integral_numbers(untyped) {
        if let Ok(value) = serde_path_to_error::deserialize(integral) {
            return Ok(value);
        }
    }
    let field = err.path().to_string();
    let field = if field == "." { String::new() } else { field };
    Err(Problem::validation(vec![FieldError::new(
        field,
        plain_words(&strip_position(&err.inner().to_string())),
    )]))
}

/// `value` with every float that is a whole number (`291.0`, `1e3`) as an integer, when
/// it has any; `None` when nothing changed.
fn integral_numbers(value: serde_json::Value) -> Option<serde_json::Value> {
    fn walk(value: &mut serde_json::Value, changed: &mut bool) {
        use serde_json::Value;
        match value {
            Value::Number(n) if n.is_f64() => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                // Exactly representable and in range: |f| < 2^63.
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    *value = Value::from(f as i64);
                    *changed = true;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, changed)),
            Value::Object(fields) => fields.values_mut().for_each(|v| walk(v, changed)),
            _ => {}
        }
    }
    let mut value = value;
    let mut changed = false;
    walk(&mut value, &mut changed);
    changed.then_some(value)
}

/// serde's message with the Rust types it names put as a client reads them: no problem
/// detail may speak of `i64` or `struct ProfileInput`.
fn plain_words(message: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        ("expected u64", "expected a whole number of at least 0"),
        ("expected usize", "expected a whole number of at least 0"),
        ("expected i8", "expected an integer"),
        ("expected i16", "expected an integer"),
        ("expected i32", "expected an integer"),
        ("expected i64", "expected an integer"),
        ("expected isize", "expected an integer"),
        ("expected f32", "expected a number"),
        ("expected f64", "expected a number"),
        ("floating point", "number"),
        ("a sequence", "an array"),
        ("invalid type: sequence", "invalid type: array"),
        ("invalid type: map", "invalid type: object"),
        ("a map", "an object"),
    ];
    let mut words = message.to_owned();
    for (rust, plain) in NAMES {
        // Whole words only: `expected u8` must not rewrite `expected u80…`.
        let mut out = String::with_capacity(words.len());
        let mut rest = words.as_str();
        while let Some(at) = rest.find(rust) {
            let after = &rest[at + rust.len()..];
            out.push_str(&rest[..at]);
            if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                out.push_str(rust);
            } else {
                out.push_str(plain);
            }
            rest = after;
        }
        out.push_str(rest);
        words = out;
    }
    // `expected struct ProfileInput`, `expected enum Kind`: the shape, not the name.
    for (kind, plain) in [
        ("struct ", "an object"),
        ("enum ", "one of the values listed"),
    ] {
        if let Some(at) = words.find(&format!("expected {kind}")) {
            let start = at + "expected ".len();
            let end = words[start + kind.len()..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(words.len(), |e| start + kind.len() + e);
            words.replace_range(start..end, plain);
        }
    }
    words
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

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Settings {
        days: Vec<i64>,
        #[serde(default)]
        #[allow(dead_code)]
        step: Option<u8>,
    }

    #[test]
    fn whole_numbers_written_as_floats_are_integers() {
        let s: Settings = decode_json(JSON, br#"{"days": [171, 291.0, 1e2]}"#).expect("whole");
        assert_eq!(s.days, [171, 291, 100]);
        let problem =
            decode_json::<Settings>(JSON, br#"{"days": [171, 291.5]}"#).expect_err("a fraction");
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "days[1]");
        assert_eq!(
            problem.errors[0].message,
            "invalid type: number `291.5`, expected an integer"
        );
    }

    #[test]
    fn no_message_names_a_rust_type() {
        for (body, expected) in [
            (
                &br#"{"days": [1], "step": 300}"#[..],
                "expected a whole number from 0 to 255",
            ),
            (
                br#"{"days": {"a": 1}}"#,
                "invalid type: object, expected an array",
            ),
            (br#"{"days": "x"}"#, "expected an array"),
        ] {
            let problem = decode_json::<Settings>(JSON, body).expect_err("refused");
            let message = &problem.errors[0].message;
            assert!(message.contains(expected), "{message}");
            for rust in ["u8", "i64", "sequence", "map", "struct"] {
                assert!(!message.contains(rust), "{message}");
            }
        }
        let problem = decode_json::<Settings>(JSON, b"true").expect_err("not an object");
        assert!(
            problem.errors[0].message.contains("expected an object"),
            "{:?}",
            problem.errors
        );
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
