//! What the documents component prints for a quote's link: the seller and buyer as the
//! profile and clients contexts publish them (`seller_directory`, `client_directory`),
//! and the seller's logo (`seller_logos`). A quote freezes no party, so these are read
//! as they are now — the same parties the owner's PDF prints.

use fin_spin_edge::pg::{binary, optional_text, query, text};
use fin_spin_edge::Fault;

use super::PgQuotes;
use crate::quote::Quote;

/// The seller's and the buyer's JSON; either is `None` when not published.
pub type Parties = (Option<String>, Option<String>);

impl PgQuotes {
    pub fn printed_parties(&self, quote: &Quote) -> Result<Parties, Fault> {
        let rows = query(
            self.connection(),
            "SELECT (SELECT s.seller::text FROM seller_directory s
                      WHERE s.owner_id = $1::text::uuid),
                    (SELECT to_jsonb(c)::text FROM client_directory c
                      WHERE c.owner_id = $1::text::uuid AND c.id = $2::text::uuid)",
            &[
                quote.owner.clone().into(),
                quote.fields.client_id.clone().into(),
            ],
        )?;
        let row = rows.first().ok_or("no row")?;
        Ok((optional_text(row.first())?, optional_text(row.get(1))?))
    }

    /// The seller's current logo: its type and picture.
    pub fn printed_logo(&self, quote: &Quote) -> Result<Option<(String, Vec<u8>)>, Fault> {
        let rows = query(
            self.connection(),
            "SELECT l.content_type, l.bytes
             FROM seller_directory s
             JOIN seller_logos l ON l.owner_id = s.owner_id
                                AND l.sha256 = s.seller->'logo'->>'sha256'
             WHERE s.owner_id = $1::text::uuid",
            &[quote.owner.clone().into()],
        )?;
        rows.first()
            .map(|row| Ok((text(row.first())?, binary(row.get(1))?)))
            .transpose()
            .map_err(|e: String| Fault::from(e))
    }
}
