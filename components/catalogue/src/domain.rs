//! A catalogue item as a freelancer types it, parsed once. POST and PATCH share every
//! rule: PATCH merges the changes into the stored item and parses the result.

use fin_commercial::decimal::{format_scaled, parse_scaled, DecimalText};
use fin_commercial::lines::{MAX_AMOUNT, MAX_RATE_BP};
use fin_commercial::money::{Currency, WholeNumber};
use fin_problem::{FieldError, Text};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;

const MAX_NAME: usize = 200;
/// A document line's description may hold 1,000 characters; name and description
/// together become one.
const MAX_DESCRIPTION: usize = 790;

/// What an item body may say: absent fields (`None`) stay as they are on PATCH, and
/// `description: null` clears it. Every field tells absent from `null` (`Some(None)`) so
/// that a `null` where no value may be missing is refused by name, not taken as absent.
/// Unknown fields — `id`, timestamps — are refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    #[serde(default, with = "double_option")]
    pub name: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub description: Option<Option<String>>,
    /// Minor units of `currency`.
    #[serde(default, with = "double_option")]
    pub unit_price: Option<Option<WholeNumber>>,
    #[serde(default, with = "double_option")]
    pub currency: Option<Option<String>>,
    /// A percentage with up to two decimals; 0 when absent on creation.
    #[serde(default, with = "double_option")]
    pub tax_rate: Option<Option<DecimalText>>,
}

/// An item's fields after every rule has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemData {
    pub name: String,
    pub description: Option<String>,
    pub unit_price: i64,
    pub currency: Currency,
    /// Basis points: 19 % is 1900.
    pub tax_rate_bp: i64,
}

/// A stored item, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub unit_price: i64,
    pub currency: Currency,
    /// As a line writes it: `"19"`, `"7.5"`.
    pub tax_rate: String,
    pub created_at: String,
    pub updated_at: String,
}

impl Item {
    pub fn new(id: String, data: ItemData, created_at: String, updated_at: String) -> Self {
        Self {
            id,
            name: data.name,
            description: data.description,
            unit_price: data.unit_price,
            currency: data.currency,
            tax_rate: format_scaled(data.tax_rate_bp, 2),
            created_at,
            updated_at,
        }
    }

    /// The fields again, for a PATCH to change.
    pub fn data(&self) -> ItemData {
        ItemData {
            name: self.name.clone(),
            description: self.description.clone(),
            unit_price: self.unit_price,
            currency: self.currency,
            tax_rate_bp: parse_scaled(&self.tax_rate, 2, MAX_RATE_BP).unwrap_or(0),
        }
    }
}

/// The fields as they stand before a change: nothing on creation.
#[derive(Default)]
struct Draft {
    name: Option<String>,
    description: Option<String>,
    unit_price: Option<i64>,
    currency: Option<Currency>,
    tax_rate_bp: Option<i64>,
}

impl ItemData {
    /// A new item: name, price and currency are required, the tax rate defaults to 0.
    pub fn create(input: ItemInput) -> Result<Self, Vec<FieldError>> {
        apply(Draft::default(), input)
    }

    /// This item with `input`'s changes, checked by the same rules.
    pub fn update(self, input: ItemInput) -> Result<Self, Vec<FieldError>> {
        let draft = Draft {
            name: Some(self.name),
            description: self.description,
            unit_price: Some(self.unit_price),
            currency: Some(self.currency),
            tax_rate_bp: Some(self.tax_rate_bp),
        };
        apply(draft, input)
    }
}

