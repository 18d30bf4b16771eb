//! Routes under `/quotes` (the freelancer's, with their token) and `/share/quotes` (the
//! client's, with the link alone): read the request, call the service, shape the
//! response.

use fin_problem::FieldError;
use fin_secret::Secret;
use fin_spin_edge::auth::{self, Principal};
use fin_spin_edge::response::{self, json, no_content};
use fin_spin_edge::{config, standing, ApiRequest, Fault, Problem, Route};
use serde_json::Value;
use spin_sdk::http::Response;
use time::{Date, OffsetDateTime};

use crate::api::HttpInvoices;
use crate::domain::{AnswerInput, QuoteInput};
use crate::error::QuoteError;
use crate::event;
use crate::listing::ListQuery;
use crate::page::{self, Context};
use crate::quote::Quote;
use crate::service::{self, NewLink, QuoteStore};
use crate::store::PgQuotes;

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[
    Route::new("/quotes", &["GET", "POST"]),
    Route::new("/quotes/{id}", &["GET", "PATCH", "DELETE"]),
    Route::new("/quotes/{id}/send", &["POST"]),
    Route::new("/quotes/{id}/convert", &["POST"]),
    Route::new("/quotes/{id}/share", &["POST"]),
    Route::new("/quotes/{id}/share-links/{link_id}", &["DELETE"]),
    Route::new("/share/quotes/{token}", &["GET"]),
    Route::new("/share/quotes/{token}/accept", &["POST"]),
    Route::new("/share/quotes/{token}/decline", &["POST"]),
];

pub async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let today = OffsetDateTime::now_utc().date();
    // Not a public route: the documents component asks it, chained, to print a link's
    // quote.
    if let Some(rest) = req.internal("/internal/quote-shares/")? {
        return printed(&rest, today);
    }
    let route = req.resolve(ROUTES)?;
    if let Some(verb) = route.path.strip_prefix("/share/quotes/{token}") {
        let verb = verb.trim_start_matches('/');
        return shared(req, route.param("token"), verb, today).await;
    }
    let id = route.param("id");
    let owner = owner(req)?;
    let store = quotes()?;
    let quote = match (route.path, route.method) {
        ("/quotes", "GET") => {
            let query = ListQuery::parse(&req.query).map_err(QuoteError::Invalid)?;
            let page = service::list(&store, &owner, &query, today)?;
            return Ok(json(200, &page.map(|q| q.view(today))));
        }
        ("/quotes", "POST") => {
            let (input, key) = req
                .json_and_key::<QuoteInput>(config::body_limit()?)
                .await?;
            let (quote, made) = service::create(&store, &owner, input, today, key.as_ref())?;
            let mut response = shown(201, &quote, today);
            response.set_header("location", format!("/quotes/{}", quote.id));
            if !made {
                response.set_header("idempotent-replayed", "true");
            }
            return Ok(response);
        }
        ("/quotes/{id}", "GET") => service::get(&store, &owner, id)?,
        ("/quotes/{id}", "PATCH") => {
            let input: QuoteInput = req.json(config::body_limit()?).await?;
            service::update(&store, &owner, id, req.if_match(), input)?
        }
        ("/quotes/{id}", "DELETE") => {
            service::delete(&store, &owner, id, req.if_match())?;
            return Ok(no_content());
        }
        ("/quotes/{id}/send", "POST") => {
            // The quote goes to the client by e-mail from this account, like an invoice:
            // only once its owner has proven the address.
            standing::require_verified(store.connection(), &owner, "quotes")?;
            let (token, digest) = new_token()?;
            let link = NewLink {
                digest,
                url: format!("{}/share/quotes/{}", req.public_base_url()?, token.as_str()),
            };
            let (quote, now) = service::send(&store, &owner, id, req.if_match(), today, link)?;
            if now {
                // The mailer sends the client's e-mail on its next message: this is one.
                event::publish("quote.sent", &quote, today);
            }
            quote
        }
        ("/quotes/{id}/convert", "POST") => {
            let invoices = HttpInvoices {
                base_url: config::get("billing_base_url")?,
                authorization: req.header("authorization").unwrap_or_default().to_owned(),
                timeout_ms: config::get("api_call_timeout_ms")?,
            };
            let (quote, made) = service::convert(&store, &invoices, &owner, id, today)?;
            let mut response = shown(if made { 201 } else { 200 }, &quote, today);
            if let Some(invoice) = &quote.invoice_id {
                response.set_header("location", format!("/invoices/{invoice}"));
            }
            return Ok(response);
        }
        ("/quotes/{id}/share", "POST") => return share(req, &store, &owner, id),
        ("/quotes/{id}/share-links/{link_id}", "DELETE") => {
            service::revoke(&store, &owner, id, route.param("link_id"))?;
            return Ok(no_content());
        }
        _ => return Err(Problem::no_route(&req.path)),
    };
    Ok(shown(200, &quote, today))
}

