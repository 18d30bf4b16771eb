//! Routes under `/invoices`: read the request, call the service, shape the response.

use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{auth, standing};
use fin_spin_edge::{config, ApiRequest, Problem, Route};
use spin_sdk::http::Response;
use time::{Date, OffsetDateTime};

use crate::credit::CreditInput;
use crate::directory::Clients;
use crate::documents;
use crate::domain::{InvoiceInput, PaymentInput};
use crate::error::BillingError;
use crate::invoice::Invoice;
use crate::issued;
use crate::listing::{Detail, ListQuery, Page};
use crate::negotiate::{self, Wanted};
use crate::preview;
use crate::refund::RefundInput;
use crate::service::{Billing, Created};
use crate::store::PgInvoices;

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/invoices", &["GET", "POST"]),
    // Before `/invoices/{id}`: the literal wins.
    Route::new("/invoices/totals", &["POST"]),
    Route::new("/invoices/{id}", &["GET", "PATCH", "DELETE"]),
    Route::new("/invoices/{id}/send", &["POST"]),
    Route::new("/invoices/{id}/void", &["POST"]),
    Route::new("/invoices/{id}/payments", &["POST"]),
    Route::new("/invoices/{id}/credit-notes", &["POST"]),
    Route::new("/invoices/{id}/credit-notes/{note_id}/refunds", &["POST"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    // Not a public route: only the sharing component asks it, over service chaining.
    if let Some(rest) = req.internal(issued::http::PREFIX)? {
        return issued::http::route(&rest);
    }
    let route = req.resolve(ROUTES)?;
    let id = route.param("id");
    match (route.path, route.method) {
        ("/invoices", "GET") => list(req),
        ("/invoices", "POST") => create(req).await,
        ("/invoices/totals", "POST") => totals(req).await,
        ("/invoices/{id}", "GET") => get(req, id),
        ("/invoices/{id}", "PATCH") => update(req, id).await,
        ("/invoices/{id}", "DELETE") => delete(req, id),
        ("/invoices/{id}/send", "POST") => send(req, id),
        ("/invoices/{id}/void", "POST") => void(req, id),
        ("/invoices/{id}/payments", "POST") => pay(req, id).await,
        ("/invoices/{id}/credit-notes", "POST") => credit(req, id).await,
        ("/invoices/{id}/credit-notes/{note_id}/refunds", "POST") => {
            refund(req, id, route.param("note_id")).await
        }
        _ => Err(Problem::no_route(&req.path)),
    }
}

/// Everything a route needs once the caller is known.
struct Context {
    owner: String,
    authorization: String,
    store: PgInvoices,
    today: Date,
}

impl Context {
    fn open(req: &ApiRequest) -> Result<Self, Problem> {
        let principal = auth::authenticate(req)?;
        let store =
            PgInvoices::open(&config::get::<String>("db_url")?).map_err(BillingError::from)?;
        Ok(Self {
            owner: principal.user_id,
            authorization: req.header("authorization").unwrap_or_default().to_owned(),
            store,
            today: OffsetDateTime::now_utc().date(),
        })
    }

    /// Runs a use case. The clients service is only opened (and only called) by the use
    /// cases that check a client; reads never depend on it.
    fn billing<T>(
        &self,
        with_clients: bool,
        run: impl FnOnce(&Billing<'_, PgInvoices, Clients<'_>>) -> Result<T, BillingError>,
    ) -> Result<T, Problem> {
        let clients = if with_clients {
            Clients::open(self.store.connection(), &self.owner, &self.authorization)?
        } else {
            Clients::Unused
        };
        let billing = Billing {
            store: &self.store,
            clients: &clients,
            owner: &self.owner,
            today: self.today,
        };
        run(&billing).map_err(Problem::from)
    }

    fn invoice(&self, status: u16, invoice: &Invoice) -> Response {
        let mut response = json(status, &invoice.view(self.today));
        response.set_header("etag", invoice.etag());
        response
    }

    /// The invoice after something was added to it (a payment, a credit note).
    fn added(&self, created: &Created) -> Response {
        let mut response = self.invoice(201, &created.invoice);
        if created.replayed {
            response.set_header("idempotent-replayed", "true");
        }
        response
    }

    fn created(&self, created: &Created) -> Response {
        let mut response = self.invoice(201, &created.invoice);
        response.set_header("location", format!("/invoices/{}", created.invoice.id));
        if created.replayed {
            response.set_header("idempotent-replayed", "true");
        }
        response
    }
}

fn list(req: &ApiRequest) -> Result<Response, Problem> {
    let cx = Context::open(req)?;
    let query = ListQuery::parse(&req.query).map_err(BillingError::Invalid)?;
    let page = cx.billing(false, |b| b.list(&query))?;
    let next_cursor = page.next_cursor;
    Ok(match query.detail {
        Detail::Summary => json(
            200,
            &Page {
                items: page.items.iter().map(|i| i.summary(cx.today)).collect(),
                next_cursor,
            },
        ),
        Detail::Full => json(
            200,
            &Page {
                items: page.items.iter().map(|i| i.view(cx.today)).collect(),
                next_cursor,
            },
        ),
    })
}

async fn create(req: &mut ApiRequest) -> Result<Response, Problem> {
    let cx = Context::open(req)?;
    let (input, key) = req
        .json_and_key::<InvoiceInput>(config::body_limit()?)
        .await?;
    let created = cx.billing(true, |b| b.create(input, key.as_ref()))?;
    Ok(cx.created(&created))
}

/// What lines and a discount add up to; nothing is stored, and no database is asked.
async fn totals(req: &mut ApiRequest) -> Result<Response, Problem> {
    auth::authenticate(req)?;
    let body = req.body(config::body_limit()?).await?;
    let input = fin_problem::decode_json(req.header("content-type"), &body)?;
    let view = preview::compute(input).map_err(BillingError::Invalid)?;
    Ok(json(200, &view))
}

/// The invoice as JSON, or as the PDF or e-invoice `Accept` asks for.
fn get(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    match negotiate::wanted(req.header("accept")) {
        Wanted::Json => {
            let cx = Context::open(req)?;
            negotiate::paper_only(&req.query).map_err(|e| BillingError::Invalid(vec![e]))?;
            let invoice = cx.billing(false, |b| b.get(id))?;
            let mut response = cx.invoice(200, &invoice);
            response.set_header("vary", "accept");
            Ok(response)
        }
        Wanted::Pdf => documents::fetch(req, id, "pdf"),
        Wanted::Xml => documents::fetch(req, id, "xml"),
    }
}

async fn update(req: &mut ApiRequest, id: &str) -> Result<Response, Problem> {
    let cx = Context::open(req)?;
    let if_match = req.if_match();
    let input: InvoiceInput = req.json(config::body_limit()?).await?;
    let invoice = cx.billing(true, |b| b.update(id, if_match, input))?;
    Ok(cx.invoice(200, &invoice))
}

fn delete(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let cx = Context::open(req)?;
    cx.billing(false, |b| b.delete(id, req.if_match()))?;
    Ok(no_content())
}

fn send(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let cx = Context::open(req)?;
    // A sent invoice goes to the client by e-mail, from this account: only once its
    // owner has proven the address (identity's `account_standing`).
    standing::require_verified(cx.store.connection(), &cx.owner, "billing")?;
    // Sending freezes the buyer as the client is now: clients is asked.
    let invoice = cx.billing(true, |b| b.send(id, req.if_match()))?;
    Ok(cx.invoice(200, &invoice))
}

fn void(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    let cx = Context::open(req)?;
    let invoice = cx.billing(false, |b| b.void(id, req.if_match()))?;
    Ok(cx.invoice(200, &invoice))
}

async fn pay(req: &mut ApiRequest, id: &str) -> Result<Response, Problem> {
    let cx = Context::open(req)?;
    let if_match = req.if_match();
    let (input, key) = req
        .json_and_key::<PaymentInput>(config::body_limit()?)
        .await?;
    let created = cx.billing(false, |b| {
        b.record_payment(id, if_match, input, key.as_ref())
    })?;
    Ok(cx.added(&created))
}

/// A credit note against the invoice; the answer is the invoice with it, as for a payment.
async fn credit(req: &mut ApiRequest, id: &str) -> Result<Response, Problem> {
    let cx = Context::open(req)?;
    let if_match = req.if_match();
    let (input, key) = req
        .json_and_key::<CreditInput>(config::body_limit()?)
        .await?;
    let created = cx.billing(false, |b| b.credit(id, if_match, input, key.as_ref()))?;
    Ok(cx.added(&created))
}

/// Money paid back against one of the invoice's credit notes; the answer is the invoice
/// with it, as for a payment.
async fn refund(req: &mut ApiRequest, id: &str, note: &str) -> Result<Response, Problem> {
    let cx = Context::open(req)?;
    let if_match = req.if_match();
    let (input, key) = req
        .json_and_key::<RefundInput>(config::body_limit()?)
        .await?;
    let created = cx.billing(false, |b| b.refund(id, note, if_match, input, key.as_ref()))?;
    Ok(cx.added(&created))
}
