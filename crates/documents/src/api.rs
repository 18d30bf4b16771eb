//! A document from what the API answers: an invoice (`GET /invoices/{id}`), and the
//! seller and buyer it names — frozen on the invoice once it is sent, else the current
//! business profile (`GET /business-profile`) and client (`GET /clients/{id}`).
//!
//! The renderer reads the public contract, not billing's tables, so a component that
//! serves documents needs nothing but the caller's token and the API (docs/documents.md).

use fin_address::Address;
use serde::Deserialize;

use crate::model::{
    Bank, Currency, Discount, Invoice, Kind, Line, Logo, Party, Payment, Status, TaxSubtotal,
};

mod quote;
pub use quote::QuoteAnswer;

/// Why an answer could not be read as a document: a defect (the API and this crate
/// disagree), never the caller's input.
pub type Unreadable = String;

#[derive(Deserialize)]
struct ApiInvoice {
    number: String,
    client_id: String,
    version: i64,
    status: String,
    issue_date: String,
    due_date: String,
    currency: Option<String>,
    lines: Vec<ApiLine>,
    discount: Option<ApiDiscount>,
    notes: Option<String>,
    subtotal: i64,
    discount_amount: i64,
    taxes: Vec<ApiTax>,
    total: i64,
    amount_paid: i64,
    /// Absent from an answer of a billing without credit notes: nothing credited.
    #[serde(default)]
    amount_credited: i64,
    balance_due: i64,
    payments: Vec<ApiPayment>,
    /// Absent from an answer of a billing without credit notes.
    #[serde(default)]
    credit_notes: Vec<ApiCreditNote>,
    seller: Option<Seller>,
    buyer: Option<Buyer>,
}

/// A credit note as its invoice's answer lists it.
#[derive(Deserialize)]
struct ApiCreditNote {
    id: String,
    number: String,
    issue_date: String,
    reason: Option<String>,
    lines: Vec<ApiLine>,
    subtotal: i64,
    discount_amount: i64,
    taxes: Vec<ApiTax>,
    total: i64,
}

#[derive(Deserialize)]
struct ApiLine {
    description: String,
    quantity: String,
    unit_price: i64,
    tax_rate: String,
    net: i64,
}

#[derive(Deserialize)]
struct ApiDiscount {
    percent: Option<String>,
}

#[derive(Deserialize)]
struct ApiTax {
    rate: String,
    taxable: i64,
    tax: i64,
}

#[derive(Deserialize)]
struct ApiPayment {
    amount: i64,
    paid_on: String,
    method: Option<String>,
}

/// The business profile, as the invoice froze it or `GET /business-profile` answers.
#[derive(Deserialize)]
pub struct Seller {
    legal_name: String,
    trading_name: Option<String>,
    address: Address,
    tax_id: Option<String>,
    email: Option<String>,
    iban: Option<String>,
    bic: Option<String>,
    payment_terms: Option<String>,
    #[serde(default)]
    logo: Option<ApiLogo>,
    #[serde(default)]
    contact_name: Option<String>,
    #[serde(flatten)]
    reach: Reach,
}

/// What Peppol asks of a party beyond EN 16931; profiles saved and invoices sent before
/// these existed have none.
#[derive(Deserialize)]
struct Reach {
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    peppol_id: Option<String>,
    #[serde(default)]
    registration_id: Option<String>,
}

#[derive(Deserialize)]
struct ApiLogo {
    sha256: String,
    content_type: String,
    width: u32,
    height: u32,
}

/// The client, as the invoice froze it or `GET /clients/{id}` answers.
#[derive(Deserialize)]
pub struct Buyer {
    name: String,
    company: Option<String>,
    email: Option<String>,
    tax_id: Option<String>,
    address: Option<Address>,
    #[serde(flatten)]
    reach: Reach,
}

/// A stored participant id; one that no longer parses is left out rather than written.
fn participant(id: Option<String>) -> Option<fin_participant::ParticipantId> {
    id.and_then(|id| id.parse().ok())
}

