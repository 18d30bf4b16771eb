//! What a business profile may say, parsed once into the shape the context publishes
//! (`fin_seller::BusinessProfile`).

use fin_address::Address;
use fin_problem::{FieldError, Text};
use iban::IbanLike;

use fin_seller::BusinessProfile;
use serde::Deserialize;

const MAX_NAME: usize = 200;
const MAX_TAX_ID: usize = 50;
const MAX_TERMS: usize = 1000;

/// A `PUT` body: the whole profile. Unknown fields are refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    pub legal_name: Option<String>,
    pub trading_name: Option<String>,
    pub address: Option<Address>,
    pub tax_id: Option<String>,
    pub email: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub payment_terms: Option<String>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub peppol_id: Option<String>,
    pub registration_id: Option<String>,
}

/// `input` as a profile: `legal_name` and `address` are required, blank optional text
/// is `None`, and every wrong field is named at once.
pub fn parse(input: ProfileInput) -> Result<BusinessProfile, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut text = |field: &str, value: Option<String>, kind: Text, max: usize| {
        let value = value
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())?;
        match kind.check_within(&value, max) {
            Ok(()) => Some(value),
            Err(message) => {
                errors.push(FieldError::new(field, message));
                None
            }
        }
    };
    let legal_name = text("legal_name", input.legal_name, Text::Line, MAX_NAME);
    let trading_name = text("trading_name", input.trading_name, Text::Line, MAX_NAME);
    let tax_id = text("tax_id", input.tax_id, Text::Line, MAX_TAX_ID);
    let payment_terms = text("payment_terms", input.payment_terms, Text::Block, MAX_TERMS);
    let email = text("email", input.email, Text::Line, 254).map(|e| e.to_lowercase());
    let iban = text("iban", input.iban, Text::Line, 64);
    let bic = text("bic", input.bic, Text::Line, 11).map(|b| b.to_ascii_uppercase());
    let contact_name = text("contact_name", input.contact_name, Text::Line, MAX_NAME);
    let phone = text("phone", input.phone, Text::Line, fin_address::MAX_PHONE);
    let peppol_id = text("peppol_id", input.peppol_id, Text::Line, 64);
    let registration_id = text(
        "registration_id",
        input.registration_id,
        Text::Line,
        MAX_TAX_ID,
    );
    let phone = phone.and_then(|p| match fin_address::phone(&p) {
        Ok(phone) => Some(phone),
        Err(message) => {
            errors.push(FieldError::new("phone", message));
            None
        }
    });
    let peppol_id = peppol_id.and_then(|id| match id.parse::<fin_participant::ParticipantId>() {
        Ok(id) => Some(id.to_string()),
        Err(message) => {
            errors.push(FieldError::new("peppol_id", message.to_string()));
            None
        }
    });
    if legal_name.is_none() && !errors.iter().any(|e| e.field == "legal_name") {
        errors.push(FieldError::new("legal_name", "is required"));
    }
    if email
        .as_deref()
        .is_some_and(|e| !email_address::EmailAddress::is_valid(e))
    {
        errors.push(FieldError::new("email", "is not a valid email address"));
    }
    let iban = match iban.map(|raw| raw.to_ascii_uppercase().parse::<iban::Iban>()) {
        None => None,
        Some(Ok(iban)) => Some(iban.electronic_str().to_owned()),
        Some(Err(_)) => {
            errors.push(FieldError::new(
                "iban",
                "is not a valid IBAN (country, check digits and account number)",
            ));
            None
        }
    };
    if bic.as_deref().is_some_and(|b| !is_bic(b)) {
        errors.push(FieldError::new(
            "bic",
            "must be a BIC of 8 or 11 characters, such as DEUTDEFF",
        ));
    }
    let address = match input.address.map(|a| a.parse("address")) {
        None => {
            errors.push(FieldError::new("address", "is required"));
            None
        }
        Some(Ok(address)) => Some(address),
        Some(Err(mut more)) => {
            errors.append(&mut more);
            None
        }
    };
    if let (Some(number), Some(address)) = (&registration_id, &address) {
        if let Err(message) = fin_participant::check_registration(&address.country, number) {
            errors.push(FieldError::new("registration_id", message));
        }
    }
    match (legal_name, address) {
        (Some(legal_name), Some(address)) if errors.is_empty() => Ok(BusinessProfile {
            legal_name,
            trading_name,
            address,
            tax_id,
            email,
            iban,
            bic,
            payment_terms,
            logo: None,
            contact_name,
            phone,
            peppol_id,
            registration_id,
        }),
        _ => Err(errors),
    }
}

