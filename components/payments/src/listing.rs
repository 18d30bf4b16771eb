//! How a freelancer lists the provider payments made out to them: newest first, keyset
//! pages on (received at, event id), optionally only applied or only unapplied ones.

use fin_problem::FieldError;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use fin_paging::{Page, DEFAULT_LIMIT};

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// RFC 3339 with microseconds, as the list shows it.
    pub received_at: String,
    pub event_id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        fin_paging::encode_cursor(&format!("{}|{}", self.received_at, self.event_id))
    }

    fn decode(raw: &str) -> Option<Self> {
        let text = fin_paging::decode_cursor(raw)?;
        let (at, event_id) = text.split_once('|')?;
        OffsetDateTime::parse(at, &Rfc3339).ok()?;
        Some(Self {
            received_at: at.to_owned(),
            event_id: event_id.to_owned(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    /// `applied` or `unapplied`.
    pub outcome: Option<&'static str>,
    pub after: Option<Cursor>,
}

impl ListQuery {
    /// Parses `limit`, `outcome` and `cursor`; anything else is refused.
    pub fn parse(query: &str) -> Result<Self, Vec<FieldError>> {
        let (mut outcome, mut after) = (None, None);
        let params = fin_paging::parse_query(query, "limit, outcome, cursor", |name, value| {
            Some(match name {
                "outcome" => ["applied", "unapplied"]
                    .into_iter()
                    .find(|o| *o == value)
                    .map(|o| outcome = Some(o))
                    .ok_or_else(|| "must be applied or unapplied".into()),
                "cursor" => Cursor::decode(value)
                    .map(|cursor| after = Some(cursor))
                    .ok_or_else(|| "is not a cursor this API issued".into()),
                _ => return None,
            })
        });
        let list = ListQuery {
            limit: params.limit,
            outcome,
            after,
        };
        params.finish(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_filters_and_cursors() {
        assert_eq!(
            ListQuery::parse("").expect("valid"),
            ListQuery {
                limit: DEFAULT_LIMIT,
                outcome: None,
                after: None
            }
        );
        let cursor = Cursor {
            received_at: "2026-02-02T02:40:00.123456Z".into(),
            event_id: "evt_1|x".into(),
        };
        let q = ListQuery::parse(&format!(
            "outcome=unapplied&limit=3&cursor={}",
            cursor.encode()
        ))
        .expect("valid");
        assert_eq!((q.limit, q.outcome), (3, Some("unapplied")));
        assert_eq!(q.after, Some(cursor));
    }

    #[test]
    fn bad_parameters_are_named() {
        let errors =
            ListQuery::parse("limit=0&outcome=ignored&cursor=%%%&page=2").expect_err("invalid");
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["limit", "outcome", "cursor", "page"]);
    }
}
