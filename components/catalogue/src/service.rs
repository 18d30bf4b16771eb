//! The catalogue use cases, over a store port so they run natively in tests.

use fin_problem::Fault;

use crate::domain::{parse_id, Item, ItemData, ItemInput};
use crate::error::CatalogueError;
use crate::listing::{Cursor, ListQuery, Page};

/// Where items are kept (Postgres in production). Every call is scoped to an owner: no
/// method can reach another user's item.
pub trait ItemStore {
    fn insert(&self, owner: &str, data: &ItemData) -> Result<Item, Fault>;
    fn get(&self, owner: &str, id: &str) -> Result<Option<Item>, Fault>;
    fn update(&self, owner: &str, id: &str, data: &ItemData) -> Result<Option<Item>, Fault>;
    fn delete(&self, owner: &str, id: &str) -> Result<bool, Fault>;
    /// Up to `query.limit + 1` items after the cursor, by lower-cased name and id, each
    /// with that name as the database lower-cased it (the cursor's key must be the
    /// database's, not Rust's, lower case).
    fn list(&self, owner: &str, query: &ListQuery) -> Result<Vec<(Item, String)>, Fault>;
}

pub fn create(
    store: &impl ItemStore,
    owner: &str,
    input: ItemInput,
) -> Result<Item, CatalogueError> {
    let data = ItemData::create(input).map_err(CatalogueError::Invalid)?;
    Ok(store.insert(owner, &data)?)
}

pub fn get(store: &impl ItemStore, owner: &str, raw_id: &str) -> Result<Item, CatalogueError> {
    let id = parse_id(raw_id).ok_or(CatalogueError::NotFound)?;
    store.get(owner, &id)?.ok_or(CatalogueError::NotFound)
}

/// Applies a partial change; of two concurrent PATCHes the last write wins (an item is
/// one freelancer's note to self, and no document refers to it).
pub fn update(
    store: &impl ItemStore,
    owner: &str,
    raw_id: &str,
    input: ItemInput,
) -> Result<Item, CatalogueError> {
    let current = get(store, owner, raw_id)?;
    let data = current
        .data()
        .update(input)
        .map_err(CatalogueError::Invalid)?;
    store
        .update(owner, &current.id, &data)?
        .ok_or(CatalogueError::NotFound)
}

/// Deletes for good: lines copied the item's values, so nothing points at it.
pub fn delete(store: &impl ItemStore, owner: &str, raw_id: &str) -> Result<(), CatalogueError> {
    let id = parse_id(raw_id).ok_or(CatalogueError::NotFound)?;
    match store.delete(owner, &id)? {
        true => Ok(()),
        false => Err(CatalogueError::NotFound),
    }
}

pub fn list(
    store: &impl ItemStore,
    owner: &str,
    query: &ListQuery,
) -> Result<Page<Item>, CatalogueError> {
    let rows = store.list(owner, query)?;
    let page = Page::from_rows(rows, query.limit, |(item, key)| {
        Cursor {
            key: key.clone(),
            id: item.id.clone(),
        }
        .encode()
    });
    Ok(page.map(|(item, _)| item))
}
