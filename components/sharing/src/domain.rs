//! What a share link is: an unguessable token, of which only a digest is kept, and how
//! long the link works.

use fin_problem::FieldError;
use serde::{Deserialize, Serialize};

/// How long a link works unless the request says: a month, a usual payment term.
pub const DEFAULT_DAYS: i64 = 30;
pub const MAX_DAYS: i64 = 365;
/// Links that still work, per invoice: enough to send one per reminder and per contact,
/// few enough that a script cannot pile them up.
pub const MAX_ACTIVE: i64 = 20;

/// A link's secret: the token in its URL.
pub use fin_secret::Secret as Token;

/// A `POST /invoices/{id}/share` body; an empty body takes every default.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShareInput {
    /// A whole number; `7.0` is one too (JSON Schema's integer), as every body reads it
    /// (`fin_problem::decode_json`).
    pub expires_in_days: Option<i64>,
}

impl ShareInput {
    /// The link's lifetime in days.
    pub fn days(&self) -> Result<i64, Vec<FieldError>> {
        match self.expires_in_days {
            None => Ok(DEFAULT_DAYS),
            Some(days) if (1..=MAX_DAYS).contains(&days) => Ok(days),
            Some(_) => Err(vec![FieldError::new(
                "expires_in_days",
                format!("must be a whole number of days from 1 to {MAX_DAYS}"),
            )]),
        }
    }
}

/// A link as its owner sees it. The token is shown once, when the link is made: the
/// `url` only a create answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareLink {
    pub id: String,
    pub invoice_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub state: &'static str,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_lifetime_is_one_day_to_a_year() {
        let days = |v: serde_json::Value| {
            let body = serde_json::to_vec(&v).map_err(|_| "json".to_owned())?;
            fin_problem::decode_json::<ShareInput>(Some("application/json"), &body)
                .map_err(|_| "type".to_owned())?
                .days()
                .map_err(|e| e[0].field.clone())
        };
        assert_eq!(days(json!({})), Ok(DEFAULT_DAYS));
        assert_eq!(days(json!({"expires_in_days": null})), Ok(DEFAULT_DAYS));
        assert_eq!(days(json!({"expires_in_days": 7})), Ok(7));
        assert_eq!(days(json!({"expires_in_days": 365})), Ok(365));
        for bad in [json!(0), json!(366), json!(-1)] {
            assert_eq!(
                days(json!({ "expires_in_days": bad })),
                Err("expires_in_days".into()),
                "{bad}"
            );
        }
        assert_eq!(
            days(json!({"expires_in_days": 7.0})),
            Ok(7),
            "JSON Schema's integer"
        );
        for wrong in [json!(1.5), json!("7"), json!(true)] {
            assert_eq!(
                days(json!({ "expires_in_days": wrong })),
                Err("type".into())
            );
        }
        assert_eq!(days(json!({"token": "x"})), Err("type".into()));
    }
}
