//! A document as an answer, whoever asked (the owner's routes or a share link): which
//! format the query asks for, `304` for a file the caller has, the PDF or the
//! e-invoice rendered, and an e-invoice EN 16931 cannot carry yet as a 409.

use fin_documents::einvoice::{self, Refused};
use fin_documents::{render, Paper};
use fin_spin_edge::{ApiRequest, FieldError, Problem};
use spin_sdk::http::Response;

use crate::source::{defect, Source};

/// What of an invoice a request asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    /// On the paper named, or (`None`) the seller's country's.
    Pdf(Option<Paper>),
    Xml,
}

impl Format {
    /// `?paper=a4` or `?paper=letter`; none: by the seller's country.
    pub fn pdf(query: &str) -> Result<Format, Problem> {
        let mut chosen = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            chosen = Some(match pair {
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
            });
        }
        Ok(Format::Pdf(chosen))
    }

    /// The e-invoice takes no parameters.
    pub fn xml(query: &str) -> Result<Format, Problem> {
        match query.is_empty() {
            true => Ok(Format::Xml),
            false => Err(Problem::validation(vec![FieldError::new(
                "query",
                "the e-invoice takes no parameters",
            )])),
        }
    }
}

/// `source` as a PDF or an e-invoice: `304` when `If-None-Match` names this very file.
/// `logo` fetches the picture of the seller's logo, for the PDF.
pub fn respond(
    req: &ApiRequest,
    mut source: Source,
    format: Format,
    logo: impl Fn(&str) -> Result<Option<Vec<u8>>, Problem>,
) -> Result<Response, Problem> {
    let (etag, paper) = match format {
        Format::Pdf(paper) => {
            let paper =
                paper.unwrap_or_else(|| Paper::for_country(source.invoice.seller.country()));
            (source.etag(paper.name()), Some(paper))
        }
        Format::Xml => (source.etag("xml"), None),
    };
    if not_modified(req.header("if-none-match"), &etag) {
        return Ok(Response::builder()
            .status(304)
            .header("etag", etag)
            .header("cache-control", "private, no-cache")
            .body(Vec::new())
            .build());
    }
    let number = source.invoice.number.clone();
    let (bytes, content_type, file) = match paper {
        Some(paper) => {
            if let Some(picture) = source.invoice.logo.as_mut() {
                picture.data = logo(&picture.sha256)?.unwrap_or_default();
            }
            let bytes = render(&source.invoice, paper).map_err(|e| defect(e.to_string()))?;
            (bytes, "application/pdf", format!("{number}.pdf"))
        }
        None => {
            let xml = einvoice::ubl(&source.invoice).map_err(refused)?;
            (xml.into_bytes(), "application/xml", format!("{number}.xml"))
        }
    };
    Ok(Response::builder()
        .status(200)
        .header("content-type", content_type)
        // The same version in the same format is the same file, byte for byte.
        .header("etag", etag)
        .header(
            "content-disposition",
            format!("inline; filename=\"{file}\""),
        )
        .header("cache-control", "private, no-cache")
        .header("x-content-type-options", "nosniff")
        .body(bytes)
        .build())
}

/// Which specification the invoice's e-invoice claims, and what Peppol BIS 3.0 would
/// still need when it is plain EN 16931: what the web app shows beside the download, so
/// the freelancer knows which field on the profile or the client to fill in. The same
/// `409` as the e-invoice when EN 16931 itself refuses it.
pub fn profile(source: Source) -> Result<Response, Problem> {
    einvoice::ubl(&source.invoice).map_err(refused)?;
    let choice = einvoice::choose(&source.invoice);
    let gaps: Vec<_> = choice
        .gaps
        .iter()
        .map(|g| serde_json::json!({"rule": g.rule, "field": g.field, "message": g.message}))
        .collect();
    let body = serde_json::json!({
        "profile": choice.profile.name(),
        "customization_id": choice.profile.customization_id(),
        "peppol_gaps": gaps,
    });
    let mut response = fin_spin_edge::response::json(200, &body);
    response.set_header("cache-control", "private, no-cache");
    Ok(response)
}

/// Whether `If-None-Match` names `etag` (RFC 9110 §13.1.2: weak comparison, `*`, lists).
fn not_modified(if_none_match: Option<&str>, etag: &str) -> bool {
    let Some(header) = if_none_match else {
        return false;
    };
    header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// An invoice EN 16931 cannot carry yet: a 409 naming each rule and what would mend it.
pub fn refused(refused: Refused) -> Problem {
    match refused {
        Refused::Defect(reason) => defect(format!("e-invoice: {reason}")),
        Refused::Incomplete(violations) => {
            let mut problem = Problem::new(
                409,
                "einvoice-incomplete",
                "The invoice cannot be an EN 16931 e-invoice yet",
            )
            .with_detail(
                "Each error names what to fill in: seller.* is your business profile, \
                 buyer.* the client (for a sent invoice, as it was when sent).",
            );
            problem.errors = violations
                .into_iter()
                .map(|v| FieldError::new(v.field, format!("[{}] {}", v.rule, v.message)))
                .collect();
            problem
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_is_a4_letter_or_the_sellers() {
        assert_eq!(Format::pdf("").ok(), Some(Format::Pdf(None)));
        assert_eq!(
            Format::pdf("paper=letter").ok(),
            Some(Format::Pdf(Some(Paper::LETTER)))
        );
        assert_eq!(
            Format::pdf("paper=a4").ok(),
            Some(Format::Pdf(Some(Paper::A4)))
        );
        for bad in ["paper=a3", "paper=", "limit=5", "paper=a4%00", "x"] {
            assert_eq!(
                Format::pdf(bad).map(|_| ()).map_err(|p| p.status),
                Err(422),
                "{bad}"
            );
        }
        assert_eq!(Format::xml("").ok(), Some(Format::Xml));
        assert_eq!(Format::xml("paper=a4").map_err(|p| p.status), Err(422));
    }

    #[test]
    fn if_none_match_names_the_file_or_not() {
        let etag = "\"3-a4\"";
        assert!(not_modified(Some("\"3-a4\""), etag));
        assert!(not_modified(Some("W/\"3-a4\""), etag));
        assert!(not_modified(Some("\"1-a4\", \"3-a4\""), etag));
        assert!(not_modified(Some("*"), etag));
        assert!(!not_modified(Some("\"3-letter\""), etag));
        assert!(!not_modified(Some("3-a4"), etag));
        assert!(!not_modified(None, etag));
    }
}
