//! The seller every document names, as the profile context publishes it.
//!
//! The profile context owns the business profile and its logos; the shape below is its
//! published language: what its `seller_directory` view serves (the profile with its
//! logo described), what billing freezes on an invoice when it is sent, and what
//! `GET /business-profile` shows. A crate of its own so that billing can read a frozen
//! seller without linking the profile context's rules, and the profile context cannot
//! change the shape without every reader seeing it.

use fin_address::Address;
use serde::{Deserialize, Serialize};

/// A business profile after every rule has passed, as stored, shown and frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessProfile {
    /// The name the business is registered under: the seller on documents.
    pub legal_name: String,
    /// The name it trades as, printed above the legal name when set.
    pub trading_name: Option<String>,
    pub address: Address,
    /// VAT or other tax id, as the freelancer writes it.
    pub tax_id: Option<String>,
    pub email: Option<String>,
    /// In electronic form: upper case, no spaces (`DE89370400440532013000`).
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub payment_terms: Option<String>,
    /// The logo, described (`PUT /business-profile/logo` sets it, never the profile's
    /// own body).
    #[serde(default)]
    pub logo: Option<Logo>,
    // What Peppol BIS 3.0 asks of a seller beyond EN 16931; profiles saved before these
    // existed read as without them.
    /// The person or department a buyer's accounts payable should ask (BT-41).
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Where the business receives e-invoices on Peppol (`0184:DK12345678`).
    #[serde(default)]
    pub peppol_id: Option<String>,
    /// The legal registration number (a Danish CVR, a Dutch KvK number; BT-30).
    #[serde(default)]
    pub registration_id: Option<String>,
}

/// A stored logo, as the profile and an issued invoice name it: the picture itself is
/// kept apart, under its digest, so a frozen seller keeps the logo it was sent with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logo {
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    /// SHA-256 of the file, hex: its name among the seller's logos.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
}
