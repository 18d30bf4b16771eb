//! The port to a transactional e-mail provider. A provider turns an e-mail into one HTTP
//! request and reads the answer into an [`Outcome`]; the edge sends the request (Spin's
//! outbound HTTP), so providers are plain functions, tested natively.

use crate::domain::Outcome;

/// An e-mail ready to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// `Name <address>`.
    pub from: String,
    pub to: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
    /// The same for every attempt of one delivery, so a retried call sends nothing twice.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// An HTTP request for the edge to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// What came back; `Err` when nothing did (refused, timed out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<i64>,
    pub body: Vec<u8>,
}

pub trait Provider {
    fn request(&self, email: &Email) -> Request;
    fn outcome(&self, answer: Result<Answer, String>) -> Outcome;
}
