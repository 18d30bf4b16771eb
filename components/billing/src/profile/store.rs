//! Business profiles in Postgres: one row per freelancer, the profile as `jsonb`.

use fin_spin_edge::pg::{int, query, text};
use fin_spin_edge::{rfc3339, Fault};
use spin_sdk::pg4::{Connection, DbValue, ParameterValue};

use super::domain::BusinessProfile;

/// A profile as stored: with the version its ETag names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub profile: BusinessProfile,
    pub version: i64,
    pub updated_at: String,
}

/// What a `PUT` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put {
    Saved {
        stored: Box<Stored>,
        created: bool,
    },
    /// `If-Match` named another version; `None` when there is no profile to match.
    Stale {
        current: Option<i64>,
    },
}

const RETURNING: &str = concat!(
    "profile::text, version, ",
    rfc3339!("updated_at"),
    // Only an insert writes version 1: every replacement adds one.
    ", version = 1 AS created"
);

pub fn get(conn: &Connection, owner: &str) -> Result<Option<Stored>, Fault> {
    let sql = format!("SELECT {RETURNING} FROM business_profiles WHERE owner_id = $1::text::uuid");
    query(conn, &sql, &[owner.to_owned().into()])?
        .first()
        .map(|row| stored(row).map(|(stored, _)| stored))
        .transpose()
}

/// Replaces (or creates) `owner`'s profile; with `if_match`, only that version.
pub fn put(
    conn: &Connection,
    owner: &str,
    profile: &BusinessProfile,
    if_match: Option<i64>,
) -> Result<Put, Fault> {
    let json = serde_json::to_string(profile).map_err(|e| Fault::from(format!("encode: {e}")))?;
    let mut params: Vec<ParameterValue> = vec![owner.to_owned().into(), json.into()];
    let sql = match if_match {
        None => format!(
            "INSERT INTO business_profiles (owner_id, profile) VALUES ($1::text::uuid, $2::text::jsonb) \
             ON CONFLICT (owner_id) DO UPDATE SET profile = EXCLUDED.profile, \
             version = business_profiles.version + 1, updated_at = now() \
             RETURNING {RETURNING}"
        ),
        Some(version) => {
            params.push(ParameterValue::Int64(version));
            format!(
                "UPDATE business_profiles SET profile = $2::text::jsonb, version = version + 1, \
                 updated_at = now() WHERE owner_id = $1::text::uuid AND version = $3 \
                 RETURNING {RETURNING}"
            )
        }
    };
    if let Some(row) = query(conn, &sql, &params)?.first() {
        let (stored, created) = stored(row)?;
        return Ok(Put::Saved {
            stored: Box::new(stored),
            created,
        });
    }
    Ok(Put::Stale {
        current: get(conn, owner)?.map(|s| s.version),
    })
}

fn stored(row: &[DbValue]) -> Result<(Stored, bool), Fault> {
    let profile = serde_json::from_str(&text(row.first())?)
        .map_err(|e| Fault::from(format!("decode profile: {e}")))?;
    let created = matches!(row.get(3), Some(DbValue::Boolean(true)));
    Ok((
        Stored {
            profile,
            version: int(row.get(1))?,
            updated_at: text(row.get(2))?,
        },
        created,
    ))
}
