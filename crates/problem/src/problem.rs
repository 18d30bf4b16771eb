use serde::{Serialize, Serializer};

/// An RFC 9457 problem document.
///
/// `type` is a relative URI under `/problems/`; `docs/problems.md` describes each one so a
/// client developer can look a failure up by its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The last segment of the `type` URI; static so every problem type is in the code.
    #[serde(rename = "type", serialize_with = "type_uri")]
    pub slug: &'static str,
    pub title: &'static str,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field-level validation failures, so a form can highlight each field at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Extension members (RFC 9457 §3.2) a client can act on, e.g. `current_status`;
    /// boxed because few problems have any and every `Result` carries a `Problem`.
    #[serde(flatten)]
    pub extensions: Option<Box<serde_json::Map<String, serde_json::Value>>>,
    /// Headers the response must carry (`Retry-After`, `WWW-Authenticate`, `Allow`).
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
}

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The `WWW-Authenticate` challenge sent with every 401, as RFC 9110 requires.
const BEARER_CHALLENGE: &str = "Bearer realm=\"fin-freelancer\"";

impl Problem {
    pub fn new(status: u16, slug: &'static str, title: &'static str) -> Self {
        Self {
            slug,
            title,
            status,
            detail: None,
            errors: Vec::new(),
            extensions: None,
            headers: Vec::new(),
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_extension(mut self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        self.extensions
            .get_or_insert_with(Default::default)
            .insert(name.to_owned(), value.into());
        self
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, "malformed-request", "Malformed request").with_detail(detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut problem = Self::new(422, "validation", "Invalid input")
            .with_detail("One or more fields are invalid; see `errors`.");
        problem.errors = errors;
        problem
    }

    /// A 401 whose `error` parameter tells the client why its token was refused
    /// (RFC 6750 §3) while the body stays the same for every cause.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let challenge = format!(
            "{BEARER_CHALLENGE}, error=\"invalid_token\", error_description=\"{}\"",
            detail.replace('"', "'")
        );
        Self::new(401, "unauthorized", "Unauthorized")
            .with_detail(detail)
            .with_header("WWW-Authenticate", challenge)
    }

    /// A 401 for a request that carried no credentials at all (RFC 6750 §3.1: no `error`).
    pub fn missing_credentials() -> Self {
        Self::new(401, "unauthorized", "Unauthorized")
            .with_detail("This endpoint needs an `Authorization: Bearer <token>` header.")
            .with_header("WWW-Authenticate", BEARER_CHALLENGE)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, "not-found", "Not found").with_detail(detail)
    }

    /// A path no component serves.
    pub fn no_route(path: &str) -> Self {
        Self::not_found(format!("There is no resource at {path}."))
    }

    pub fn method_not_allowed(allowed: &[&str]) -> Self {
        Self::new(405, "method-not-allowed", "Method not allowed")
            .with_detail(format!("This resource supports {}.", allowed.join(", ")))
            .with_header("Allow", allowed.join(", "))
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(409, "conflict", "Conflict").with_detail(detail)
    }

    /// A conditional request (`If-Match`) whose condition no longer holds.
    pub fn precondition_failed(detail: impl Into<String>) -> Self {
        Self::new(412, "precondition-failed", "Precondition failed").with_detail(detail)
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(413, "payload-too-large", "Payload too large")
            .with_detail(format!("Request bodies are limited to {limit} bytes."))
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(415, "unsupported-media-type", "Unsupported media type")
            .with_detail("Send the body as `Content-Type: application/json`.")
    }

    pub fn too_many_requests(retry_after_seconds: u64, detail: impl Into<String>) -> Self {
        Self::new(429, "too-many-requests", "Too many requests")
            .with_detail(detail)
            .with_header("Retry-After", retry_after_seconds.max(1).to_string())
    }

    /// A failure of ours. The detail is deliberately generic: the cause goes to the log,
    /// never to the client.
    pub fn internal() -> Self {
        Self::new(500, "internal", "Internal error")
            .with_detail("Something went wrong on our side; it has been logged.")
    }

    pub fn unavailable(retry_after_seconds: u64) -> Self {
        Self::new(503, "unavailable", "Service unavailable")
            .with_detail("A service this request depends on is unavailable; try again shortly.")
            .with_header("Retry-After", retry_after_seconds.max(1).to_string())
    }

    pub fn to_json(&self) -> Vec<u8> {
        // Serialising a struct of strings and integers cannot fail.
        serde_json::to_vec(self).unwrap_or_else(|_| b"{}".to_vec())
    }
}

fn type_uri<S: Serializer>(slug: &&'static str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("/problems/{slug}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_rfc9457_members_and_hides_headers() {
        let problem = Problem::too_many_requests(30, "slow down");
        let json: serde_json::Value = serde_json::from_slice(&problem.to_json()).expect("json");
        assert_eq!(json["type"], "/problems/too-many-requests");
        assert_eq!(json["status"], 429);
        assert_eq!(json["detail"], "slow down");
        assert!(json.get("headers").is_none());
        assert!(json.get("errors").is_none(), "empty errors are omitted");
        assert_eq!(
            problem.headers,
            vec![("Retry-After".to_owned(), "30".to_owned())]
        );
    }

    #[test]
    fn extensions_are_top_level_members() {
        let problem = Problem::conflict("no").with_extension("current_status", "sent");
        let json: serde_json::Value = serde_json::from_slice(&problem.to_json()).expect("json");
        assert_eq!(json["current_status"], "sent");
        assert_eq!(json["status"], 409);
    }

    #[test]
    fn retry_after_is_never_zero() {
        let problem = Problem::too_many_requests(0, "x");
        assert_eq!(problem.headers[0].1, "1");
    }

    #[test]
    fn every_401_carries_a_bearer_challenge() {
        for problem in [
            Problem::unauthorized("token expired"),
            Problem::missing_credentials(),
        ] {
            let (name, value) = &problem.headers[0];
            assert_eq!(name, "WWW-Authenticate");
            assert!(
                value.starts_with("Bearer realm=\"fin-freelancer\""),
                "{value}"
            );
        }
    }

    #[test]
    fn validation_lists_each_field() {
        let problem = Problem::validation(vec![FieldError::new("email", "is required")]);
        let json: serde_json::Value = serde_json::from_slice(&problem.to_json()).expect("json");
        assert_eq!(json["status"], 422);
        assert_eq!(json["errors"][0]["field"], "email");
    }
}
