//! Invoice numbers: `INV-<year>-<sequence>`, gapless per user and year (the store hands
//! out the sequence; this is only the format).

/// Formats the `sequence`-th invoice of `year`: `INV-2026-0001`. Sequences past 9999 keep
/// all their digits (`INV-2026-12345`), so numbers never collide.
pub fn invoice_number(year: i32, sequence: u32) -> String {
    format!("INV-{year}-{sequence:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_zero_padded_to_four_digits() {
        assert_eq!(invoice_number(2026, 1), "INV-2026-0001");
        assert_eq!(invoice_number(2026, 42), "INV-2026-0042");
        assert_eq!(invoice_number(2027, 12345), "INV-2027-12345");
    }
}
