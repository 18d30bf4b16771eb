//! How an invoice list is asked for: filters, page size, an opaque cursor and how much
//! of each invoice to show.
//!
//! Invoices are listed newest number first; a list with an issue-date range newest issue
//! date first (then by number), so it walks the index by issue date from the range's end
//! instead of every newer invoice down to it. Pagination is keyset on that order (the
//! number, `(year, sequence)`, is unique per user), so pages stay stable while invoices
//! are added.

use fin_problem::FieldError;
use time::Date;

use crate::status::Status;
use fin_commercial::dates::{format_date, parse_date};

pub use fin_paging::{Page, DEFAULT_LIMIT, MAX_LIMIT};

/// A status as a client sees it: `sent` and `overdue` split the stored `sent` by the
/// due date; the others are stored as they are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Stored(Status),
    Sent,
    Overdue,
}

/// Where the previous page ended: the last invoice's number and issue date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub year: i32,
    pub sequence: i64,
    /// `None` in a cursor written before lists carried it: good for number order only.
    pub issued: Option<Date>,
}

impl Cursor {
    pub fn encode(self) -> String {
        let issued = self.issued.map(format_date).unwrap_or_default();
        fin_paging::encode_cursor(&format!("{}:{}:{issued}", self.year, self.sequence))
    }

    fn decode(raw: &str) -> Option<Self> {
        let text = fin_paging::decode_cursor(raw)?;
        let mut parts = text.splitn(3, ':');
        let year = parts.next()?.parse().ok()?;
        let sequence = parts.next()?.parse().ok()?;
        let issued = match parts.next() {
            None | Some("") => None,
            Some(date) => Some(parse_date(date).ok()?),
        };
        Some(Self {
            year,
            sequence,
            issued,
        })
    }
}

/// How much of each invoice a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// What a list screen shows: number, client, dates, status and sums — read from the
    /// invoice's own row, without its lines, payments, credit notes or parties.
    #[default]
    Summary,
    /// Each invoice as `GET /invoices/{id}` shows it (the account export reads this).
    Full,
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
    pub detail: Detail,
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
            detail: Detail::Summary,
        };
        let known = "limit, status, client_id, issued_from, issued_to, cursor, view";
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
                "view" => parse_detail(value)
                    .map(|detail| list.detail = detail)
                    .ok_or_else(|| "must be summary or full".into()),
                _ => return None,
            })
        });
        list.limit = params.limit;
        if let (Some(from), Some(to)) = (list.issued_from, list.issued_to) {
            if to < from {
                params.error("issued_to", "must not be before issued_from");
            }
        }
        if list.by_issue_date() && list.after.is_some_and(|c| c.issued.is_none()) {
            params.error(
                "cursor",
                "is from an older list without issue dates: start again from the first page",
            );
        }
        params.finish(list)
    }

    /// Whether the list is in issue-date order: it has an issue-date range.
    pub fn by_issue_date(&self) -> bool {
        self.issued_from.is_some() || self.issued_to.is_some()
    }
}

fn parse_detail(raw: &str) -> Option<Detail> {
    match raw {
        "summary" => Some(Detail::Summary),
        "full" => Some(Detail::Full),
        _ => None,
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
            issued: Some(date!(2026 - 03 - 31)),
        };
        let q = ListQuery::parse(&format!("cursor={}", cursor.encode())).expect("valid");
        assert_eq!(q.after, Some(cursor));
        let ranged = format!("issued_to=2026-12-31&cursor={}", cursor.encode());
        assert_eq!(
            ListQuery::parse(&ranged).expect("valid").after,
            Some(cursor)
        );
    }

    #[test]
    fn a_cursor_without_an_issue_date_pages_by_number_only() {
        let old = fin_paging::encode_cursor("2026:42");
        let q = ListQuery::parse(&format!("cursor={old}")).expect("number order");
        assert_eq!(
            q.after,
            Some(Cursor {
                year: 2026,
                sequence: 42,
                issued: None
            })
        );
        let errors = ListQuery::parse(&format!("issued_from=2026-01-01&cursor={old}"))
            .expect_err("a date range needs the date");
        assert_eq!(errors[0].field, "cursor");
    }

    #[test]
    fn a_list_is_a_summary_unless_asked_in_full() {
        assert_eq!(ListQuery::parse("").expect("valid").detail, Detail::Summary);
        assert_eq!(
            ListQuery::parse("view=full").expect("valid").detail,
            Detail::Full
        );
        let errors = ListQuery::parse("view=lines").expect_err("unknown view");
        assert_eq!(errors[0].field, "view");
    }

    #[test]
    fn bad_parameters_are_named() {
        let errors = ListQuery::parse(
            "limit=0&status=late&client_id=x&issued_from=yesterday&cursor=zz&view=all&page=2",
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
                "view",
                "page"
            ]
        );
        let errors =
            ListQuery::parse("issued_from=2026-02-01&issued_to=2026-01-01").expect_err("range");
        assert_eq!(errors[0].field, "issued_to");
        assert!(ListQuery::parse("limit=101").is_err());
    }
}
