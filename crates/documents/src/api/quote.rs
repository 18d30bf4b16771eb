//! A quote (`GET /quotes/{id}`) as a document: the invoice's layout, titled QUOTE, valid
//! until its day, with nothing due and no payment details. A quote freezes no party, so
//! its seller and buyer are the current business profile and client.

use serde::Deserialize;

use super::{Answer, ApiDiscount, ApiInvoice, ApiLine, ApiTax, Fallback, Unreadable};
use crate::model::{Invoice, Kind};

#[derive(Deserialize)]
struct ApiQuote {
    number: String,
    client_id: String,
    version: i64,
    status: String,
    issue_date: String,
    valid_until: String,
    currency: Option<String>,
    lines: Vec<ApiLine>,
    discount: Option<ApiDiscount>,
    notes: Option<String>,
    subtotal: i64,
    discount_amount: i64,
    taxes: Vec<ApiTax>,
    total: i64,
}

/// A quote read once: its client (for the buyer) and version (for the ETag) before it
/// is drawn.
pub struct QuoteAnswer {
    quote: ApiQuote,
}

impl QuoteAnswer {
    pub fn parse(body: &[u8]) -> Result<Self, Unreadable> {
        let quote = serde_json::from_slice(body).map_err(|e| format!("quote: {e}"))?;
        Ok(Self { quote })
    }

    pub fn client_id(&self) -> &str {
        &self.quote.client_id
    }

    pub fn version(&self) -> i64 {
        self.quote.version
    }

    /// The document, with `seller` (the profile's answer, if any) and `buyer` (the
    /// client's); a draft is marked DRAFT like a draft invoice.
    pub fn document(
        self,
        seller: Option<&[u8]>,
        buyer: Option<&[u8]>,
        fallback: Fallback<'_>,
    ) -> Result<Invoice, Unreadable> {
        let q = self.quote;
        let status = match q.status.as_str() {
            "draft" => "draft",
            _ => "sent",
        };
        let answer = Answer {
            invoice: ApiInvoice {
                number: q.number,
                client_id: q.client_id,
                version: q.version,
                status: status.into(),
                issue_date: q.issue_date,
                due_date: q.valid_until.clone(),
                currency: q.currency,
                lines: q.lines,
                discount: q.discount,
                notes: q.notes,
                subtotal: q.subtotal,
                discount_amount: q.discount_amount,
                taxes: q.taxes,
                total: q.total,
                amount_paid: 0,
                amount_credited: 0,
                balance_due: 0,
                payments: Vec::new(),
                credit_notes: Vec::new(),
                seller: None,
                buyer: None,
            },
        };
        let invoice = answer.document(seller, buyer, fallback)?;
        Ok(Invoice {
            kind: Kind::Quote {
                valid_until: q.valid_until,
            },
            payment_terms: None,
            bank: None,
            ..invoice
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{render, Paper};

    const QUOTE: &str = r#"{
        "id": "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11", "version": 2,
        "client_id": "6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11", "number": "QUO-2026-0007",
        "status": "sent", "currency": "EUR", "issue_date": "2026-12-06",
        "valid_until": "2027-01-05",
        "lines": [{"description": "Brand workshop", "quantity": "2", "unit_price": 90000,
                   "tax_rate": "19", "net": 180000}],
        "discount": {"percent": "10"}, "notes": "Two days on site.",
        "subtotal": 180000, "discount_amount": 18000,
        "taxes": [{"rate": "19", "taxable": 162000, "tax": 30780}],
        "tax": 30780, "total": 192780, "answer": null, "sent_at": null,
        "invoice_id": null, "links": [], "created_at": "2026-12-06T10:00:00Z",
        "updated_at": "2026-12-06T10:00:00Z"
    }"#;

    const PROFILE: &str = r#"{"legal_name": "Ada Lovelace Studio", "iban": "DE89370400440532013000",
        "payment_terms": "Net 30",
        "address": {"line1": "Torstraße 1", "postal_code": "10119", "city": "Berlin", "country": "DE"}}"#;

    #[test]
    fn a_quote_is_an_offer_valid_until_its_day_with_nothing_due() {
        let answer = QuoteAnswer::parse(QUOTE.as_bytes()).expect("a quote");
        assert_eq!(
            (answer.client_id(), answer.version()),
            ("6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11", 2)
        );
        let fallback = Fallback {
            name: "",
            email: None,
        };
        let doc = answer
            .document(Some(PROFILE.as_bytes()), None, fallback)
            .expect("a document");
        assert_eq!(
            doc.kind,
            Kind::Quote {
                valid_until: "2027-01-05".into()
            }
        );
        assert_eq!((doc.total, doc.balance_due), (192_780, 0));
        assert!(
            doc.payment_terms.is_none() && doc.bank.is_none(),
            "nothing to pay yet"
        );
        let labels: Vec<String> = crate::totals::totals(&doc)
            .into_iter()
            .map(|t| t.label)
            .collect();
        assert_eq!(
            labels.last().map(String::as_str),
            Some("Total EUR"),
            "no balance due"
        );
        let pdf = render(&doc, Paper::A4).expect("a PDF");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(
            crate::einvoice::ubl(&doc).is_err(),
            "a quote has no e-invoice"
        );
    }
}
