//! Items in Postgres, through Spin's `pg4` binding (table `catalogue_items`, V34).

use fin_commercial::money::Currency;
use fin_spin_edge::pg::{
    connect, contains_pattern, int, optional_text as optional, query, text, text_or_null,
};
use fin_spin_edge::Fault;
use spin_sdk::pg4::{Connection, DbValue, ParameterValue};

use crate::domain::{Item, ItemData};
use crate::listing::ListQuery;
use crate::service::ItemStore;

// Parameters are sent as text or int8 and cast in SQL (`$1::text::uuid`,
// `$6::bigint::int`): Spin prepares each statement, and a value bound straight to a
// parameter of another type is refused.

/// The columns of [`Item`], timestamps as RFC 3339 UTC text.
const COLUMNS: &str = "id::text, name, description, unit_price, currency::text, tax_rate_bp, \
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
    to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

pub struct PgItems {
    conn: Connection,
}

impl PgItems {
    pub fn open(url: &str) -> Result<Self, Fault> {
        connect(url).map(|conn| Self { conn })
    }

    fn one(&self, sql: &str, params: &[ParameterValue]) -> Result<Option<Item>, Fault> {
        Ok(query(&self.conn, sql, params)?
            .first()
            .map(|row| item(row))
            .transpose()?)
    }
}

/// The data columns as parameters, after owner and id or nothing.
fn data_params(data: &ItemData) -> Vec<ParameterValue> {
    vec![
        ParameterValue::Str(data.name.clone()),
        text_or_null(data.description.as_deref()),
        ParameterValue::Int64(data.unit_price),
        ParameterValue::Str(data.currency.code().to_owned()),
        ParameterValue::Int64(data.tax_rate_bp),
    ]
}

impl ItemStore for PgItems {
    fn insert(&self, owner: &str, data: &ItemData) -> Result<Item, Fault> {
        let sql = format!(
            "INSERT INTO catalogue_items (owner_id, name, description, unit_price, currency, tax_rate_bp)
             VALUES ($1::text::uuid, $2, $3, $4, $5, $6::bigint::int) RETURNING {COLUMNS}"
        );
        let mut params = vec![ParameterValue::Str(owner.to_owned())];
        params.extend(data_params(data));
        self.one(&sql, &params)?
            .ok_or_else(|| Fault::from("insert returned no row"))
    }

    fn get(&self, owner: &str, id: &str) -> Result<Option<Item>, Fault> {
        let sql = format!(
            "SELECT {COLUMNS} FROM catalogue_items WHERE owner_id = $1::text::uuid AND id = $2::text::uuid"
        );
        self.one(&sql, &[owner.to_owned().into(), id.to_owned().into()])
    }

    fn update(&self, owner: &str, id: &str, data: &ItemData) -> Result<Option<Item>, Fault> {
        let sql = format!(
            "UPDATE catalogue_items SET name = $3, description = $4, unit_price = $5, currency = $6,
                tax_rate_bp = $7::bigint::int, updated_at = now()
             WHERE owner_id = $1::text::uuid AND id = $2::text::uuid RETURNING {COLUMNS}"
        );
        let mut params = vec![owner.to_owned().into(), id.to_owned().into()];
        params.extend(data_params(data));
        self.one(&sql, &params)
    }

    fn delete(&self, owner: &str, id: &str) -> Result<bool, Fault> {
        let rows = query(
            &self.conn,
            "DELETE FROM catalogue_items WHERE owner_id = $1::text::uuid AND id = $2::text::uuid RETURNING id",
            &[owner.to_owned().into(), id.to_owned().into()],
        )?;
        Ok(!rows.is_empty())
    }

    fn list(&self, owner: &str, list: &ListQuery) -> Result<Vec<(Item, String)>, Fault> {
        let mut params: Vec<ParameterValue> = vec![owner.to_owned().into()];
        params.push(text_or_null(
            list.search.as_deref().map(contains_pattern).as_deref(),
        ));
        let mut sql = format!(
            "SELECT {COLUMNS}, lower(name) FROM catalogue_items
             WHERE owner_id = $1::text::uuid
               AND ($2::text IS NULL OR name ILIKE $2 OR description ILIKE $2)"
        );
        if let Some(cursor) = &list.after {
            params.push(cursor.key.clone().into());
            params.push(cursor.id.clone().into());
            sql.push_str(" AND (lower(name), id) > ($3, $4::text::uuid)");
        }
        sql.push_str(&format!(
            " ORDER BY lower(name), id LIMIT {}",
            list.limit + 1
        ));
        query(&self.conn, &sql, &params)?
            .iter()
            .map(|row| Ok((item(row)?, text(row.get(8))?)))
            .collect()
    }
}

fn item(row: &[DbValue]) -> Result<Item, String> {
    let currency = Currency::parse(&text(row.get(4))?)?;
    let data = ItemData {
        name: text(row.get(1))?,
        description: optional(row.get(2))?,
        unit_price: int(row.get(3))?,
        currency,
        tax_rate_bp: int(row.get(5))?,
    };
    Ok(Item::new(
        text(row.first())?,
        data,
        text(row.get(6))?,
        text(row.get(7))?,
    ))
}
