//! A stored quote: its number, fields, where it stands, the client's answer, its links
//! and the invoice it became — and how the API shows it.

use fin_commercial::dates::format_date;
use fin_commercial::lines::{discount_json, line_json};
use fin_commercial::numbering::Series;
use fin_commercial::totals::TaxView;
use serde::Serialize;
use serde_json::Value;
use time::Date;

use crate::domain::{QuoteFields, Status};

/// The quotes' series: gapless per owner and year, like invoices'.
pub const QUOTES: Series = Series::new("QUO");

#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub id: String,
    pub owner: String,
    pub number_year: i32,
    pub number_seq: i64,
    pub fields: QuoteFields,
    /// As stored: draft, sent, accepted or declined (never expired, which is read).
    pub stored: Status,
    pub sent_at: Option<String>,
    /// The client's address the quote was e-mailed to when it was sent; `None` when the
    /// client had none (the freelancer shares a link instead).
    pub emailed_to: Option<String>,
    pub answer: Option<Answered>,
    pub invoice_id: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub links: Vec<Link>,
}

/// The client's answer as recorded: when, by whom (as typed), what they added and the
/// address the request came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answered {
    pub at: String,
    /// The name typed to accept; `None` for a refusal.
    pub name: Option<String>,
    /// The acceptance's note or the refusal's reason.
    pub note: Option<String>,
    pub address: Option<String>,
}

/// Who a quote is between, as the directories publish them now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parties {
    /// The seller's trading name, else its legal name.
    pub seller: Option<String>,
    /// The client's company, else its name.
    pub client: Option<String>,
    /// The client's country (ISO 3166-1 alpha-2): the language the client is written to.
    pub client_country: Option<String>,
}

/// A link to the quote, as its owner sees it. The token is shown once, when the link is
/// made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Link {
    pub id: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl Quote {
    pub fn number(&self) -> String {
        let seq = u32::try_from(self.number_seq).unwrap_or(u32::MAX);
        QUOTES.number(self.number_year, seq)
    }

    pub fn etag(&self) -> String {
        format!("\"{}\"", self.version)
    }

    /// Where the quote stands on `today` (UTC): a sent quote past its valid-until date
    /// has expired.
    pub fn status(&self, today: Date) -> Status {
        match self.stored {
            Status::Sent if self.fields.valid_until < today => Status::Expired,
            other => other,
        }
    }

    /// The quote as its owner reads it.
    pub fn view(&self, today: Date) -> Value {
        let mut json = self.document(today);
        json["id"] = self.id.clone().into();
        json["version"] = self.version.into();
        json["client_id"] = self.fields.client_id.clone().into();
        json["sent_at"] = self.sent_at.clone().into();
        json["emailed_to"] = self.emailed_to.clone().into();
        json["invoice_id"] = self.invoice_id.clone().into();
        json["links"] = serde_json::to_value(&self.links).unwrap_or_default();
        json["created_at"] = self.created_at.clone().into();
        json["updated_at"] = self.updated_at.clone().into();
        json
    }

    /// What anyone holding a link may read: the document and its answer, nothing of the
    /// owner's bookkeeping (no ids, links or invoice).
    pub fn document(&self, today: Date) -> Value {
        let f = &self.fields;
        let totals = f.totals().ok();
        let answer = self.answer.as_ref().map(|a| {
            serde_json::json!({
                "at": a.at,
                "name": a.name,
                "note": a.note,
                "address": a.address,
            })
        });
        serde_json::json!({
            "number": self.number(),
            "status": self.status(today).name(),
            "currency": f.currency.map(|c| c.code()),
            "issue_date": format_date(f.issue_date),
            "valid_until": format_date(f.valid_until),
            "lines": f.lines.iter().zip(totals.iter().flat_map(|t| t.line_nets.iter()))
                .map(|(line, net)| {
                    let mut json = line_json(line);
                    json["net"] = (*net).into();
                    json
                })
                .collect::<Vec<_>>(),
            "discount": discount_json(f.discount),
            "notes": f.notes,
            "subtotal": totals.as_ref().map(|t| t.subtotal),
            "discount_amount": totals.as_ref().map(|t| t.discount),
            "taxes": totals.as_ref().map(|t| TaxView::all(&t.taxes)).unwrap_or_default(),
            "tax": totals.as_ref().map(|t| t.tax),
            "total": totals.as_ref().map(|t| t.total),
            "answer": answer,
        })
    }
}
