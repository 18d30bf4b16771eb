//! A stored invoice and how the API shows it.

pub use fin_commercial::totals::TaxView;
use serde::Serialize;
use time::Date;

use crate::credit::{CreditNote, CreditNoteView};
use crate::domain::InvoiceFields;
use crate::parties::Buyer;
use crate::status::Status;
use fin_commercial::dates::format_date;
use fin_commercial::decimal::format_scaled;
use fin_commercial::lines::discount_json;
use fin_commercial::numbering::INVOICES;
use fin_commercial::totals::Totals;
use fin_seller::BusinessProfile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub id: String,
    /// The number's year and its sequence within the year.
    pub year: i32,
    pub sequence: i64,
    pub status: Status,
    pub fields: InvoiceFields,
    pub totals: Totals,
    pub amount_paid: i64,
    /// Money received above the total (from a provider; never from a manual payment).
    pub amount_overpaid: i64,
    /// What credit notes took back of the total.
    pub amount_credited: i64,
    /// What was paid back to the client against credit notes (`refund`).
    pub amount_refunded: i64,
    pub credit_notes: Vec<CreditNote>,
    /// Bumped by every change; the ETag.
    pub version: i64,
    pub payments: Vec<Payment>,
    pub sent_at: Option<String>,
    pub paid_at: Option<String>,
    pub voided_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Frozen when sent (`parties`); `None` on a draft, and on one sent without a
    /// business profile.
    pub seller: Option<BusinessProfile>,
    pub buyer: Option<Buyer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Payment {
    pub id: String,
    /// The money received; `overpaid` of it is above what was due.
    pub amount: i64,
    pub overpaid: i64,
    pub paid_on: String,
    pub method: Option<String>,
    pub reference: Option<String>,
    /// `manual` or `stripe`.
    pub source: String,
    pub recorded_at: String,
}

#[cfg(test)]
impl Invoice {
    /// A new draft as a store would write it: for the in-memory store and the tests.
    pub fn new_draft(
        id: String,
        year: i32,
        sequence: i64,
        fields: InvoiceFields,
        totals: Totals,
    ) -> Self {
        Invoice {
            id,
            year,
            sequence,
            status: Status::Draft,
            totals,
            fields,
            amount_paid: 0,
            amount_overpaid: 0,
            amount_credited: 0,
            amount_refunded: 0,
            credit_notes: Vec::new(),
            version: 1,
            payments: Vec::new(),
            sent_at: None,
            paid_at: None,
            voided_at: None,
            created_at: String::new(),
            updated_at: String::new(),
            seller: None,
            buyer: None,
        }
    }
}

impl Invoice {
    pub fn number(&self) -> String {
        INVOICES.number(self.year, self.sequence.try_into().unwrap_or(u32::MAX))
    }

    /// What the invoice still charges once credit notes took their part back.
    pub fn payable(&self) -> i64 {
        self.totals.total - self.amount_credited
    }

    /// What the client still owes; never below 0 (a credit on a paid invoice is money
    /// owed back, not a negative balance).
    pub fn balance_due(&self) -> i64 {
        (self.payable() - self.amount_paid).max(0)
    }

    /// An amount as a refusal says it to a person: `1,234.50 EUR`.
    pub fn money_text(&self, minor: i64) -> String {
        match self.fields.currency {
            Some(c) => format!(
                "{} {}",
                fin_amount::format(minor, u8::try_from(c.minor_digits()).unwrap_or(2)),
                c.code()
            ),
            None => format!("{minor} minor units"),
        }
    }

    /// What is owed back to the client: paid beyond what the invoice still charges
    /// once credit notes took their part (never below 0), less what was refunded.
    pub fn owed_back(&self) -> i64 {
        ((self.amount_paid - self.payable()).max(0) - self.amount_refunded).max(0)
    }

    pub fn fully_credited(&self) -> bool {
        self.amount_credited > 0 && self.amount_credited >= self.totals.total
    }

