//! How recurring invoices are listed: newest first, a page at a time, with an opaque
//! keyset cursor (the last row's creation time and id), so pages stay stable while
//! templates are added.

use fin_problem::FieldError;
use serde::{Deserialize, Serialize};

pub use fin_paging::{Page, DEFAULT_LIMIT, MAX_LIMIT};

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The last row's creation time, RFC 3339 to the microsecond.
    pub key: String,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        fin_paging::encode_cursor(&serde_json::to_string(self).unwrap_or_default())
    }

    fn decode(raw: &str) -> Option<Self> {
        let cursor: Cursor = serde_json::from_str(&fin_paging::decode_cursor(raw)?).ok()?;
        let time_like = cursor.key.len() <= 40
            && cursor
                .key
                .bytes()
                .all(|b| b.is_ascii_digit() || b"-:.TZ".contains(&b));
        (time_like && uuid::Uuid::parse_str(&cursor.id).is_ok()).then_some(cursor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    pub after: Option<Cursor>,
}

impl ListQuery {
    /// Parses `limit` and `cursor`; anything else is refused, so a typo is not silently
    /// ignored.
    pub fn parse(query: &str) -> Result<Self, Vec<FieldError>> {
        let mut list = ListQuery {
            limit: DEFAULT_LIMIT,
            after: None,
        };
        let mut cursor = None;
        let mut params = fin_paging::parse_query(query, "limit, cursor", |name, value| {
            (name == "cursor").then(|| {
                cursor = Some(value.to_owned());
                Ok(())
            })
        });
        list.limit = params.limit;
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
    fn limit_and_cursor_are_read_and_the_rest_refused() {
        let cursor = Cursor {
            key: "2026-12-06T10:00:00.123456Z".into(),
            id: "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11".into(),
        };
        let q = ListQuery::parse(&format!("limit=5&cursor={}", cursor.encode())).expect("valid");
        assert_eq!((q.limit, q.after), (5, Some(cursor)));
        let errors = ListQuery::parse("limit=0&q=x&cursor=nope!").expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "q", "cursor"]);
        let forged = Cursor {
            key: "'; DROP TABLE x".into(),
            id: "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11".into(),
        };
        assert!(ListQuery::parse(&format!("cursor={}", forged.encode())).is_err());
    }
}
