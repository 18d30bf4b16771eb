//! How an invoice list is asked for: filters, page size and an opaque cursor.
//!
//! Invoices are listed newest number first. Pagination is keyset on the number
//! (`(year, sequence)`, unique per user), so pages stay stable while invoices are added.

use fin_problem::FieldError;
use time::Date;

use crate::status::Status;
use fin_commercial::dates::parse_date;

pub use fin_paging::{Page, DEFAULT_LIMIT, MAX_LIMIT};

/// A status as a client sees it: `sent` and `overdue` split the stored `sent` by the
/// due date; the others are stored as they are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Stored(Status),
    Sent,
    Overdue,
}

/// Where the previous page ended: the last invoice's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub year: i32,
    pub sequence: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        fin_paging::encode_cursor(&format!("{}:{}", self.year, self.sequence))
    }

    fn decode(raw: &str) -> Option<Self> {
        let text = fin_paging::decode_cursor(raw)?;
        let (year, sequence) = text.split_once(':')?;
        Some(Self {
            year: year.parse().ok()?,
            sequence: sequence.parse().ok()?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    pub status: Option<StatusFilter>,
    pub client_id: Option<String>,
    /// Issue dates from and to, both inclusive.
    pub issued_from: Option<Date>,
    pub issued_to: Option<Date>,
    pub after: Option<Cursor>,
}

impl ListQuery {
    /// Parses `limit`, `status`, `client_id`, `issued_from`, `issued_to` and `cursor`;
    /// anything else is refused so a typo is not silently ignored.
    pub fn parse(query: &str) -> Result<Self, Vec<FieldError>> {
        let mut list = ListQuery {
            limit: DEFAULT_LIMIT,
            status: None,
            client_id: None,
            issued_from: None,
            issued_to: None,
            after: None,
        };
        let known = "limit, status, client_id, issued_from, issued_to, cursor";
        let mut params = fin_paging::parse_query(query, known, |name, value| {
            Some(match name {
                "status" => parse_status(value)
                    .map(|status| list.status = Some(status))
                    .ok_or_else(|| "must be one of draft, sent, overdue, paid, void".into()),
                "client_id" => uuid::Uuid::parse_str(value)
                    .map(|id| list.client_id = Some(id.to_string()))
                    .map_err(|_| "must be a client id".into()),
                "issued_from" => parse_date(value).map(|date| list.issued_from = Some(date)),
                "issued_to" => parse_date(value).map(|date| list.issued_to = Some(date)),
                "cursor" => Cursor::decode(value)
                    .map(|cursor| list.after = Some(cursor))
                    .ok_or_else(|| "is not a cursor this API issued".into()),
                _ => return None,
            })
        });
        list.limit = params.limit;
        if let (Some(from), Some(to)) = (list.issued_from, list.issued_to) {
            if to < from {
                params.error("issued_to", "must not be before issued_from");
            }
        }
        params.finish(list)
    }
}

fn parse_status(raw: &str) -> Option<StatusFilter> {
    match raw {
        "sent" => Some(StatusFilter::Sent),
        "overdue" => Some(StatusFilter::Overdue),
        _ => Status::parse(raw).map(StatusFilter::Stored),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn defaults_and_filters() {
        let q = ListQuery::parse("").expect("valid");
        assert_eq!((q.limit, q.status, q.after), (DEFAULT_LIMIT, None, None));
        let q = ListQuery::parse(
            "status=overdue&limit=5&issued_from=2026-01-01&issued_to=2026-01-31\
             &client_id=6F1C2B1E-8A7D-4C7E-9F55-0D2B6D0E4A11",
        )
        .expect("valid");
        assert_eq!(q.status, Some(StatusFilter::Overdue));
        assert_eq!(q.limit, 5);
        assert_eq!(q.issued_from, Some(date!(2026 - 01 - 01)));
        assert_eq!(
            q.client_id.as_deref(),
            Some("6f1c2b1e-8a7d-4c7e-9f55-0d2b6d0e4a11")
        );
    }

    #[test]
    fn cursors_round_trip() {
        let cursor = Cursor {
            year: 2026,
            sequence: 42,
        };
        let q = ListQuery::parse(&format!("cursor={}", cursor.encode())).expect("valid");
        assert_eq!(q.after, Some(cursor));
    }

    #[test]
    fn bad_parameters_are_named() {
        let errors = ListQuery::parse(
            "limit=0&status=late&client_id=x&issued_from=yesterday&cursor=zz&page=2",
        )
        .expect_err("invalid");
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            names,
            [
                "limit",
                "status",
                "client_id",
                "issued_from",
                "cursor",
                "page"
            ]
        );
        let errors =
            ListQuery::parse("issued_from=2026-02-01&issued_to=2026-01-01").expect_err("range");
        assert_eq!(errors[0].field, "issued_to");
        assert!(ListQuery::parse("limit=101").is_err());
    }
}
