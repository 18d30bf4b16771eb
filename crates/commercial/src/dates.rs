//! The dates a commercial document carries (issued, due, paid on), as ISO 8601 calendar
//! dates in JSON.

use time::Date;

/// An ISO 8601 calendar date, `2026-03-31`.
pub fn parse_date(raw: &str) -> Result<Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw.trim(), format).map_err(|_| "must be a date such as 2026-03-31".to_owned())
}

pub fn format_date(date: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(format).unwrap_or_default()
}
