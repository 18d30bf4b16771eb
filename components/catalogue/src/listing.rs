//! How the catalogue is listed: by name, a page at a time, with an optional search and
//! an opaque keyset cursor (the last row's lower-cased name and id), so pages stay stable
//! while items are added.

use fin_problem::{FieldError, Text};
use serde::{Deserialize, Serialize};

pub use fin_paging::{Page, DEFAULT_LIMIT, MAX_LIMIT};

const MAX_QUERY_CHARS: usize = 100;

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The last row's name, lower-cased.
    pub key: String,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        fin_paging::encode_cursor(&serde_json::to_string(self).unwrap_or_default())
    }

    /// The key is a name as a user may write it, so what a name may not hold is refused.
    fn decode(raw: &str) -> Option<Self> {
        let cursor: Cursor = serde_json::from_str(&fin_paging::decode_cursor(raw)?).ok()?;
        Text::Block.check(&cursor.key).ok()?;
        uuid::Uuid::parse_str(&cursor.id).ok().map(|_| cursor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    /// Matched case-insensitively against name and description.
    pub search: Option<String>,
    pub after: Option<Cursor>,
}

impl ListQuery {
    /// Parses `limit`, `q` and `cursor`; anything else is refused, so a typo is not
    /// silently ignored.
    pub fn parse(query: &str) -> Result<Self, Vec<FieldError>> {
        let mut list = ListQuery {
            limit: DEFAULT_LIMIT,
            search: None,
            after: None,
        };
        let mut cursor = None;
        let mut params = fin_paging::parse_query(query, "limit, q, cursor", |name, value| {
            Some(match name {
                "q" => {
                    let q = value.trim();
                    if q.chars().count() > MAX_QUERY_CHARS {
                        Err(format!("must be at most {MAX_QUERY_CHARS} characters"))
                    } else if let Err(message) = Text::Block.check(q) {
                        Err(message)
                    } else {
                        list.search = Some(q.to_owned()).filter(|q| !q.is_empty());
                        Ok(())
                    }
                }
                "cursor" => {
                    cursor = Some(value.to_owned());
                    Ok(())
                }
                _ => return None,
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
    fn limit_search_and_cursor_are_read_and_the_rest_refused() {
        let cursor = Cursor {
            key: "design".into(),
            id: "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11".into(),
        };
        let q = ListQuery::parse(&format!("limit=5&q=%20des%20&cursor={}", cursor.encode()))
            .expect("valid");
        assert_eq!(
            (q.limit, q.search.as_deref(), q.after),
            (5, Some("des"), Some(cursor))
        );
        let errors = ListQuery::parse("limit=0&sort=name&cursor=nope!").expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "sort", "cursor"]);
        assert_eq!(ListQuery::parse("").expect("defaults").limit, DEFAULT_LIMIT);
    }
}
