//! The clients use cases, over a store port so they run natively in tests.

use fin_problem::Fault;

use crate::domain::{parse_id, Client, ClientData, ClientInput};
use crate::error::ClientsError;
use crate::listing::{Cursor, ListQuery, Page};

/// Where clients are kept (Postgres in production). Every call is scoped to an owner:
/// no method can reach another user's client.
pub trait ClientStore {
    fn insert(&self, owner: &str, data: &ClientData) -> Result<Client, Fault>;
    fn get(&self, owner: &str, id: &str) -> Result<Option<Client>, Fault>;
    fn update(&self, owner: &str, id: &str, data: &ClientData) -> Result<Option<Client>, Fault>;
    fn archive(&self, owner: &str, id: &str) -> Result<bool, Fault>;
    /// Up to `query.limit + 1` clients after the cursor, each with its sort key as text.
    fn list(&self, owner: &str, query: &ListQuery) -> Result<Vec<(Client, String)>, Fault>;
}

pub fn create(
    store: &impl ClientStore,
    owner: &str,
    input: ClientInput,
) -> Result<Client, ClientsError> {
    let data = ClientData::create(input).map_err(ClientsError::Invalid)?;
    store.insert(owner, &data).map_err(ClientsError::from)
}

pub fn get(store: &impl ClientStore, owner: &str, raw_id: &str) -> Result<Client, ClientsError> {
    let id = parse_id(raw_id).ok_or(ClientsError::NotFound)?;
    store
        .get(owner, &id)
        .map_err(ClientsError::from)?
        .ok_or(ClientsError::NotFound)
}

/// Applies a partial change. Concurrent PATCHes of one client: the last write wins.
pub fn update(
    store: &impl ClientStore,
    owner: &str,
    raw_id: &str,
    input: ClientInput,
) -> Result<Client, ClientsError> {
    let current = get(store, owner, raw_id)?;
    let data = current.data.update(input).map_err(ClientsError::Invalid)?;
    store
        .update(owner, &current.id, &data)
        .map_err(ClientsError::from)?
        .ok_or(ClientsError::NotFound)
}

/// Archives rather than deletes, so invoices keep a client to point at. Idempotent.
pub fn archive(store: &impl ClientStore, owner: &str, raw_id: &str) -> Result<(), ClientsError> {
    let id = parse_id(raw_id).ok_or(ClientsError::NotFound)?;
    match store.archive(owner, &id).map_err(ClientsError::from)? {
        true => Ok(()),
        false => Err(ClientsError::NotFound),
    }
}

pub fn list(
    store: &impl ClientStore,
    owner: &str,
    query: &ListQuery,
) -> Result<Page<Client>, ClientsError> {
    let rows = store.list(owner, query).map_err(ClientsError::from)?;
    let page = Page::from_rows(rows, query.limit, |(client, key)| {
        Cursor {
            sort: query.sort,
            key: key.clone(),
            id: client.id.clone(),
        }
        .encode()
    });
    Ok(page.map(|(client, _)| client))
}
