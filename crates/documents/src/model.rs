//! What an invoice document shows, every figure already computed.
//!
//! The renderer does no arithmetic with money: billing computes the totals once, and a
//! document only lays out what it is given, so a PDF and the API never disagree.

pub use fin_address::Address;

/// An invoice — or a credit note against one — as a client receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// What the document is; an invoice unless said otherwise.
    pub kind: Kind,
    /// `INV-2026-0001`.
    pub number: String,
    pub status: Status,
    /// ISO 8601 dates, `2026-11-30`.
    pub issue_date: String,
    pub due_date: String,
    pub currency: Currency,
    pub seller: Party,
    pub buyer: Party,
    pub lines: Vec<Line>,
    pub subtotal: i64,
    pub discount: Option<Discount>,
    /// One entry per tax rate, in the order to show them.
    pub taxes: Vec<TaxSubtotal>,
    pub total: i64,
    pub payments: Vec<Payment>,
    pub amount_paid: i64,
    /// What credit notes took back of an invoice's total (each is a document of its own;
    /// the invoice shows the sum so its balance adds up).
    pub amount_credited: i64,
    pub balance_due: i64,
    pub notes: Option<String>,
    /// The seller's payment terms and bank details, as they want them printed.
    pub payment_terms: Option<String>,
    pub bank: Option<Bank>,
    /// The seller's logo; `data` is empty until the picture has been fetched, and a
    /// logo without data (or one that does not decode) is simply not drawn.
    pub logo: Option<Logo>,
}

/// Which commercial document: the two EN 16931 carries, and the quote before them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    Invoice,
    /// A credit note: it never edits the invoice it credits, it names it (BG-3).
    CreditNote {
        /// The credited invoice's number and issue date (BT-25, BT-26).
        invoice_number: String,
        invoice_issue_date: String,
    },
    /// A quote: an offer, not a demand for payment — valid until a day, nothing due, no
    /// e-invoice (EN 16931 covers invoices and credit notes only).
    Quote { valid_until: String },
}

/// A PNG or JPEG logo, named by its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub sha256: String,
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// What the document is marked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not issued: marked DRAFT.
    Draft,
    Sent,
    Overdue,
    /// Marked PAID.
    Paid,
    /// Settled by credit notes that took back its whole total: marked CREDITED.
    Credited,
    /// Marked VOID.
    Void,
}

impl Status {
    /// The mark printed across the document, if it has one.
    pub fn mark(self) -> Option<&'static str> {
        match self {
            Status::Draft => Some("DRAFT"),
            Status::Paid => Some("PAID"),
            Status::Credited => Some("CREDITED"),
            Status::Void => Some("VOID"),
            Status::Sent | Status::Overdue => None,
        }
    }
}

/// An ISO 4217 currency and how many digits its minor unit has (JPY 0, EUR 2, BHD 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    pub code: String,
    pub minor_digits: u8,
}

/// A seller or a buyer, as the document names them.
///
/// `name` is the heading a reader sees ("Studio (Ada Lovelace Ltd)", "Acme GmbH — Jo");
/// the parts it is made of stay apart because an e-invoice files each under its own term
/// (legal name, trading name, contact).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    /// The registered name: the seller's legal name, the buyer's company or, without
    /// one, their name.
    pub legal_name: String,
    /// The seller's trading name, when it differs from the legal one.
    pub trading_name: Option<String>,
    /// The person to address at the buyer, when the buyer is a company.
    pub contact: Option<String>,
    pub address: Option<Address>,
    /// VAT or other tax id.
    pub tax_id: Option<String>,
    /// The legal registration number (a Danish CVR, a Dutch KvK number): EN 16931's
    /// BT-30 / BT-47, which some Peppol countries require.
    pub registration_id: Option<String>,
    /// Where the party receives e-invoices on Peppol, when it said so.
    pub peppol_id: Option<fin_participant::ParticipantId>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Party {
    /// ISO 3166-1 alpha-2, from the address.
    pub fn country(&self) -> Option<&str> {
        self.address.as_ref().map(|a| a.country.as_str())
    }

    /// The lines every document prints under the name: address, country, tax id, e-mail.
    pub fn details(&self) -> Vec<String> {
        let mut lines = self
            .address
            .as_ref()
            .map(Address::lines)
            .unwrap_or_default();
        lines.extend(self.country().map(str::to_owned));
        lines.extend(self.tax_id.as_ref().map(|id| format!("VAT / tax id: {id}")));
        lines.extend(self.email.clone());
        lines
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub description: String,
    /// As the API writes it: `12.5`.
    pub quantity: String,
    /// Minor units.
    pub unit_price: i64,
    /// Per cent, as the API writes it: `19`, `7.5`.
    pub tax_rate: String,
    /// quantity × unit price, rounded: minor units.
    pub net: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    /// `Discount 5 %` or `Discount`.
    pub label: String,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxSubtotal {
    /// Per cent: `19`.
    pub rate: String,
    /// The base the rate applies to (nets less their share of the discount).
    pub taxable: i64,
    pub tax: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub paid_on: String,
    pub amount: i64,
    pub method: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bank {
    pub iban: String,
    pub bic: Option<String>,
}
