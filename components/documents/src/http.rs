//! `GET /invoices/{id}/pdf`.

use fin_documents::api::{document, Fallback};
use fin_documents::{render, Paper};
use fin_spin_edge::auth;
use fin_spin_edge::response::serve;
use fin_spin_edge::{ApiRequest, Fault, FieldError, Problem, Route};
use serde::Deserialize;
use spin_sdk::http::Response;

use crate::api::Api;

pub async fn handle(req: ApiRequest) -> Response {
    serve(req, async |req: &mut ApiRequest| route(req)).await
}

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[Route::new("/invoices/{id}/pdf", &["GET"])];

fn route(req: &ApiRequest) -> Result<Response, Problem> {
    let route = req.resolve(ROUTES)?;
    match (route.path, route.method) {
        ("/invoices/{id}/pdf", "GET") => pdf(req, route.param("id")),
        _ => Err(Problem::no_route(&req.path)),
    }
}

/// What of the invoice decides which other answers the document needs.
#[derive(Deserialize)]
struct Head {
    number: String,
    client_id: String,
    version: i64,
    seller: Option<serde_json::Value>,
    buyer: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Account {
    name: String,
    email: Option<String>,
}

fn pdf(req: &ApiRequest, id: &str) -> Result<Response, Problem> {
    // Refused tokens never reach the services behind.
    auth::authenticate(req)?;
    let paper = paper(&req.query)?;
    let api = Api::open(req.header("authorization").unwrap_or_default())?;
    let invoice = api.invoice(id)?;
    let head: Head =
        serde_json::from_slice(&invoice).map_err(|e| defect(format!("invoice: {e}")))?;
    // A sent invoice froze its parties; a draft shows them as they are now.
    let profile = match head.seller {
        Some(_) => None,
        None => api.profile()?,
    };
    let client = match head.buyer {
        Some(_) => None,
        None => api.client(&head.client_id)?,
    };
    let account = match (&profile, &head.seller) {
        (None, None) => api.account()?,
        _ => None,
    };
    let account: Option<Account> = account
        .map(|body| serde_json::from_slice(&body))
        .transpose()
        .map_err(|e| defect(format!("account: {e}")))?;
    let fallback = Fallback {
        name: account.as_ref().map_or("", |a| a.name.as_str()),
        email: account.as_ref().and_then(|a| a.email.as_deref()),
    };
    let doc = document(&invoice, profile.as_deref(), client.as_deref(), fallback)
        .map_err(|e| defect(format!("document: {e}")))?;
    let paper = paper.unwrap_or_else(|| Paper::for_country(doc.seller.country.as_deref()));
    let bytes = render(&doc, paper).map_err(|e| defect(e.to_string()))?;
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/pdf")
        // One version on one paper is one file, byte for byte.
        .header("etag", format!("\"{}-{}\"", head.version, paper.name()))
        .header(
            "content-disposition",
            format!("inline; filename=\"{}.pdf\"", head.number),
        )
        .header("cache-control", "private, no-cache")
        .body(bytes)
        .build())
}

/// `?paper=a4` or `?paper=letter`; none: by the seller's country.
fn paper(query: &str) -> Result<Option<Paper>, Problem> {
    let mut chosen = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let chosen_now = match pair {
            "paper=a4" => Paper::A4,
            "paper=letter" => Paper::LETTER,
            other => {
                let (name, _) = other.split_once('=').unwrap_or((other, ""));
                let field = if name == "paper" { "paper" } else { "query" };
                return Err(Problem::validation(vec![FieldError::new(
                    field,
                    "the only parameter is paper, a4 or letter",
                )]));
            }
        };
        chosen = Some(chosen_now);
    }
    Ok(chosen)
}

fn defect(reason: String) -> Problem {
    Fault::Internal(reason).into_problem("documents")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_is_a4_letter_or_the_sellers() {
        assert!(matches!(paper(""), Ok(None)));
        assert_eq!(paper("paper=letter").ok().flatten(), Some(Paper::LETTER));
        assert_eq!(
            paper("paper=a4").ok().flatten().map(Paper::name),
            Some("a4")
        );
        for bad in ["paper=a3", "paper=", "limit=5", "paper=a4%00", "x"] {
            assert_eq!(
                paper(bad).map(|_| ()).map_err(|p| p.status),
                Err(422),
                "{bad}"
            );
        }
    }
}