/// A quote with its ETag.
fn shown(status: u16, quote: &Quote, today: Date) -> Response {
    let mut response = json(status, &quote.view(today));
    response.set_header("etag", quote.etag());
    response
}

/// A new link to the quote: its URL holds the token, shown this once.
fn share(req: &ApiRequest, store: &PgQuotes, owner: &str, id: &str) -> Result<Response, Problem> {
    let (token, digest) = new_token()?;
    let (quote_id, link) = service::share(store, owner, id, &digest)?;
    let url = format!("{}/share/quotes/{}", req.public_base_url()?, token.as_str());
    let mut body = serde_json::to_value(&link).unwrap_or_default();
    body["url"] = url.into();
    let mut response = json(201, &body);
    response.set_header(
        "location",
        format!("/quotes/{quote_id}/share-links/{}", link.id),
    );
    Ok(response)
}

/// What a link's quote is printed from: `{token}` answers the quote as its owner reads
/// it with the seller and buyer as published now, `{token}/logo` the seller's logo. A
/// link that does not open is the same 404 whatever the reason.
fn printed(rest: &str, today: Date) -> Result<Response, Problem> {
    let (token, logo) = match rest.strip_suffix("/logo") {
        Some(token) => (token, true),
        None => (rest, false),
    };
    if !Secret::well_formed(token) {
        return Err(QuoteError::Closed.into());
    }
    let store = quotes()?;
    let quote = service::open(&store, &Secret::digest(token))?;
    if logo {
        return match store.printed_logo(&quote).map_err(QuoteError::from)? {
            Some((content_type, bytes)) => Ok(response::picture(content_type, bytes, "no-store")),
            None => Err(QuoteError::Closed.into()),
        };
    }
    let (seller, buyer) = store.printed_parties(&quote).map_err(QuoteError::from)?;
    let party = |json: Option<String>| -> Value {
        json.and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or(Value::Null)
    };
    Ok(json(
        200,
        &serde_json::json!({
            "quote": quote.view(today),
            "seller": party(seller),
            "buyer": party(buyer),
        }),
    ))
}

/// A link's token and the digest the quote keeps of it.
fn new_token() -> Result<(Secret, String), QuoteError> {
    let token = Secret::generate()
        .ok_or_else(|| QuoteError::Fault(Fault::Internal("no random source".into())))?;
    let digest = Secret::digest(token.as_str());
    Ok((token, digest))
}