fn apply(mut draft: Draft, input: ItemInput) -> Result<ItemData, Vec<FieldError>> {
    let mut errors = Vec::new();
    for (field, null) in [
        ("name", matches!(input.name, Some(None))),
        ("unit_price", matches!(input.unit_price, Some(None))),
        ("currency", matches!(input.currency, Some(None))),
        ("tax_rate", matches!(input.tax_rate, Some(None))),
    ] {
        if null {
            errors.push(FieldError::new(field, "may not be null"));
        }
    }
    if let Some(Some(name)) = input.name {
        match text(name.trim(), MAX_NAME) {
            Ok(name) if !name.is_empty() => draft.name = Some(name),
            Ok(_) => errors.push(FieldError::new("name", "is required")),
            Err(message) => errors.push(FieldError::new("name", message)),
        }
    }
    if let Some(description) = input.description {
        let description = description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        match description.map(|d| text(d, MAX_DESCRIPTION)).transpose() {
            Ok(description) => draft.description = description,
            Err(message) => errors.push(FieldError::new("description", message)),
        }
    }
    if let Some(Some(WholeNumber(price))) = input.unit_price {
        match (0..=MAX_AMOUNT).contains(&price) {
            true => draft.unit_price = Some(price),
            false => errors.push(FieldError::new(
                "unit_price",
                format!("must be from 0 to {MAX_AMOUNT} minor units"),
            )),
        }
    }
    if let Some(Some(code)) = input.currency {
        match Currency::parse(&code) {
            Ok(currency) => draft.currency = Some(currency),
            Err(message) => errors.push(FieldError::new("currency", message)),
        }
    }
    if let Some(Some(DecimalText(rate))) = input.tax_rate {
        match parse_scaled(&rate, 2, MAX_RATE_BP) {
            Ok(bp) => draft.tax_rate_bp = Some(bp),
            Err(message) => errors.push(FieldError::new(
                "tax_rate",
                format!("{message} (a percentage)"),
            )),
        }
    }
    for (field, missing) in [
        ("name", draft.name.is_none()),
        ("unit_price", draft.unit_price.is_none()),
        ("currency", draft.currency.is_none()),
    ] {
        if missing && !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError::new(field, "is required"));
        }
    }
    match (draft.name, draft.unit_price, draft.currency) {
        (Some(name), Some(unit_price), Some(currency)) if errors.is_empty() => Ok(ItemData {
            name,
            description: draft.description,
            unit_price,
            currency,
            tax_rate_bp: draft.tax_rate_bp.unwrap_or(0),
        }),
        _ => Err(errors),
    }
}

fn text(value: &str, max: usize) -> Result<String, String> {
    Text::Block.check_within(value, max)?;
    Ok(value.to_owned())
}

/// An item id from a path: anything but a UUID cannot name an item, so it is "not found".
pub fn parse_id(raw: &str) -> Option<String> {
    uuid::Uuid::parse_str(raw).ok().map(|id| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(value: serde_json::Value) -> ItemInput {
        serde_json::from_value(value).expect("input")
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn an_item_is_a_name_a_price_in_a_currency_and_a_rate() {
        let item = ItemData::create(input(json!({
            "name": " Design, per hour ", "description": "Screens and flows",
            "unit_price": 9500, "currency": "eur", "tax_rate": "19"
        })))
        .expect("valid");
        assert_eq!(item.name, "Design, per hour");
        assert_eq!(
            (item.unit_price, item.currency.code(), item.tax_rate_bp),
            (9500, "EUR", 1900)
        );
        let shown = Item::new("i".into(), item.clone(), "t".into(), "t".into());
        assert_eq!(shown.tax_rate, "19");
        assert_eq!(shown.data(), item);
        let untaxed = ItemData::create(input(
            json!({"name": "Hosting", "unit_price": 1000, "currency": "USD"}),
        ))
        .expect("valid");
        assert_eq!(untaxed.tax_rate_bp, 0);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let errors = ItemData::create(input(json!({
            "name": "a\u{0}b", "unit_price": -1, "currency": "XAU", "tax_rate": "101",
            "description": "x".repeat(791)
        })))
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            ["name", "description", "unit_price", "currency", "tax_rate"]
        );
        let errors = ItemData::create(input(json!({}))).expect_err("empty");
        assert_eq!(fields(&errors), ["name", "unit_price", "currency"]);
        assert!(serde_json::from_value::<ItemInput>(json!({"id": "x"})).is_err());
        assert!(serde_json::from_value::<ItemInput>(json!({"unit_price": 1.5})).is_err());
    }

    #[test]
    fn patch_changes_what_it_names_and_null_clears_the_description() {
        let stored = ItemData::create(input(json!({
            "name": "Design", "description": "d", "unit_price": 9500, "currency": "EUR"
        })))
        .expect("valid");
        let changed = stored
            .clone()
            .update(input(json!({"unit_price": 10000, "description": null})))
            .expect("valid");
        assert_eq!(
            (changed.unit_price, changed.description, changed.name),
            (10000, None, "Design".into())
        );
        let errors = stored
            .update(input(json!({"name": "  "})))
            .expect_err("blank name");
        assert_eq!(fields(&errors), ["name"]);
    }

    #[test]
    fn null_is_refused_by_name_where_a_value_may_not_be_missing() {
        let nulls = json!({"name": null, "unit_price": null, "currency": null, "tax_rate": null});
        let errors = ItemData::create(input(nulls.clone())).expect_err("nulls");
        assert_eq!(
            fields(&errors),
            ["name", "unit_price", "currency", "tax_rate"]
        );
        let stored = ItemData::create(input(json!({
            "name": "Design", "unit_price": 9500, "currency": "EUR", "tax_rate": "19"
        })))
        .expect("valid");
        let errors = stored
            .update(input(json!({"tax_rate": null})))
            .expect_err("null rate");
        assert_eq!(fields(&errors), ["tax_rate"]);
    }
}
