//! Document numbers: `<prefix>-<year>-<sequence>`, one gapless series per owner, kind of
//! document and year. Gapless is the law's word (§ 14 UStG, art. 226 VAT directive): the
//! store hands out the next sequence in the same statement that issues the document, so
//! a failed statement takes none; this module only says what a number looks like.

/// A kind of document's series: invoices `INV`, credit notes `CRN`, and next quotes
/// `QUO`, each counting from 1 every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    prefix: &'static str,
}

/// The invoices' series.
pub const INVOICES: Series = Series::new("INV");
/// The credit notes' series: a credit note is a document of its own, with its own
/// gapless numbers, never a reuse of its invoice's.
pub const CREDIT_NOTES: Series = Series::new("CRN");

impl Series {
    pub const fn new(prefix: &'static str) -> Self {
        Self { prefix }
    }

    /// The `sequence`-th document of `year`: `INV-2026-0001`. Sequences past 9999 keep
    /// all their digits (`INV-2026-12345`), so numbers never collide.
    pub fn number(self, year: i32, sequence: u32) -> String {
        format!("{}-{year}-{sequence:04}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_zero_padded_to_four_digits() {
        assert_eq!(INVOICES.number(2026, 1), "INV-2026-0001");
        assert_eq!(INVOICES.number(2026, 42), "INV-2026-0042");
        assert_eq!(INVOICES.number(2027, 12345), "INV-2027-12345");
        assert_eq!(Series::new("QUO").number(2026, 7), "QUO-2026-0007");
    }
}
