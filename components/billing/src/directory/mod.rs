//! The clients context as the use cases see it ([`ClientDirectory`]): read from the
//! view it publishes in the shared database (one statement on billing's own
//! connection), or asked over HTTP when clients is deployed apart — chosen by the
//! `clients_directory` variable (`database` or `http`).
//!
//! Why two: in one app, asking clients over service chaining was a whole second request
//! (its instance, its token check, its breaker bookkeeping) and half of what a create
//! cost; the view answers the same question in one query. A clients deployment with a
//! database of its own can only be asked over HTTP, and there the breaker earns its keep.

mod http;
mod pg;

use fin_spin_edge::{config, Fault, Problem};
use serde::Deserialize;
use spin_sdk::pg4::Connection;

use crate::error::BillingError;
use crate::parties::Buyer;
use crate::service::{ClientDirectory, ClientLookup};

pub use http::HttpClients;
pub use pg::PgDirectory;

/// The part of a client this context needs: whether it may be invoiced, in what, and
/// what an issued invoice names of it — as the clients API answers it (`archived_at`)
/// and as the directory view holds it (`archived`).
#[derive(Deserialize)]
struct ClientView {
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    archived_at: Option<String>,
    default_currency: Option<String>,
    name: String,
    company: Option<String>,
    email: Option<String>,
    tax_id: Option<String>,
    address: Option<fin_address::Address>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    peppol_id: Option<String>,
    #[serde(default)]
    registration_id: Option<String>,
}

impl From<ClientView> for ClientLookup {
    fn from(view: ClientView) -> Self {
        ClientLookup::Found {
            archived: view.archived || view.archived_at.is_some(),
            default_currency: view.default_currency,
            buyer: Box::new(Buyer {
                name: view.name,
                company: view.company,
                email: view.email,
                tax_id: view.tax_id,
                address: view.address,
                phone: view.phone,
                peppol_id: view.peppol_id,
                registration_id: view.registration_id,
            }),
        }
    }
}

/// The directory for the use cases: the view, the HTTP API, or none for routes that
/// never ask.
pub enum Clients<'a> {
    Database(PgDirectory<'a>),
    Http(HttpClients),
    Unused,
}

impl<'a> Clients<'a> {
    /// The directory `clients_directory` names; `conn` is billing's own connection and
    /// `authorization` the caller's header (clients over HTTP answers for the same user).
    pub fn open(
        conn: &'a Connection,
        owner: &'a str,
        authorization: &str,
    ) -> Result<Self, Problem> {
        match config::get::<String>("clients_directory")?.as_str() {
            "database" => Ok(Clients::Database(PgDirectory { conn, owner })),
            "http" => Ok(Clients::Http(HttpClients::open(authorization)?)),
            other => {
                fin_log::error!(
                    "configuration",
                    "`clients_directory` is `{other}`, not `database` or `http`"
                );
                Err(Problem::internal())
            }
        }
    }
}

impl ClientDirectory for Clients<'_> {
    fn lookup(&self, client_id: &str) -> Result<ClientLookup, BillingError> {
        match self {
            Clients::Database(directory) => directory.lookup(client_id),
            Clients::Http(clients) => clients.lookup(client_id),
            Clients::Unused => {
                Err(Fault::Internal("this route does not consult clients".into()).into())
            }
        }
    }
}
