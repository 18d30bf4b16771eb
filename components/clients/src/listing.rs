//! How a client list is asked for: page size, order, search, and an opaque cursor.
//!
//! Pagination is keyset (the cursor carries the last row's sort key and id), so pages
//! stay stable while clients are added and cost the same however deep one pages.

use fin_problem::{FieldError, Text};
use serde::{Deserialize, Serialize};

pub use fin_paging::{Page, DEFAULT_LIMIT, MAX_LIMIT};

const MAX_QUERY_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "created_at")]
    CreatedAt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub sort: Sort,
    /// The last row's sort key, as text (a lower-cased name, or a UTC timestamp).
    pub key: String,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        fin_paging::encode_cursor(&serde_json::to_string(self).unwrap_or_default())
    }

    /// The key is a name as a client may write it, so what a name may not hold (its
    /// JSON escapes included) is refused here too.
    fn decode(raw: &str) -> Option<Self> {
        let cursor: Cursor = serde_json::from_str(&fin_paging::decode_cursor(raw)?).ok()?;
        Text::Block.check(&cursor.key).ok()?;
        uuid::Uuid::parse_str(&cursor.id).ok().map(|_| cursor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    pub sort: Sort,
    /// Matched case-insensitively against name, email and company.
    pub search: Option<String>,
    /// `true` lists only archived clients; by default they are hidden.
    pub archived: bool,
    pub after: Option<Cursor>,
}

impl ListQuery {
    /// Parses `limit`, `sort` (`name`, `-name`, `created_at`, `-created_at`), `q`,
    /// `archived` and `cursor`; anything else is refused so a typo is not silently ignored.
    pub fn parse(query: &str) -> Result<Self, Vec<FieldError>> {
        let mut list = ListQuery {
            limit: DEFAULT_LIMIT,
            sort: Sort {
                key: SortKey::Name,
                descending: false,
            },
            search: None,
            archived: false,
            after: None,
        };
        let mut cursor = None;
        let known = "limit, sort, q, archived, cursor";
        let mut params = fin_paging::parse_query(query, known, |name, value| {
            Some(match name {
                "sort" => parse_sort(value)
                    .map(|sort| list.sort = sort)
                    .ok_or_else(|| "must be one of name, -name, created_at, -created_at".into()),
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
                "archived" => match value {
                    "true" | "false" => {
                        list.archived = value == "true";
                        Ok(())
                    }
                    _ => Err("must be true or false".into()),
                },
                // Read last: whether it fits depends on the sort.
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
                Some(c) if c.sort == list.sort => list.after = Some(c),
                Some(_) => params.error("cursor", "belongs to another sort order"),
                None => params.error("cursor", "is not a cursor this API issued"),
            }
        }
        params.finish(list)
    }
}

fn parse_sort(raw: &str) -> Option<Sort> {
    let (descending, key) = match raw.strip_prefix('-') {
        Some(key) => (true, key),
        None => (false, raw),
    };
    let key = match key {
        "name" => SortKey::Name,
        "created_at" => SortKey::CreatedAt,
        _ => return None,
    };
    Some(Sort { key, descending })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn defaults_are_twenty_by_name() {
        let q = ListQuery::parse("").expect("valid");
        assert_eq!(q.limit, DEFAULT_LIMIT);
        assert_eq!(
            q.sort,
            Sort {
                key: SortKey::Name,
                descending: false
            }
        );
        assert!(!q.archived && q.search.is_none() && q.after.is_none());
    }

    #[test]
    fn parses_every_parameter() {
        let q =
            ListQuery::parse("limit=5&sort=-created_at&q=%20acme%20&archived=true").expect("valid");
        assert_eq!(q.limit, 5);
        assert_eq!(
            q.sort,
            Sort {
                key: SortKey::CreatedAt,
                descending: true
            }
        );
        assert_eq!(q.search.as_deref(), Some("acme"));
        assert!(q.archived);
    }

    #[test]
    fn refuses_bad_and_unknown_parameters() {
        let errors =
            ListQuery::parse("limit=0&sort=email&archived=yes&page=2").expect_err("invalid");
        assert_eq!(fields(&errors), ["limit", "sort", "archived", "page"]);
        assert!(ListQuery::parse(&format!("limit={}", MAX_LIMIT + 1)).is_err());
        assert!(ListQuery::parse("limit=abc").is_err());
    }

    #[test]
    fn cursors_round_trip_and_are_checked() {
        let sort = Sort {
            key: SortKey::Name,
            descending: false,
        };
        let cursor = Cursor {
            sort,
            key: "acme".into(),
            id: "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11".into(),
        };
        let q = ListQuery::parse(&format!("cursor={}", cursor.encode())).expect("valid");
        assert_eq!(q.after, Some(cursor.clone()));
        let other_sort = ListQuery::parse(&format!("sort=created_at&cursor={}", cursor.encode()));
        assert_eq!(fields(&other_sort.expect_err("mismatch")), ["cursor"]);
        assert!(ListQuery::parse("cursor=garbage!").is_err());
    }
}
