//! Which representation of an invoice a request's `Accept` asks for (RFC 9110 §12.5.1):
//! the JSON the API speaks, the PDF, or the EN 16931 e-invoice.

use fin_problem::FieldError;

/// What `GET /invoices/{id}` answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Json,
    Pdf,
    Xml,
}

/// The media types offered, in the order that wins a tie.
const OFFERED: [(Wanted, &str); 4] = [
    (Wanted::Json, "application/json"),
    (Wanted::Pdf, "application/pdf"),
    (Wanted::Xml, "application/xml"),
    (Wanted::Xml, "text/xml"),
];

/// The representation `accept` prefers: each offered type gets the quality of the most
/// specific range that matches it (`application/pdf` over `application/*` over `*/*`),
/// the best quality wins, JSON on a tie. No header, or one that accepts none of them,
/// is JSON: a server may ignore what it cannot honour, and JSON is what the API is.
pub fn wanted(accept: Option<&str>) -> Wanted {
    let Some(accept) = accept else {
        return Wanted::Json;
    };
    let ranges: Vec<(String, u32)> = accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(quality)
                .next()
                .unwrap_or(1000);
            (!media.is_empty()).then_some((media, quality))
        })
        .collect();
    let mut best = (Wanted::Json, 0);
    for (wanted, offered) in OFFERED {
        let (kind, _) = offered.split_once('/').unwrap_or((offered, ""));
        let matched = ranges
            .iter()
            .filter_map(|(media, q)| {
                let specificity = if media == offered {
                    3
                } else if media.strip_suffix("/*") == Some(kind) {
                    2
                } else if media == "*/*" {
                    1
                } else {
                    return None;
                };
                Some((specificity, *q))
            })
            .max_by_key(|(specificity, _)| *specificity);
        if let Some((_, q)) = matched {
            if q > best.1 {
                best = (wanted, q);
            }
        }
    }
    best.0
}

/// The one parameter `GET /invoices/{id}` takes: `paper`, `a4` or `letter`, for a PDF
/// (ignored for the other representations, refused when it is none of the two, like any
/// other parameter).
pub fn paper_only(query: &str) -> Result<(), FieldError> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        if !matches!(pair, "paper=a4" | "paper=letter") {
            let (name, _) = pair.split_once('=').unwrap_or((pair, ""));
            let field = if name == "paper" { "paper" } else { "query" };
            return Err(FieldError::new(
                field,
                "the only parameter is paper, a4 or letter (for a PDF)",
            ));
        }
    }
    Ok(())
}

/// `0.8` → 800; anything that is no quality value (RFC 9110 `qvalue`) → `None`.
fn quality(text: &str) -> Option<u32> {
    let value: f64 = text.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_is_the_only_parameter() {
        assert!(paper_only("").is_ok() && paper_only("paper=letter").is_ok());
        assert_eq!(
            paper_only("paper=a%00b").map_err(|e| e.field),
            Err("paper".into())
        );
        assert_eq!(
            paper_only("limit=1").map_err(|e| e.field),
            Err("query".into())
        );
        assert_eq!(
            paper_only("a%00b=1").map_err(|e| e.field),
            Err("query".into())
        );
    }

    #[test]
    fn the_best_quality_wins_and_json_takes_ties_and_leftovers() {
        for (accept, expected) in [
            (None, Wanted::Json),
            (Some("application/json"), Wanted::Json),
            (Some("*/*"), Wanted::Json),
            (Some("application/pdf"), Wanted::Pdf),
            (Some("Application/PDF"), Wanted::Pdf),
            (Some("application/xml"), Wanted::Xml),
            (Some("text/xml"), Wanted::Xml),
            (Some("application/pdf, application/json;q=0.5"), Wanted::Pdf),
            (
                Some("application/pdf;q=0.4, application/json;q=0.5"),
                Wanted::Json,
            ),
            (Some("application/pdf, application/json"), Wanted::Json),
            (Some("*/*;q=1, application/pdf;q=0.1"), Wanted::Json),
            (Some("application/*;q=0.2, application/pdf"), Wanted::Pdf),
            (Some("image/png"), Wanted::Json),
            (Some("application/pdf;q=0"), Wanted::Json),
            (Some("application/pdf;q=banana"), Wanted::Pdf),
            (Some(",,;;"), Wanted::Json),
        ] {
            assert_eq!(wanted(accept), expected, "{accept:?}");
        }
    }
}
