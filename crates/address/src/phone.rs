//! A telephone number as a client's and the business profile's both take it.

/// The most characters a telephone number may have.
pub const MAX_PHONE: usize = 40;

/// `value` as a telephone number: digits and the signs people write between them.
/// Not dialled or normalised — a number is printed as the freelancer wrote it.
pub fn phone(value: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    if value.len() > MAX_PHONE
        || !value.chars().all(allowed)
        || !value.chars().any(|c| c.is_ascii_digit())
    {
        return Err(format!(
            "must be a phone number of at most {MAX_PHONE} characters (digits, spaces, + - ( ) .)"
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::phone;

    #[test]
    fn a_phone_number_is_digits_and_separators() {
        assert_eq!(phone("+49 (30) 123-45.67"), Ok("+49 (30) 123-45.67".into()));
        for bad in ["call me", "+", "1".repeat(41).as_str(), "12\u{0}3"] {
            assert!(phone(bad).is_err(), "{bad:?}");
        }
    }
}
