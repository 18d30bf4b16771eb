//! How every list in the API pages: `limit` between 1 and [`MAX_LIMIT`] (default
//! [`DEFAULT_LIMIT`]) and keyset pages whose `next_cursor` is opaque to clients.
//!
//! Each context decides what its cursor holds (a sort key and id, an invoice number);
//! this crate holds what must not differ between contexts.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use fin_problem::text::NUL_MESSAGE;
use fin_problem::{FieldError, Text};
use serde::Serialize;

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// A `limit` query parameter, or the message for its field error.
pub fn parse_limit(raw: &str) -> Result<u32, String> {
    match raw.parse::<u32>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from 1 to {MAX_LIMIT}")),
    }
}

/// A list's query parameters once read: the page size, and every parameter that was
/// wrong, named, so a client fixes them all at once.
#[derive(Debug)]
pub struct Params {
    pub limit: u32,
    pub errors: Vec<FieldError>,
}

impl Params {
    /// Reports a problem that involves more than one parameter.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// `list` when every parameter was right, else every error.
    pub fn finish<T>(self, list: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(list)
        } else {
            Err(self.errors)
        }
    }
}

/// Reads a list's query string: `limit` here, every other parameter through `param`,
/// which answers `None` for a name it does not know — refused, naming the `known` ones,
/// so a typo is never silently ignored — or its verdict on the value. A name or value
/// with U+0000 (`%00`) is refused here, before `param` sees it: query parameters reach
/// a context only through this function, so none can pass one on to storage.
pub fn parse_query(
    query: &str,
    known: &str,
    mut param: impl FnMut(&str, &str) -> Option<Result<(), String>>,
) -> Params {
    let mut params = Params {
        limit: DEFAULT_LIMIT,
        errors: Vec::new(),
    };
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name.contains('\0') {
            params.error("query", format!("parameter names {NUL_MESSAGE}"));
            continue;
        }
        if value.contains('\0') {
            params.error(&name, NUL_MESSAGE);
            continue;
        }
        let verdict = match name.as_ref() {
            "limit" => parse_limit(&value).map(|n| params.limit = n),
            other => param(other, &value)
                .unwrap_or_else(|| Err(format!("is not a known parameter ({known})"))),
        };
        if let Err(message) = verdict {
            params.error(&name, message);
        }
    }
    params
}

/// A cursor for `text` (a context's own rendering of where a page ended), opaque to
/// clients: URL-safe base64 without padding.
pub fn encode_cursor(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// The text inside a cursor [`encode_cursor`] wrote, or `None` for anything else. A
/// cursor comes back from the client, so it is input like any other: text with a
/// control character (U+0000 included) was never written by us and is refused here,
/// before a context reads it or passes it on to storage.
pub fn decode_cursor(raw: &str) -> Option<String> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).ok()?).ok()?;
    Text::Line.check(&text).ok()?;
    Some(text)
}

/// One page of results.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page from the rows a store returned for `limit`: it asks for one row more than
    /// it shows, and only when that extra row came is there a next page, starting after
    /// the last row shown (`cursor_after` writes its cursor).
    pub fn from_rows(
        mut rows: Vec<T>,
        limit: u32,
        cursor_after: impl FnOnce(&T) -> String,
    ) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = rows.last().filter(|_| more).map(cursor_after);
        Self {
            items: rows,
            next_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_bounded() {
        assert_eq!(parse_limit("1"), Ok(1));
        assert_eq!(parse_limit("100"), Ok(100));
        for bad in ["0", "101", "-1", "ten", ""] {
            assert!(parse_limit(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_bad_parameter_is_named_in_order() {
        let mut seen = Vec::new();
        let params = parse_query(
            "limit=0&a=1&b=x&zz=3&limit=7",
            "limit, a, b",
            |name, value| {
                seen.push(name.to_owned());
                match name {
                    "a" => Some(Ok(())),
                    "b" => Some(value.parse::<u8>().map(|_| ()).map_err(|e| e.to_string())),
                    _ => None,
                }
            },
        );
        assert_eq!(params.limit, 7);
        let fields: Vec<&str> = params.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "b", "zz"]);
        assert!(params.errors[2].message.contains("limit, a, b"));
        assert_eq!(seen, ["a", "b", "zz"]);
        assert!(parse_query("", "limit", |_, _| None).finish(()).is_ok());
    }

    #[test]
    fn nul_in_a_name_or_value_is_refused_before_the_context_sees_it() {
        let params = parse_query(
            "a=x%00y&limit=5&b%00=1&a=%2500",
            "limit, a",
            |name, value| {
                assert!(!name.contains('\0') && !value.contains('\0'));
                Some(Ok(()))
            },
        );
        let fields: Vec<&str> = params.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["a", "query"]);
        assert_eq!(params.limit, 5);
    }

    #[test]
    fn cursors_round_trip_and_refuse_what_we_never_wrote() {
        let text = "2026:17|évt_1";
        assert_eq!(decode_cursor(&encode_cursor(text)).as_deref(), Some(text));
        for forged in ["a\0b", "a\nb", "\u{85}"] {
            assert_eq!(decode_cursor(&encode_cursor(forged)), None, "{forged:?}");
        }
        assert_eq!(decode_cursor("not base64!"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode([0xff, 0xfe])), None);
    }

    #[test]
    fn the_extra_row_means_a_next_page_after_the_last_shown() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |last| format!("after {last}"));
        assert_eq!(page.items, [1, 2]);
        assert_eq!(page.next_cursor.as_deref(), Some("after 2"));
    }

    #[test]
    fn an_exact_or_short_page_is_the_last() {
        let exact = Page::from_rows(vec![1, 2], 2, |_| unreachable!("no next page"));
        assert_eq!((exact.items.len(), exact.next_cursor), (2, None));
        let empty = Page::from_rows(Vec::<i32>::new(), 2, |_| unreachable!("no next page"));
        assert!(empty.items.is_empty());
    }

    #[test]
    fn pages_serialise_with_a_null_cursor_at_the_end() {
        let json =
            serde_json::to_value(Page::from_rows(vec!["a"], 5, |_| String::new())).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"items": ["a"], "next_cursor": null})
        );
    }
}
