//! Spin variables, parsed.
//!
//! A variable that is missing or unparsable is an operator's mistake, not the client's:
//! it is logged with its name and answered with a generic 500.

use std::str::FromStr;

use fin_problem::Problem;

/// The variable's value parsed as `T`.
pub fn get<T: FromStr>(name: &str) -> Result<T, Problem> {
    let raw = spin_sdk::variables::get(name).map_err(|err| {
        fin_log::error!("configuration", "variable `{name}` is unavailable: {err}");
        Problem::internal()
    })?;
    raw.trim().parse().map_err(|_| {
        fin_log::error!("configuration", "variable `{name}` has an invalid value");
        Problem::internal()
    })
}

/// The request-body limit every component enforces, from `max_body_bytes`.
pub fn body_limit() -> Result<fin_problem::BodyLimit, Problem> {
    get("max_body_bytes").map(fin_problem::BodyLimit)
}