/// ISO 9362: bank (4 letters), country (2 letters), location (2 letters or digits),
/// and an optional branch (3 letters or digits).
fn is_bic(bic: &str) -> bool {
    let b = bic.as_bytes();
    (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: serde_json::Value) -> Result<BusinessProfile, Vec<FieldError>> {
        super::parse(serde_json::from_value(value).expect("input"))
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_full_profile_is_normalised() {
        let profile = parse(json!({
            "legal_name": " Zoë Ørsted ", "trading_name": "Ørsted Design",
            "address": {"line1": "Nørrebrogade 12", "city": "København", "country": "dk"},
            "tax_id": "DK12345678", "email": "Zoe@Orsted.Example",
            "iban": "de89 3704 0044 0532 0130 00", "bic": "deutdeff",
            "payment_terms": "Net 30.\nNo deduction."
        }))
        .expect("valid");
        assert_eq!(profile.legal_name, "Zoë Ørsted");
        assert_eq!(profile.address.country, "DK");
        assert_eq!(profile.email.as_deref(), Some("zoe@orsted.example"));
        assert_eq!(profile.iban.as_deref(), Some("DE89370400440532013000"));
        assert_eq!(profile.bic.as_deref(), Some("DEUTDEFF"));
    }

    #[test]
    fn what_peppol_asks_is_checked_where_it_is_typed() {
        let profile = parse(json!({
            "legal_name": "Zoë Ørsted ApS", "address": {"country": "DK"},
            "contact_name": "Zoë", "phone": "+45 12 34 56 78",
            "peppol_id": " 0184:DK12345678 ", "registration_id": "12345678"
        }))
        .expect("valid");
        assert_eq!(profile.peppol_id.as_deref(), Some("0184:DK12345678"));
        assert_eq!(profile.phone.as_deref(), Some("+45 12 34 56 78"));
        let errors = parse(json!({
            "legal_name": "Zoë Ørsted ApS", "address": {"country": "DK"},
            "phone": "call me", "peppol_id": "EM:zoe@example.com", "registration_id": "1234"
        }))
        .expect_err("invalid");
        assert_eq!(fields(&errors), ["phone", "peppol_id", "registration_id"]);
        // A GLN whose check digit is wrong is a typo, refused here.
        let errors = parse(json!({
            "legal_name": "Studio", "address": {"country": "DE"}, "peppol_id": "0088:5790000435967"
        }))
        .expect_err("check digit");
        assert!(errors[0].message.contains("GLN"), "{errors:?}");
    }

    #[test]
    fn the_name_and_the_address_are_required() {
        let errors = parse(json!({})).expect_err("empty");
        assert_eq!(fields(&errors), ["legal_name", "address"]);
        let errors =
            parse(json!({"legal_name": "  ", "address": {"country": "DE"}})).expect_err("blank");
        assert_eq!(fields(&errors), ["legal_name"]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = parse(json!({
            "legal_name": "a\nb", "address": {"country": "XX"},
            "email": "nope", "iban": "DE00 3704 0044 0532 0130 00", "bic": "DEUT1EFF",
            "tax_id": "x".repeat(51), "payment_terms": "\u{7}"
        }))
        .expect_err("invalid");
        let mut named = fields(&errors);
        named.sort_unstable();
        assert_eq!(
            named,
            [
                "address.country",
                "bic",
                "email",
                "iban",
                "legal_name",
                "payment_terms",
                "tax_id"
            ]
        );
    }

    #[test]
    fn bics_have_eight_or_eleven_characters() {
        assert!(is_bic("DEUTDEFF") && is_bic("DEUTDEFF500") && is_bic("NDEADKKK"));
        for bad in ["DEUTDE", "DEUTDEFF5", "1EUTDEFF", "deutdeff", "DEUTDEFF50!"] {
            assert!(!is_bic(bad), "{bad}");
        }
    }
}
