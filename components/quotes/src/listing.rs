//! How quotes are listed: newest number first, a page at a time, with an opaque keyset
//! cursor (the last row's number), optionally only those in one state, or the one that
//! became an invoice (how the invoice finds its quote without billing knowing quotes).

use fin_problem::FieldError;
use serde::{Deserialize, Serialize};

pub use fin_paging::{Page, DEFAULT_LIMIT, MAX_LIMIT};

use crate::domain::Status;

/// Where the previous page ended: the last quote's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub year: i32,
    pub seq: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        fin_paging::encode_cursor(&serde_json::to_string(self).unwrap_or_default())
    }

    fn decode(raw: &str) -> Option<Self> {
        serde_json::from_str(&fin_paging::decode_cursor(raw)?).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    pub after: Option<Cursor>,
    pub status: Option<Status>,
    /// Only the quote converted to this invoice (a UUID).
    pub invoice_id: Option<String>,
}

impl ListQuery {
    /// Parses `limit`, `cursor`, `status` and `invoice_id`; anything else is refused, so
    /// a typo is not silently ignored.
    pub fn parse(query: &str) -> Result<Self, Vec<FieldError>> {
        let mut cursor = None;
        let mut status = None;
        let mut invoice_id = None;
        let allowed = "limit, cursor, status, invoice_id";
        let mut params = fin_paging::parse_query(query, allowed, |name, value| match name {
            "cursor" => {
                cursor = Some(value.to_owned());
                Some(Ok(()))
            }
            "status" => Some(match Status::parse(value) {
                Some(s) => {
                    status = Some(s);
                    Ok(())
                }
                None => Err("must be draft, sent, accepted, declined or expired".into()),
            }),
            "invoice_id" => Some(match crate::domain::parse_id(value) {
                Some(id) => {
                    invoice_id = Some(id);
                    Ok(())
                }
                None => Err("must be an invoice's id (a UUID)".into()),
            }),
            _ => None,
        });
        let mut list = ListQuery {
            limit: params.limit,
            after: None,
            status,
            invoice_id,
        };
        if let Some(raw) = cursor {
            match Cursor::decode(&raw) {
                Some(c) => list.after = Some(c),
                None => params.error("cursor", "is not a cursor this API issued"),
            }
        }
        params.finish(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_cursor_and_status_are_read_and_the_rest_refused() {
        let cursor = Cursor { year: 2026, seq: 7 };
        let q = ListQuery::parse(&format!(
            "limit=5&status=expired&cursor={}",
            cursor.encode()
        ))
        .expect("valid");
        assert_eq!(
            (q.limit, q.after, q.status),
            (5, Some(cursor), Some(Status::Expired))
        );
        let invoice = "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11";
        let q = ListQuery::parse(&format!("invoice_id={invoice}")).expect("valid");
        assert_eq!(q.invoice_id.as_deref(), Some(invoice));
        let errors = ListQuery::parse("limit=0&q=x&status=open&invoice_id=INV-1&cursor=nope!")
            .expect_err("bad");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "q", "status", "invoice_id", "cursor"]);
    }
}
