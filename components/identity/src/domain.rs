//! What a user may type, parsed once into types that cannot hold bad values.

use fin_problem::{FieldError, Text};
use serde::{Deserialize, Serialize};
use validator::ValidateEmail;

/// RFC 5321 caps a forward path at 256 octets, i.e. 254 for the address itself.
const MAX_EMAIL_LEN: usize = 254;
/// OWASP: at least 8, allow at least 64; 128 bounds the hashing work per request.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;
const MAX_NAME_CHARS: usize = 100;

/// An email address, trimmed and lower-cased, so one mailbox is one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = normalize_email(raw);
        if email.is_empty() {
            return Err("is required".into());
        }
        if email.len() > MAX_EMAIL_LEN {
            return Err(format!("must be at most {MAX_EMAIL_LEN} characters"));
        }
        if !email.validate_email() {
            return Err("is not a valid email address".into());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The lookup form of an email, also used for login where the format is not re-validated.
pub fn normalize_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// A password as chosen: length rules only, no composition rules (OWASP ASVS 2.1).
/// Never trimmed: spaces are part of a passphrase.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(format!("must be at least {MIN_PASSWORD_CHARS} characters"));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The name shown on invoices: trimmed, 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("is required".into());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!("must be at most {MAX_NAME_CHARS} characters"));
        }
        Text::Line.check(name)?;
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The registration body as sent. Every field is optional here so that a missing field
/// is reported together with the others, by name, rather than as a parse failure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: Option<String>,
    pub password: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: Option<String>,
    pub password: Option<String>,
}

/// A registration that passed every rule.
#[derive(Debug)]
pub struct NewUser {
    pub email: Email,
    pub password: Password,
    pub name: DisplayName,
}

impl NewUser {
    /// Reports every invalid field at once, so a form can be fixed in one go.
    pub fn parse(req: RegisterRequest) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let email = field(&mut errors, "email", req.email, Email::parse);
        let password = field(&mut errors, "password", req.password, Password::parse);
        let name = field(&mut errors, "name", req.name, DisplayName::parse);
        match (email, password, name) {
            (Some(email), Some(password), Some(name)) => Ok(Self {
                email,
                password,
                name,
            }),
            _ => Err(errors),
        }
    }
}

/// Login credentials: the email is only normalised, so a malformed address is simply
/// an unknown one and gets the same answer as a wrong password.
#[derive(Debug)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

impl Credentials {
    pub fn parse(req: LoginRequest) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let required = |raw: &str| {
            if raw.is_empty() {
                Err("is required".to_owned())
            } else {
                Ok(raw.to_owned())
            }
        };
        let email = field(
            &mut errors,
            "email",
            req.email.map(|e| normalize_email(&e)),
            required,
        );
        let password = field(&mut errors, "password", req.password, |raw: &str| {
            if raw.chars().count() > MAX_PASSWORD_CHARS {
                Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"))
            } else {
                required(raw)
            }
        });
        match (email, password) {
            (Some(email), Some(password)) => Ok(Self { email, password }),
            _ => Err(errors),
        }
    }
}

fn field<T>(
    errors: &mut Vec<FieldError>,
    name: &str,
    raw: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let Some(raw) = raw else {
        errors.push(FieldError::new(name, "is required"));
        return None;
    };
    parse(&raw)
        .map_err(|message| errors.push(FieldError::new(name, message)))
        .ok()
}

/// A user as the API shows it: never with the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub created_at: String,
    /// Whether the address was proven by opening the link sent to it: until then the
    /// account cannot e-mail invoices or take card payments.
    pub email_verified: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").expect("valid").as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn bad_emails_are_refused() {
        for raw in ["", "   ", "no-at-sign", "a@", "@b.c", "a b@c.d"] {
            assert!(Email::parse(raw).is_err(), "{raw:?} accepted");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn passwords_need_8_to_128_characters_counted_as_characters() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(
            Password::parse(&"é".repeat(128)).is_ok(),
            "256 bytes but 128 characters"
        );
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert!(
            Password::parse("        ").is_ok(),
            "no composition rules, no trimming"
        );
    }

    #[test]
    fn passwords_do_not_leak_through_debug() {
        let password = Password::parse("hunter2hunter2").expect("valid");
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Ada  ").expect("valid").as_str(),
            "Ada"
        );
        assert!(DisplayName::parse(" ").is_err());
        assert!(DisplayName::parse(&"n".repeat(101)).is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn registration_reports_every_bad_field() {
        let errors = NewUser::parse(RegisterRequest {
            email: Some("nope".into()),
            password: None,
            name: Some("Ada".into()),
        })
        .expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password"]);
    }

    #[test]
    fn login_only_normalises_the_email() {
        let creds = Credentials::parse(LoginRequest {
            email: Some(" Not-An-Email ".into()),
            password: Some("whatever".into()),
        })
        .expect("parsed");
        assert_eq!(creds.email, "not-an-email");
        assert!(Credentials::parse(LoginRequest {
            email: Some("a@b.c".into()),
            password: Some(String::new()),
        })
        .is_err());
    }
}