    /// The strong ETag of this version.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.version)
    }

    /// What every view of the invoice starts with: its number, client, dates, status
    /// and sums — all read from the invoice's own row.
    fn head(&self, today: Date) -> InvoiceHead<'_> {
        let f = &self.fields;
        InvoiceHead {
            id: &self.id,
            number: self.number(),
            client_id: &f.client_id,
            status: self.status.shown(f.due_date, today, self.fully_credited()),
            issue_date: format_date(f.issue_date),
            due_date: format_date(f.due_date),
            currency: f.currency.map(|c| c.code()),
            subtotal: self.totals.subtotal,
            discount_amount: self.totals.discount,
            tax: self.totals.tax,
            total: self.totals.total,
            amount_paid: self.amount_paid,
            amount_overpaid: self.amount_overpaid,
            amount_credited: self.amount_credited,
            balance_due: self.balance_due(),
            amount_refunded: self.amount_refunded,
            owed_back: self.owed_back(),
            version: self.version,
            sent_at: self.sent_at.as_deref(),
            paid_at: self.paid_at.as_deref(),
            voided_at: self.voided_at.as_deref(),
            created_at: &self.created_at,
            updated_at: &self.updated_at,
        }
    }

    /// The invoice as a list shows it: what a list screen needs, from the invoice's own
    /// row; its lines, payments, credit notes and parties are at `GET /invoices/{id}`.
    pub fn summary(&self, today: Date) -> InvoiceSummary<'_> {
        InvoiceSummary {
            head: self.head(today),
            buyer: self.buyer.as_ref().map(|b| BuyerName { name: &b.name }),
        }
    }

    /// The API's view of this invoice; `today` decides whether it shows as overdue.
    pub fn view(&self, today: Date) -> InvoiceView<'_> {
        let f = &self.fields;
        InvoiceView {
            head: self.head(today),
            lines: f
                .lines
                .iter()
                .zip(&self.totals.line_nets)
                .map(|(line, net)| LineView {
                    description: &line.description,
                    quantity: format_scaled(line.quantity_milli, 3),
                    unit_price: line.unit_price,
                    tax_rate: format_scaled(i64::from(line.tax_rate_bp), 2),
                    net: *net,
                })
                .collect(),
            discount: discount_json(f.discount),
            notes: f.notes.as_deref(),
            taxes: TaxView::all(&self.totals.taxes),
            payments: &self.payments,
            credit_notes: self.credit_notes.iter().map(CreditNote::view).collect(),
            seller: self.seller.as_ref(),
            buyer: self.buyer.as_ref(),
        }
    }
}

/// The fields every view of an invoice shows, first.
#[derive(Debug, Serialize)]
pub struct InvoiceHead<'a> {
    pub id: &'a str,
    pub number: String,
    pub client_id: &'a str,
    pub status: &'static str,
    pub issue_date: String,
    pub due_date: String,
    pub currency: Option<&'static str>,
    pub subtotal: i64,
    pub discount_amount: i64,
    pub tax: i64,
    pub total: i64,
    pub amount_paid: i64,
    pub amount_overpaid: i64,
    pub amount_credited: i64,
    pub balance_due: i64,
    pub amount_refunded: i64,
    pub owed_back: i64,
    pub version: i64,
    pub sent_at: Option<&'a str>,
    pub paid_at: Option<&'a str>,
    pub voided_at: Option<&'a str>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
}

/// An invoice in a list: its head, and who it was sent to by name.
#[derive(Debug, Serialize)]
pub struct InvoiceSummary<'a> {
    #[serde(flatten)]
    pub head: InvoiceHead<'a>,
    /// Who the invoice was sent to, by the name it was sent with (`None` on a draft).
    pub buyer: Option<BuyerName<'a>>,
}

#[derive(Debug, Serialize)]
pub struct BuyerName<'a> {
    pub name: &'a str,
}

/// An invoice as the API shows it: its head, then what only its own page needs.
/// Quantities and tax rates are decimal strings (`"1.5"`, `"19"`), so no client parses
/// them as binary floats.
#[derive(Debug, Serialize)]
pub struct InvoiceView<'a> {
    #[serde(flatten)]
    pub head: InvoiceHead<'a>,
    pub lines: Vec<LineView<'a>>,
    pub discount: serde_json::Value,
    pub notes: Option<&'a str>,
    pub taxes: Vec<TaxView>,
    pub payments: &'a [Payment],
    pub credit_notes: Vec<CreditNoteView<'a>>,
    pub seller: Option<&'a BusinessProfile>,
    pub buyer: Option<&'a Buyer>,
}

#[derive(Debug, Serialize)]
pub struct LineView<'a> {
    pub description: &'a str,
    pub quantity: String,
    pub unit_price: i64,
    pub tax_rate: String,
    pub net: i64,
}
