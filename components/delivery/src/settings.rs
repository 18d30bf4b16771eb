//! A freelancer's delivery settings, parsed whole from `PUT /delivery-settings`: the
//! wording of their e-mails (checked: a placeholder that does not exist would reach the
//! client), the name they are sent under, and the reminder steps.

use fin_problem::FieldError;
use serde::{Deserialize, Serialize};

use crate::domain::Kind;
use crate::message::{check_template, Wording};

/// As stored and answered; `None` is "the default".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub sender_name: Option<String>,
    #[serde(default)]
    pub invoice_subject: Option<String>,
    #[serde(default)]
    pub invoice_body: Option<String>,
    #[serde(default)]
    pub reminder_subject: Option<String>,
    #[serde(default)]
    pub reminder_body: Option<String>,
    #[serde(default)]
    pub reminders_enabled: bool,
    #[serde(default = "default_days")]
    pub reminder_days: Vec<i64>,
    #[serde(default)]
    pub final_notice: Option<String>,
}

fn default_days() -> Vec<i64> {
    vec![3, 10, 30]
}

impl Settings {
    pub fn defaults() -> Self {
        Self {
            reminder_days: default_days(),
            ..Self::default()
        }
    }

    /// Checks every field at once; blank text is "the default".
    pub fn parse(mut self) -> Result<Settings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let blank_is_none = |v: &mut Option<String>| {
            if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
                *v = None;
            }
        };
        for field in [
            &mut self.sender_name,
            &mut self.invoice_subject,
            &mut self.invoice_body,
            &mut self.reminder_subject,
            &mut self.reminder_body,
            &mut self.final_notice,
        ] {
            blank_is_none(field);
        }
        let mut line = |name: &str, value: &Option<String>, max: usize| {
            if let Some(v) = value {
                if v.chars().count() > max {
                    errors.push(FieldError::new(
                        name,
                        format!("must be at most {max} characters"),
                    ));
                } else if v.chars().any(char::is_control) {
                    errors.push(FieldError::new(
                        name,
                        "must be one line, with no control characters",
                    ));
                }
            }
        };
        line("sender_name", &self.sender_name, 100);
        line("invoice_subject", &self.invoice_subject, 200);
        line("reminder_subject", &self.reminder_subject, 200);
        if self
            .sender_name
            .as_deref()
            .is_some_and(|n| n.contains(['"', '<', '>']))
        {
            errors.push(FieldError::new("sender_name", "must not contain \" < or >"));
        }
        let body =
            |name: &str, value: &Option<String>, max: usize, errors: &mut Vec<FieldError>| {
                if let Some(v) = value {
                    if v.chars().count() > max {
                        errors.push(FieldError::new(
                            name,
                            format!("must be at most {max} characters"),
                        ));
                    } else if v
                        .chars()
                        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                    {
                        errors.push(FieldError::new(name, "must not contain control characters"));
                    }
                }
            };
        body("invoice_body", &self.invoice_body, 5000, &mut errors);
        body("reminder_body", &self.reminder_body, 5000, &mut errors);
        body("final_notice", &self.final_notice, 1000, &mut errors);
        for (name, value) in [
            ("invoice_subject", &self.invoice_subject),
            ("invoice_body", &self.invoice_body),
            ("reminder_subject", &self.reminder_subject),
            ("reminder_body", &self.reminder_body),
            ("final_notice", &self.final_notice),
        ] {
            if let Some(Err(message)) = value.as_deref().map(check_template) {
                errors.push(FieldError::new(name, message));
            }
        }
        self.reminder_days.sort_unstable();
        let days = &self.reminder_days;
        if days.is_empty()
            || days.len() > 5
            || days.iter().any(|d| !(1..=365).contains(d))
            || days.windows(2).any(|w| w[0] == w[1])
        {
            errors.push(FieldError::new(
                "reminder_days",
                "must be 1 to 5 different days after the due date, each 1–365",
            ));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// The wording of one kind of e-mail.
    pub fn wording(&self, kind: Kind) -> Wording {
        let (subject, body) = match kind {
            Kind::Invoice => (&self.invoice_subject, &self.invoice_body),
            Kind::Reminder { .. } => (&self.reminder_subject, &self.reminder_body),
        };
        Wording {
            subject: subject.clone(),
            body: body.clone(),
            final_notice: self.final_notice.clone(),
        }
    }

    /// Whether `kind` is the last reminder step (the days are kept in order).
    pub fn last_step(&self, kind: Kind) -> bool {
        matches!(kind, Kind::Reminder { days } if self.reminder_days.last() == Some(&i64::from(days)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn parse(v: Value) -> Result<Settings, Vec<String>> {
        serde_json::from_value::<Settings>(v)
            .map_err(|e| vec![format!("type: {e}")])?
            .parse()
            .map_err(|e| e.into_iter().map(|f| f.field).collect())
    }

    #[test]
    fn an_empty_body_takes_every_default_and_blank_text_is_the_default() {
        assert_eq!(parse(json!({})), Ok(Settings::defaults()));
        let s = parse(json!({"invoice_subject": "  ", "sender_name": "Ada"})).expect("valid");
        assert_eq!(s.invoice_subject, None);
        assert_eq!(s.sender_name.as_deref(), Some("Ada"));
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let wrong = parse(json!({
            "sender_name": "Ada <evil@example.com>",
            "invoice_subject": "Invoice\n{number}",
            "invoice_body": "Pay {amont}",
            "reminder_days": [10, 10],
            "final_notice": "x".repeat(1001),
        }));
        assert_eq!(
            wrong,
            Err(vec![
                "invoice_subject".into(),
                "sender_name".into(),
                "final_notice".into(),
                "invoice_body".into(),
                "reminder_days".into()
            ])
        );
        for days in [
            json!([]),
            json!([0]),
            json!([1, 2, 3, 4, 5, 6]),
            json!([400]),
            json!([3, 3]),
        ] {
            assert_eq!(
                parse(json!({ "reminder_days": days })),
                Err(vec!["reminder_days".into()]),
                "{days}"
            );
        }
        assert!(parse(json!({"reminder_days": "3"})).is_err());
        assert!(parse(json!({"unknown": 1})).is_err());
    }

    #[test]
    fn each_kind_gets_its_wording_and_the_last_step_its_notice() {
        let s = parse(json!({"invoice_subject": "Inv {number}", "reminder_subject": "Late {number}", "reminder_days": [7, 21]})).expect("valid");
        assert_eq!(
            s.wording(Kind::Invoice).subject.as_deref(),
            Some("Inv {number}")
        );
        assert_eq!(
            s.wording(Kind::Reminder { days: 7 }).subject.as_deref(),
            Some("Late {number}")
        );
        assert!(s.last_step(Kind::Reminder { days: 21 }));
        assert!(!s.last_step(Kind::Reminder { days: 7 }));
        assert!(!s.last_step(Kind::Invoice));
    }
}