/// The client's side: the page a link opens, and the answer it sends — as a page for
/// the page's forms, as JSON for any other client.
async fn shared(
    req: &mut ApiRequest,
    token: &str,
    verb: &str,
    today: Date,
) -> Result<Response, Problem> {
    let form = req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let html = verb.is_empty() || form;
    let closed = || match html {
        true => Ok(page_response(404, page::closed())),
        false => Err(QuoteError::Closed.into()),
    };
    if !Secret::well_formed(token) {
        return closed();
    }
    let store = quotes()?;
    let digest = Secret::digest(token);
    let base = format!("/share/quotes/{token}");
    if verb.is_empty() {
        return match service::open(&store, &digest) {
            Ok(quote) => render(&store, &quote, 200, None, &[], &base, today),
            Err(QuoteError::Closed) => closed(),
            Err(other) => Err(other.into()),
        };
    }
    let input: AnswerInput = match form {
        true => read_form(req).await?,
        false => req.json(config::body_limit()?).await?,
    };
    let answer = match verb {
        "accept" => input.accept(),
        _ => input.decline(),
    };
    let address = req.client_addr();
    let app_url = req.public_base_url()?;
    let outcome = answer.map_err(QuoteError::Invalid).and_then(|answer| {
        service::answer(
            &store,
            &digest,
            &answer,
            address.as_deref(),
            today,
            &app_url,
        )
    });
    if let Ok(quote) = &outcome {
        // The mailer sends the freelancer's e-mail on its next message: this is one.
        event::publish(&format!("quote.{}", quote.stored.name()), quote, today);
    }
    match (outcome, html) {
        (Ok(quote), false) => Ok(json(200, &quote.document(today))),
        (Err(err), false) => Err(err.into()),
        (Ok(quote), true) => {
            let words = match verb {
                "accept" => "Thank you: your acceptance is recorded.",
                _ => "Your answer is recorded: the quote is declined.",
            };
            render(
                &store,
                &quote,
                200,
                Some(("done", words)),
                &[],
                &base,
                today,
            )
        }
        (Err(QuoteError::Closed), true) => closed(),
        (Err(QuoteError::Conflict(why)), true) => {
            let quote = service::open(&store, &digest)?;
            render(
                &store,
                &quote,
                409,
                Some(("closed", &why)),
                &[],
                &base,
                today,
            )
        }
        (Err(QuoteError::Invalid(errors)), true) => {
            let quote = service::open(&store, &digest)?;
            let lines: Vec<String> = errors
                .iter()
                .map(|e: &FieldError| format!("{}: {}", label(&e.field), e.message))
                .collect();
            render(&store, &quote, 422, None, &lines, &base, today)
        }
        (Err(other), true) => Err(other.into()),
    }
}

/// A form field's name as the page labels it.
fn label(field: &str) -> &str {
    match field {
        "name" => "Your name",
        "note" => "The note",
        "reason" => "The reason",
        other => other,
    }
}

/// The page's form, read as the same fields JSON would carry (others are ignored: a
/// browser may add its own).
async fn read_form(req: &mut ApiRequest) -> Result<AnswerInput, Problem> {
    let body = req.body(config::body_limit()?).await?;
    let mut input = AnswerInput::default();
    for (name, value) in form_urlencoded::parse(&body) {
        let value = Some(value.into_owned());
        match name.as_ref() {
            "name" => input.name = value,
            "note" => input.note = value,
            "reason" => input.reason = value,
            _ => {}
        }
    }
    Ok(input)
}

fn render(
    store: &PgQuotes,
    quote: &Quote,
    status: u16,
    notice: Option<(&'static str, &str)>,
    errors: &[String],
    base: &str,
    today: Date,
) -> Result<Response, Problem> {
    let parties = store.parties(quote).map_err(QuoteError::from)?;
    let context = Context {
        seller: parties.seller.as_deref(),
        client: parties.client.as_deref(),
        notice,
        errors,
        base,
        today,
    };
    let html = page::render(quote, &context)
        .map_err(|e| QuoteError::Fault(Fault::Internal(format!("page: {e}"))))?;
    Ok(page_response(status, html))
}

fn page_response(status: u16, html: String) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "text/html; charset=utf-8")
        .header("content-security-policy", page::content_security_policy())
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("x-frame-options", "DENY")
        .header("x-robots-tag", "noindex, nofollow")
        // A revoked link must stop working at once: nothing keeps a copy.
        .header("cache-control", "no-store")
        .body(html.into_bytes())
        .build()
}

fn owner(req: &ApiRequest) -> Result<String, Problem> {
    let Principal { user_id, .. } = auth::authenticate(req)?;
    Ok(user_id)
}

fn quotes() -> Result<PgQuotes, Problem> {
    PgQuotes::open(&config::get::<String>("db_url")?).map_err(|e| QuoteError::from(e).into())
}
