//! Business profiles in Postgres: one row per freelancer, the profile as `jsonb`.

use fin_seller::{BusinessProfile, Logo};
use fin_spin_edge::pg::{binary, execute, int, optional_text, query, query_with, text};
use fin_spin_edge::{rfc3339, Fault};
use spin_sdk::pg4::{Connection, DbValue, ParameterValue};

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

/// The profile's current logo, described, as `json` (`NULL` without one), for a statement
/// on `business_profiles` (unaliased).
macro_rules! LOGO_JSON {
    () => {
        "SELECT json_build_object('content_type', l.content_type, 'sha256', l.sha256, \
         'width', l.width, 'height', l.height) FROM business_logos l \
         WHERE l.owner_id = business_profiles.owner_id AND l.sha256 = business_profiles.logo_sha256"
    };
}

const RETURNING: &str = concat!(
    "profile::text, version, ",
    rfc3339!("updated_at"),
    // Only an insert writes version 1: every replacement adds one.
    ", version = 1 AS created, (",
    LOGO_JSON!(),
    ")::text"
);

/// Deletes `$1`'s pictures that neither the profile nor an issued invoice names; which
/// logos issued invoices name, billing publishes (its `issued_logos` view, V21).
const FORGET_UNNAMED: &str = "DELETE FROM business_logos b
     WHERE b.owner_id = $1::text::uuid
       AND b.sha256 IS DISTINCT FROM (SELECT logo_sha256 FROM business_profiles WHERE owner_id = $1::text::uuid)
       AND NOT EXISTS (SELECT 1 FROM issued_logos i
                       WHERE i.owner_id = b.owner_id AND i.sha256 = b.sha256)";

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
    let mut profile: BusinessProfile = serde_json::from_str(&text(row.first())?)
        .map_err(|e| Fault::from(format!("decode profile: {e}")))?;
    profile.logo = optional_text(row.get(4))?
        .map(|json| serde_json::from_str(&json))
        .transpose()
        .map_err(|e| Fault::from(format!("decode logo: {e}")))?;
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

/// Makes `logo` (its `bytes`) the profile's logo; `None` when there is no profile yet.
pub fn put_logo(
    conn: &Connection,
    owner: &str,
    logo: &Logo,
    bytes: Vec<u8>,
) -> Result<Option<Stored>, Fault> {
    let ctes =
        "p AS (SELECT owner_id FROM business_profiles WHERE owner_id = $1::text::uuid FOR UPDATE),
         l AS (INSERT INTO business_logos (owner_id, sha256, content_type, width, height, bytes)
               SELECT p.owner_id, $2, $3, $4::bigint::int, $5::bigint::int, $6 FROM p
               ON CONFLICT (owner_id, sha256) DO NOTHING)";
    let sql =
        "UPDATE business_profiles SET logo_sha256 = $2, version = version + 1, updated_at = now()
         WHERE owner_id IN (SELECT owner_id FROM p) RETURNING owner_id";
    let params: [ParameterValue; 6] = [
        owner.to_owned().into(),
        logo.sha256.clone().into(),
        logo.content_type.clone().into(),
        ParameterValue::Int64(logo.width.into()),
        ParameterValue::Int64(logo.height.into()),
        ParameterValue::Binary(bytes),
    ];
    if query_with(conn, ctes, sql, &params)?.is_empty() {
        return Ok(None);
    }
    execute(conn, FORGET_UNNAMED, &[owner.to_owned().into()])?;
    get(conn, owner)
}

/// Takes the logo off the profile; `None` when there is no profile.
pub fn delete_logo(conn: &Connection, owner: &str) -> Result<Option<()>, Fault> {
    let rows = query(
        conn,
        "UPDATE business_profiles SET version = version + CASE WHEN logo_sha256 IS NULL THEN 0 ELSE 1 END,
                updated_at = CASE WHEN logo_sha256 IS NULL THEN updated_at ELSE now() END,
                logo_sha256 = NULL
         WHERE owner_id = $1::text::uuid RETURNING owner_id",
        &[owner.to_owned().into()],
    )?;
    if rows.is_empty() {
        return Ok(None);
    }
    execute(conn, FORGET_UNNAMED, &[owner.to_owned().into()])?;
    Ok(Some(()))
}

/// The picture `sha256` of `owner`'s (the current one, with `None`): its type and bytes.
pub fn logo_bytes(
    conn: &Connection,
    owner: &str,
    sha256: Option<&str>,
) -> Result<Option<(String, Vec<u8>)>, Fault> {
    let rows = match sha256 {
        Some(sha256) => query(
            conn,
            "SELECT content_type, bytes FROM business_logos
             WHERE owner_id = $1::text::uuid AND sha256 = $2",
            &[owner.to_owned().into(), sha256.to_owned().into()],
        )?,
        None => query(
            conn,
            "SELECT l.content_type, l.bytes FROM business_profiles p
             JOIN business_logos l ON l.owner_id = p.owner_id AND l.sha256 = p.logo_sha256
             WHERE p.owner_id = $1::text::uuid",
            &[owner.to_owned().into()],
        )?,
    };
    rows.first()
        .map(|row| Ok((text(row.first())?, binary(row.get(1))?)))
        .transpose()
}
