//! A client as a freelancer types it, parsed once. POST and PATCH share every rule:
//! PATCH merges the changes into the stored client and parses the result.

use fin_address::phone;
pub use fin_address::Address;
use fin_problem::{FieldError, Text};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;
use validator::ValidateEmail;

const MAX_NAME: usize = 200;
const MAX_SHORT: usize = 200;
const MAX_TAX_ID: usize = 50;
const MAX_NOTES: usize = 5000;

/// What a client body may say. Every field distinguishes "absent" (`None`) from
/// `null` (`Some(None)`), so PATCH can clear a field. Unknown fields — `id`, `owner_id`,
/// timestamps included — are refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientInput {
    #[serde(default, with = "double_option")]
    pub name: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub email: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub phone: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub company: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub tax_id: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub address: Option<Option<Address>>,
    #[serde(default, with = "double_option")]
    pub default_currency: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub notes: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub peppol_id: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub registration_id: Option<Option<String>>,
}

/// A client's fields after every rule has passed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClientData {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<Address>,
    pub default_currency: Option<String>,
    pub notes: Option<String>,
    /// Where the client receives e-invoices on Peppol (`0088:5790000435968`): with it,
    /// its invoices' e-invoices can claim Peppol BIS 3.0 (docs/documents.md).
    pub peppol_id: Option<String>,
    /// Its legal registration number (EN 16931 BT-47), checked as its country's
    /// scheme asks (a Danish CVR, a Dutch KvK number).
    pub registration_id: Option<String>,
}