/// What to print when the freelancer has no business profile yet: their account's name.
pub struct Fallback<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
}

/// An invoice as `GET /invoices/{id}` answered it, read once: what a document of it
/// shows, and which other answers it still needs before it can be drawn.
pub struct Answer {
    invoice: ApiInvoice,
}

impl Answer {
    pub fn parse(body: &[u8]) -> Result<Self, Unreadable> {
        let invoice = serde_json::from_slice(body).map_err(|e| format!("invoice: {e}"))?;
        Ok(Self { invoice })
    }

    pub fn number(&self) -> &str {
        &self.invoice.number
    }

    pub fn version(&self) -> i64 {
        self.invoice.version
    }

    pub fn client_id(&self) -> &str {
        &self.invoice.client_id
    }

    /// Whether the invoice lists a credit note with this id.
    pub fn has_credit_note(&self, id: &str) -> bool {
        self.invoice.credit_notes.iter().any(|n| n.id == id)
    }

    /// The credit note `id` against this invoice as a document of its own (EN 16931
    /// BG-3 names the invoice): the invoice's parties and currency, the note's number,
    /// date, lines and totals, and nothing to pay. `None` when the invoice has no such
    /// note. Only a sent invoice has credit notes, so its parties are frozen.
    pub fn credit_note(
        mut self,
        id: &str,
        fallback: Fallback<'_>,
    ) -> Result<Option<Invoice>, Unreadable> {
        let Some(at) = self.invoice.credit_notes.iter().position(|n| n.id == id) else {
            return Ok(None);
        };
        let note = self.invoice.credit_notes.swap_remove(at);
        let percent = self
            .invoice
            .discount
            .as_ref()
            .and_then(|d| d.percent.clone());
        let invoice = self.document(None, None, fallback)?;
        Ok(Some(Invoice {
            kind: Kind::CreditNote {
                invoice_number: invoice.number.clone(),
                invoice_issue_date: invoice.issue_date.clone(),
            },
            number: note.number,
            status: Status::Sent,
            due_date: note.issue_date.clone(),
            issue_date: note.issue_date,
            lines: note.lines.into_iter().map(Line::from).collect(),
            subtotal: note.subtotal,
            discount: (note.discount_amount > 0).then(|| Discount {
                label: match percent {
                    Some(percent) => format!("Discount {percent} %"),
                    None => "Discount".into(),
                },
                amount: note.discount_amount,
            }),
            taxes: note.taxes.into_iter().map(TaxSubtotal::from).collect(),
            total: note.total,
            payments: Vec::new(),
            amount_paid: 0,
            amount_credited: 0,
            balance_due: note.total,
            notes: note.reason,
            payment_terms: None,
            bank: None,
            ..invoice
        }))
    }

    /// A draft names no seller: the current business profile is needed.
    pub fn needs_profile(&self) -> bool {
        self.invoice.seller.is_none()
    }

    /// A draft names no buyer: the current client is needed.
    pub fn needs_client(&self) -> bool {
        self.invoice.buyer.is_none()
    }

