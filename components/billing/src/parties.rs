//! Who an issued invoice names, frozen when it is sent: the seller as the freelancer's
//! business profile was and the buyer as the client was. A later change to either does
//! not change a document already issued; a draft has neither and shows the current ones.

use fin_address::Address;
use serde::{Deserialize, Serialize};

/// The buyer: what of a client an invoice prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<Address>,
    // What a Peppol e-invoice names of a buyer; invoices sent before these were frozen
    // have none.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub peppol_id: Option<String>,
    #[serde(default)]
    pub registration_id: Option<String>,
}