/// A stored client, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Client {
    pub id: String,
    #[serde(flatten)]
    pub data: ClientData,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl ClientData {
    /// A new client: `name` is required.
    pub fn create(input: ClientInput) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if input.name.is_none() {
            errors.push(FieldError::new("name", "is required"));
        }
        Self::default().apply(input, errors)
    }

    /// This client with `input`'s changes, checked by the same rules as [`Self::create`].
    pub fn update(self, input: ClientInput) -> Result<Self, Vec<FieldError>> {
        self.apply(input, Vec::new())
    }

    fn apply(
        mut self,
        input: ClientInput,
        mut errors: Vec<FieldError>,
    ) -> Result<Self, Vec<FieldError>> {
        if let Some(name) = input.name {
            match name.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => errors.push(FieldError::new("name", "is required")),
                Some(name) => match bounded(name, MAX_NAME) {
                    Ok(name) => self.name = name,
                    Err(message) => errors.push(FieldError::new("name", message)),
                },
            }
        }
        let e = &mut errors;
        optional(e, "email", input.email, &mut self.email, email);
        optional(e, "phone", input.phone, &mut self.phone, phone);
        optional(e, "company", input.company, &mut self.company, |v| {
            bounded(v, MAX_SHORT)
        });
        optional(e, "tax_id", input.tax_id, &mut self.tax_id, |v| {
            bounded(v, MAX_TAX_ID)
        });
        optional(
            e,
            "default_currency",
            input.default_currency,
            &mut self.default_currency,
            currency,
        );
        optional(e, "notes", input.notes, &mut self.notes, |v| {
            bounded(v, MAX_NOTES)
        });
        optional(e, "peppol_id", input.peppol_id, &mut self.peppol_id, |v| {
            v.parse::<fin_participant::ParticipantId>()
                .map(|id| id.to_string())
                .map_err(|e| e.to_string())
        });
        optional(
            e,
            "registration_id",
            input.registration_id,
            &mut self.registration_id,
            |v| bounded(v, MAX_TAX_ID),
        );
        if let Some(address) = input.address {
            match address.map(|a| a.parse("address")).transpose() {
                Ok(address) => self.address = address,
                Err(mut more) => errors.append(&mut more),
            }
        }
        // Checked on the result, so a PATCH of the country alone is held to it too.
        if let (Some(number), Some(address)) = (&self.registration_id, &self.address) {
            if let Err(message) = fin_participant::check_registration(&address.country, number) {
                errors.push(FieldError::new("registration_id", message));
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// Applies one optional field's change: absent leaves it, `null` or blank clears it.
fn optional(
    errors: &mut Vec<FieldError>,
    field: &str,
    change: Option<Option<String>>,
    target: &mut Option<String>,
    rule: impl Fn(&str) -> Result<String, String>,
) {
    let Some(change) = change else { return };
    match change
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(rule)
        .transpose()
    {
        Ok(value) => *target = value,
        Err(message) => errors.push(FieldError::new(field, message)),
    }
}

fn bounded(value: &str, max: usize) -> Result<String, String> {
    Text::Block.check_within(value, max)?;
    Ok(value.to_owned())
}

fn email(value: &str) -> Result<String, String> {
    let value = value.to_lowercase();
    if value.len() > 254 || !value.validate_email() {
        return Err("is not a valid email address".into());
    }
    Ok(value)
}

/// ISO 4217, upper-cased: `eur` is accepted as `EUR`. As billing, it refuses codes
/// without a minor unit (XAU): a client's default must be one it can be invoiced in.
fn currency(value: &str) -> Result<String, String> {
    let code = value.to_ascii_uppercase();
    let currency = iso_currency::Currency::from_code(&code)
        .ok_or_else(|| "must be an ISO 4217 currency code, such as EUR".to_owned())?;
    match currency.exponent() {
        Some(_) => Ok(currency.code().to_owned()),
        None => Err(format!("{code} has no minor unit and cannot be invoiced")),
    }
}

/// A client id from a path: anything but a UUID cannot name a client, so it is "not found".
pub fn parse_id(raw: &str) -> Option<String> {
    uuid::Uuid::parse_str(raw).ok().map(|id| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: serde_json::Value) -> ClientInput {
        serde_json::from_value(json).expect("input")
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_full_client_is_normalised() {
        let client = ClientData::create(input(serde_json::json!({
            "name": "  Acme GmbH ", "email": "Billing@Acme.DE", "phone": "+49 (30) 123-456",
            "company": "Acme", "tax_id": "DE123456789", "default_currency": "eur",
            "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "de"},
            "notes": "Pays late."
        })))
        .expect("valid");
        assert_eq!(client.name, "Acme GmbH");
        assert_eq!(client.email.as_deref(), Some("billing@acme.de"));
        assert_eq!(client.default_currency.as_deref(), Some("EUR"));
        assert_eq!(
            client.address.as_ref().map(|a| a.country.as_str()),
            Some("DE")
        );
    }

    #[test]
    fn name_is_required_and_others_are_optional() {
        let errors = ClientData::create(input(serde_json::json!({}))).expect_err("no name");
        assert_eq!(fields(&errors), ["name"]);
        let errors =
            ClientData::create(input(serde_json::json!({"name": "  "}))).expect_err("blank");
        assert_eq!(fields(&errors), ["name"]);
        assert!(ClientData::create(input(serde_json::json!({"name": "A", "email": null}))).is_ok());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = ClientData::create(input(serde_json::json!({
            "name": "x".repeat(201), "email": "nope", "phone": "call me", "default_currency": "EUROS",
            "address": {"country": "XX"}, "notes": "n".repeat(5001), "tax_id": "t".repeat(51)
        })))
        .expect_err("invalid");
        let mut got = fields(&errors);
        got.sort_unstable();
        assert_eq!(
            got,
            [
                "address.country",
                "default_currency",
                "email",
                "name",
                "notes",
                "phone",
                "tax_id"
            ]
        );
    }

    #[test]
    fn a_default_currency_must_be_one_an_invoice_can_use() {
        let errors = ClientData::create(input(
            serde_json::json!({"name": "A", "default_currency": "xau"}),
        ))
        .expect_err("gold has no minor unit");
        assert_eq!(fields(&errors), ["default_currency"]);
        assert!(
            errors[0].message.contains("no minor unit"),
            "{:?}",
            errors[0]
        );
    }

    #[test]
    fn patch_changes_only_what_it_names_and_null_clears() {
        let stored = ClientData::create(input(
            serde_json::json!({"name": "A", "email": "a@b.co", "notes": "x"}),
        ))
        .expect("valid");
        let patched = stored
            .clone()
            .update(input(serde_json::json!({"email": null, "company": "Acme"})))
            .expect("valid");
        assert_eq!(patched.name, "A");
        assert_eq!(patched.email, None);
        assert_eq!(patched.company.as_deref(), Some("Acme"));
        assert_eq!(patched.notes.as_deref(), Some("x"));
        assert!(stored
            .clone()
            .update(input(serde_json::json!({"name": null})))
            .is_err());
        assert!(stored
            .update(input(serde_json::json!({"email": "bad"})))
            .is_err());
    }

    #[test]
    fn peppol_ids_and_registration_numbers_are_checked_as_their_schemes_ask() {
        let client = ClientData::create(input(serde_json::json!({
            "name": "Kunde ApS", "peppol_id": "0184:DK12345678",
            "registration_id": "12345678", "address": {"country": "DK"}
        })))
        .expect("valid");
        assert_eq!(client.peppol_id.as_deref(), Some("0184:DK12345678"));
        let errors = ClientData::create(input(serde_json::json!({
            "name": "Kunde", "peppol_id": "0088:5790000435967"
        })))
        .expect_err("a GLN's check digit");
        assert_eq!(fields(&errors), ["peppol_id"]);
        // Moving the client to Denmark holds its registration number to the CVR's form.
        let german = ClientData::create(input(serde_json::json!({
            "name": "Kunde GmbH", "registration_id": "HRB 1234", "address": {"country": "DE"}
        })))
        .expect("any form outside Denmark and the Netherlands");
        let errors = german
            .update(input(serde_json::json!({"address": {"country": "DK"}})))
            .expect_err("no CVR");
        assert_eq!(fields(&errors), ["registration_id"]);
    }

    #[test]
    fn fields_a_user_must_not_set_are_refused() {
        for field in ["id", "owner_id", "created_at", "archived_at"] {
            let body = serde_json::json!({ field: "x" });
            assert!(
                serde_json::from_value::<ClientInput>(body).is_err(),
                "{field} accepted"
            );
        }
    }

    #[test]
    fn ids_must_be_uuids() {
        assert!(parse_id("not-a-uuid").is_none());
        assert!(parse_id("5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11").is_some());
    }
}