    /// The document. `current_seller` and `current_buyer` are what to print when the
    /// invoice has not frozen them (a draft): the current profile and client answers;
    /// `fallback` names the seller when there is neither a frozen one nor a profile.
    pub fn document(
        self,
        current_seller: Option<&[u8]>,
        current_buyer: Option<&[u8]>,
        fallback: Fallback<'_>,
    ) -> Result<Invoice, Unreadable> {
        let api = self.invoice;
        let seller = match (api.seller, current_seller) {
            (Some(seller), _) => Some(seller),
            (None, Some(body)) => {
                Some(serde_json::from_slice(body).map_err(|e| format!("profile: {e}"))?)
            }
            (None, None) => None,
        };
        let buyer = match (api.buyer, current_buyer) {
            (Some(buyer), _) => Some(buyer),
            (None, Some(body)) => {
                Some(serde_json::from_slice(body).map_err(|e| format!("client: {e}"))?)
            }
            (None, None) => None,
        };
        let status = match api.status.as_str() {
            "draft" => Status::Draft,
            "sent" => Status::Sent,
            "overdue" => Status::Overdue,
            "paid" => Status::Paid,
            "credited" => Status::Credited,
            "void" => Status::Void,
            other => return Err(format!("unknown status {other}")),
        };
        let code = api.currency.unwrap_or_default();
        let minor_digits = iso_currency::Currency::from_code(&code)
            .and_then(|c| c.exponent())
            .map_or(2, |e| e.min(4) as u8);
        let discount = api
            .discount
            .filter(|_| api.discount_amount > 0)
            .map(|d| Discount {
                label: match d.percent {
                    Some(percent) => format!("Discount {percent} %"),
                    None => "Discount".into(),
                },
                amount: api.discount_amount,
            });
        let logo = seller.as_ref().and_then(|s| s.logo.as_ref()).map(|l| Logo {
            sha256: l.sha256.clone(),
            content_type: l.content_type.clone(),
            width: l.width,
            height: l.height,
            data: Vec::new(),
        });
        let (seller_party, terms, bank) = match seller {
            Some(s) => {
                let trading_name = s.trading_name.filter(|t| *t != s.legal_name);
                let name = match &trading_name {
                    Some(trading) => format!("{trading} ({})", s.legal_name),
                    None => s.legal_name.clone(),
                };
                let bank = s.iban.map(|iban| Bank {
                    iban: grouped(&iban),
                    bic: s.bic,
                });
                let party = Party {
                    name,
                    legal_name: s.legal_name,
                    trading_name,
                    contact: s.contact_name,
                    address: Some(s.address),
                    tax_id: s.tax_id,
                    registration_id: s.reach.registration_id,
                    peppol_id: participant(s.reach.peppol_id),
                    email: s.email,
                    phone: s.reach.phone,
                };
                (party, s.payment_terms, bank)
            }
            None => (
                Party {
                    name: fallback.name.to_owned(),
                    legal_name: fallback.name.to_owned(),
                    email: fallback.email.map(str::to_owned),
                    ..Party::default()
                },
                None,
                None,
            ),
        };
        let buyer = buyer.map_or_else(Party::default, |b| {
            let company = b.company.filter(|c| *c != b.name);
            let (name, legal_name, contact) = match company {
                Some(company) => (format!("{company} — {}", b.name), company, Some(b.name)),
                None => (b.name.clone(), b.name, None),
            };
            Party {
                name,
                legal_name,
                trading_name: None,
                contact,
                address: b.address,
                tax_id: b.tax_id,
                registration_id: b.reach.registration_id,
                peppol_id: participant(b.reach.peppol_id),
                email: b.email,
                phone: b.reach.phone,
            }
        });
        Ok(Invoice {
            kind: Kind::Invoice,
            number: api.number,
            status,
            issue_date: api.issue_date,
            due_date: api.due_date,
            currency: Currency { code, minor_digits },
            seller: seller_party,
            buyer,
            lines: api.lines.into_iter().map(Line::from).collect(),
            subtotal: api.subtotal,
            discount,
            taxes: api.taxes.into_iter().map(TaxSubtotal::from).collect(),
            total: api.total,
            payments: api
                .payments
                .into_iter()
                .map(|p| Payment {
                    paid_on: p.paid_on,
                    amount: p.amount,
                    method: p.method,
                })
                .collect(),
            amount_paid: api.amount_paid,
            amount_credited: api.amount_credited,
            balance_due: api.balance_due,
            notes: api.notes,
            payment_terms: terms,
            bank,
            logo,
        })
    }
}

impl From<ApiLine> for Line {
    fn from(l: ApiLine) -> Self {
        Line {
            description: l.description,
            quantity: l.quantity,
            unit_price: l.unit_price,
            tax_rate: l.tax_rate,
            net: l.net,
        }
    }
}

