//! Clients in Postgres, through Spin's `pg4` binding.

use fin_spin_edge::pg::{
    connect, contains_pattern, optional_text as optional, query, text, text_or_null,
};
use fin_spin_edge::Fault;
use spin_sdk::pg4::{self, Connection, DbValue, Decode, ParameterValue};

use crate::domain::{Address, Client, ClientData};
use crate::listing::{ListQuery, SortKey};
use crate::service::ClientStore;

// Parameters are sent as text and cast in SQL (`$1::text::uuid`): Spin prepares each
// statement, and a text value bound straight to a `uuid` parameter is refused.

/// The columns of [`Client`], timestamps as RFC 3339 UTC text.
const COLUMNS: &str = "id::text, name, email, phone, company, tax_id, address, \
    default_currency::text, notes, \
    to_char(archived_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
    to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
    peppol_id, registration_id";

pub struct PgClients {
    conn: Connection,
}

impl PgClients {
    pub fn open(url: &str) -> Result<Self, Fault> {
        connect(url).map(|conn| Self { conn })
    }

    fn one(&self, sql: &str, params: &[ParameterValue]) -> Result<Option<Client>, Fault> {
        Ok(query(&self.conn, sql, params)?
            .first()
            .map(|row| client(row))
            .transpose()?)
    }
}

/// The data columns as parameters $3…$12, after owner ($1) and id or nothing ($2).
fn data_params(data: &ClientData) -> Result<Vec<ParameterValue>, String> {
    let address = match &data.address {
        Some(address) => pg4::jsonb(address).map_err(|e| format!("address: {e}"))?,
        None => ParameterValue::DbNull,
    };
    Ok(vec![
        ParameterValue::Str(data.name.clone()),
        text_or_null(data.email.as_deref()),
        text_or_null(data.phone.as_deref()),
        text_or_null(data.company.as_deref()),
        text_or_null(data.tax_id.as_deref()),
        address,
        text_or_null(data.default_currency.as_deref()),
        text_or_null(data.notes.as_deref()),
        text_or_null(data.peppol_id.as_deref()),
        text_or_null(data.registration_id.as_deref()),
    ])
}

impl ClientStore for PgClients {
    fn insert(&self, owner: &str, data: &ClientData) -> Result<Client, Fault> {
        let sql = format!(
            "INSERT INTO clients (owner_id, name, email, phone, company, tax_id, address, default_currency, notes,
                                  peppol_id, registration_id)
             VALUES ($1::text::uuid, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11) RETURNING {COLUMNS}"
        );
        let mut params = vec![ParameterValue::Str(owner.to_owned())];
        params.extend(data_params(data)?);
        self.one(&sql, &params)?
            .ok_or_else(|| Fault::from("insert returned no row"))
    }

    fn get(&self, owner: &str, id: &str) -> Result<Option<Client>, Fault> {
        let sql = format!(
            "SELECT {COLUMNS} FROM clients WHERE owner_id = $1::text::uuid AND id = $2::text::uuid"
        );
        self.one(&sql, &[owner.to_owned().into(), id.to_owned().into()])
    }

    fn update(&self, owner: &str, id: &str, data: &ClientData) -> Result<Option<Client>, Fault> {
        let sql = format!(
            "UPDATE clients SET name = $3, email = $4, phone = $5, company = $6, tax_id = $7,
                address = $8::jsonb, default_currency = $9, notes = $10, peppol_id = $11,
                registration_id = $12, updated_at = now()
             WHERE owner_id = $1::text::uuid AND id = $2::text::uuid RETURNING {COLUMNS}"
        );
        let mut params = vec![owner.to_owned().into(), id.to_owned().into()];
        params.extend(data_params(data)?);
        self.one(&sql, &params)
    }

    fn archive(&self, owner: &str, id: &str) -> Result<bool, Fault> {
        let rows = query(
            &self.conn,
            "UPDATE clients SET archived_at = coalesce(archived_at, now()),
                updated_at = CASE WHEN archived_at IS NULL THEN now() ELSE updated_at END
             WHERE owner_id = $1::text::uuid AND id = $2::text::uuid RETURNING id",
            &[owner.to_owned().into(), id.to_owned().into()],
        )?;
        Ok(!rows.is_empty())
    }

    fn list(&self, owner: &str, list: &ListQuery) -> Result<Vec<(Client, String)>, Fault> {
        // Sort keys: the expression ordered by, the same as text for the cursor, and the
        // cursor's text turned back into a comparable value.
        let (key, key_text, from_cursor) = match list.sort.key {
            SortKey::Name => ("lower(name)", "lower(name)", "$3"),
            SortKey::CreatedAt => (
                "created_at",
                "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')",
                "($3::text::timestamp AT TIME ZONE 'UTC')",
            ),
        };
        let (direction, after) = if list.sort.descending {
            ("DESC", "<")
        } else {
            ("ASC", ">")
        };
        let archived = if list.archived {
            "archived_at IS NOT NULL"
        } else {
            "archived_at IS NULL"
        };
        let mut params: Vec<ParameterValue> = vec![owner.to_owned().into()];
        params.push(text_or_null(
            list.search.as_deref().map(contains_pattern).as_deref(),
        ));
        let mut sql = format!(
            "SELECT {COLUMNS}, {key_text} FROM clients
             WHERE owner_id = $1::text::uuid AND {archived}
               AND ($2::text IS NULL OR name ILIKE $2 OR email ILIKE $2 OR company ILIKE $2)"
        );
        if let Some(cursor) = &list.after {
            params.push(cursor.key.clone().into());
            params.push(cursor.id.clone().into());
            sql.push_str(&format!(
                " AND ({key}, id) {after} ({from_cursor}, $4::text::uuid)"
            ));
        }
        sql.push_str(&format!(
            " ORDER BY {key} {direction}, id {direction} LIMIT {}",
            list.limit + 1
        ));
        query(&self.conn, &sql, &params)?
            .iter()
            .map(|row| {
                let key = text(row.get(14))?;
                Ok((client(row)?, key))
            })
            .collect()
    }
}

fn client(row: &[DbValue]) -> Result<Client, String> {
    let address = match row.get(6) {
        Some(value) => Option::<serde_json::Value>::decode(value)
            .map_err(|e| format!("decode address: {e}"))?
            .map(serde_json::from_value::<Address>)
            .transpose()
            .map_err(|e| format!("decode address: {e}"))?,
        None => None,
    };
    Ok(Client {
        id: text(row.first())?,
        data: ClientData {
            name: text(row.get(1))?,
            email: optional(row.get(2))?,
            phone: optional(row.get(3))?,
            company: optional(row.get(4))?,
            tax_id: optional(row.get(5))?,
            address,
            default_currency: optional(row.get(7))?,
            notes: optional(row.get(8))?,
            peppol_id: optional(row.get(12))?,
            registration_id: optional(row.get(13))?,
        },
        archived_at: optional(row.get(9))?,
        created_at: text(row.get(10))?,
        updated_at: text(row.get(11))?,
    })
}