impl From<ApiTax> for TaxSubtotal {
    fn from(t: ApiTax) -> Self {
        TaxSubtotal {
            rate: t.rate,
            taxable: t.taxable,
            tax: t.tax,
        }
    }
}

/// [`Answer::parse`] then [`Answer::document`], for an answer at hand.
pub fn document(
    invoice: &[u8],
    current_seller: Option<&[u8]>,
    current_buyer: Option<&[u8]>,
    fallback: Fallback<'_>,
) -> Result<Invoice, Unreadable> {
    Answer::parse(invoice)?.document(current_seller, current_buyer, fallback)
}

/// An IBAN in print form: groups of four (`DE89 3704 0044 0532 0130 00`).
fn grouped(iban: &str) -> String {
    let chars: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn invoice(extra: serde_json::Value) -> Vec<u8> {
        let mut base = json!({
            "id": "6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11", "number": "INV-2026-0007",
            "client_id": "6d0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d12", "status": "draft",
            "issue_date": "2026-11-30", "due_date": "2026-12-30", "currency": "JPY",
            "lines": [{"description": "Design", "quantity": "2", "unit_price": 5000,
                       "tax_rate": "10", "net": 10000}],
            "discount": {"percent": "5"}, "notes": null, "subtotal": 10000,
            "discount_amount": 500, "taxes": [{"rate": "10", "taxable": 9500, "tax": 950}],
            "tax": 950, "total": 10450, "amount_paid": 0, "amount_overpaid": 0,
            "balance_due": 10450, "payments": [], "version": 1, "sent_at": null,
            "paid_at": null, "voided_at": null, "created_at": "2026-11-30T10:00:00Z",
            "updated_at": "2026-11-30T10:00:00Z", "seller": null, "buyer": null
        });
        for (k, v) in extra.as_object().expect("object") {
            base[k] = v.clone();
        }
        serde_json::to_vec(&base).expect("json")
    }

    fn profile(name: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "legal_name": name, "trading_name": "Studio", "tax_id": "DE1",
            "address": {"line1": "Hauptstr. 1", "line2": null, "city": "Berlin",
                        "region": null, "postal_code": "10115", "country": "DE"},
            "email": "ada@example.com", "iban": "DE89370400440532013000", "bic": "DEUTDEFF",
            "payment_terms": "Net 30", "version": 3, "updated_at": "2026-11-30T10:00:00Z"
        }))
        .expect("json")
    }

    const ACCOUNT: Fallback<'static> = Fallback {
        name: "Ada",
        email: Some("ada@example.com"),
    };

    #[test]
    fn a_draft_names_the_current_seller_and_buyer() {
        let client = br#"{"id": "x", "name": "Acme", "company": "Acme GmbH", "email": null,
            "tax_id": "ATU1", "address": {"country": "AT", "city": "Wien"}, "phone": null}"#;
        let doc = document(
            &invoice(json!({})),
            Some(&profile("Ada L")),
            Some(client),
            ACCOUNT,
        )
        .expect("document");
        assert_eq!(doc.status, Status::Draft);
        assert_eq!(doc.currency.minor_digits, 0, "JPY");
        assert_eq!(doc.seller.name, "Studio (Ada L)");
        assert_eq!(
            doc.seller.address.as_ref().map(Address::lines),
            Some(vec!["Hauptstr. 1".to_owned(), "10115 Berlin".to_owned()])
        );
        assert_eq!(doc.seller.legal_name, "Ada L");
        assert_eq!(doc.seller.trading_name.as_deref(), Some("Studio"));
        assert_eq!(
            doc.bank.as_ref().map(|b| b.iban.as_str()),
            Some("DE89 3704 0044 0532 0130 00")
        );
        assert_eq!(doc.payment_terms.as_deref(), Some("Net 30"));
        assert_eq!(doc.buyer.name, "Acme GmbH — Acme");
        assert_eq!(doc.buyer.country(), Some("AT"));
        assert_eq!(doc.buyer.legal_name, "Acme GmbH");
        assert_eq!(doc.buyer.contact.as_deref(), Some("Acme"));
        assert_eq!(
            doc.discount.as_ref().map(|d| d.label.as_str()),
            Some("Discount 5 %")
        );
        assert_eq!(doc.taxes[0].tax, 950);
    }

    #[test]
    fn a_sent_invoice_prints_what_it_froze() {
        let frozen: serde_json::Value = serde_json::from_slice(&profile("Ada Then")).expect("json");
        let sent = invoice(json!({
            "status": "paid", "seller": frozen,
            "buyer": {"name": "Old Name", "company": null, "email": null, "tax_id": null, "address": null}
        }));
        let doc = document(&sent, Some(&profile("Ada Now")), None, ACCOUNT).expect("document");
        assert_eq!(doc.status, Status::Paid);
        assert_eq!(doc.seller.name, "Studio (Ada Then)");
        assert_eq!(doc.buyer.name, "Old Name");
    }

    #[test]
    fn without_a_profile_the_account_is_the_seller() {
        let doc =
            document(&invoice(json!({"currency": "BHD"})), None, None, ACCOUNT).expect("document");
        assert_eq!(doc.seller.name, "Ada");
        assert_eq!(doc.seller.email.as_deref(), Some("ada@example.com"));
        assert_eq!(doc.currency.minor_digits, 3);
        assert!(doc.bank.is_none());
    }

    #[test]
    fn a_credit_note_is_a_document_of_its_own_that_names_its_invoice() {
        let frozen: serde_json::Value = serde_json::from_slice(&profile("Ada")).expect("json");
        let sent = invoice(json!({
            "status": "sent", "seller": frozen, "amount_credited": 5225, "balance_due": 5225,
            "buyer": {"name": "Acme", "company": null, "email": null, "tax_id": null, "address": null},
            "credit_notes": [{
                "id": "c1", "number": "CRN-2026-0003", "issue_date": "2026-12-05",
                "reason": "One design cut", "subtotal": 5000, "discount_amount": 250,
                "taxes": [{"rate": "10", "taxable": 4750, "tax": 475}], "tax": 475, "total": 5225,
                "lines": [{"description": "Design", "quantity": "1", "unit_price": 5000,
                           "tax_rate": "10", "net": 5000}],
                "issued_at": "2026-12-05T10:00:00Z"
            }]
        }));
        let answer = Answer::parse(&sent).expect("parsed");
        assert!(answer.has_credit_note("c1"));
        assert!(!answer.has_credit_note("c2"));
        let note = answer
            .credit_note("c1", ACCOUNT)
            .expect("readable")
            .expect("listed");
        assert_eq!(
            note.kind,
            Kind::CreditNote {
                invoice_number: "INV-2026-0007".into(),
                invoice_issue_date: "2026-11-30".into()
            }
        );
        assert_eq!(
            (note.number.as_str(), note.issue_date.as_str()),
            ("CRN-2026-0003", "2026-12-05")
        );
        assert_eq!(
            (note.total, note.balance_due, note.amount_paid),
            (5225, 5225, 0)
        );
        assert_eq!(note.lines.len(), 1);
        assert_eq!(
            note.discount.as_ref().map(|d| d.label.as_str()),
            Some("Discount 5 %")
        );
        assert_eq!(note.notes.as_deref(), Some("One design cut"));
        assert!(
            note.bank.is_none() && note.payment_terms.is_none(),
            "nothing to pay"
        );
        assert_eq!(note.seller.legal_name, "Ada");
        let none = Answer::parse(&sent)
            .expect("parsed")
            .credit_note("c2", ACCOUNT);
        assert_eq!(none.map(|n| n.is_none()), Ok(true));
    }

    #[test]
    fn an_answer_it_cannot_read_is_an_error_not_a_panic() {
        assert!(document(b"{}", None, None, ACCOUNT).is_err());
        assert!(document(&invoice(json!({"status": "lost"})), None, None, ACCOUNT).is_err());
        assert!(document(&invoice(json!({})), Some(b"[]"), None, ACCOUNT).is_err());
    }
}
