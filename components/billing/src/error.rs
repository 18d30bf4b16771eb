//! The billing context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

use crate::status::{Action, IllegalTransition};

#[derive(Debug, PartialEq, Eq)]
pub enum BillingError {
    Invalid(Vec<FieldError>),
    /// No such invoice for this user — another user's included, indistinguishably.
    NotFound,
    /// The invoice has no such credit note.
    NoCreditNote,
    /// The action is not legal in the invoice's current status.
    Illegal(IllegalTransition),
    /// `If-Match` named another version than the current one.
    StaleVersion {
        current: i64,
    },
    /// The invoice kept changing under us; the client may retry.
    Contended,
    /// The clients service refused the caller's token (revoked since billing checked it).
    TokenRefused,
    /// The clients service cannot be asked (breaker open, down, slow): try again later.
    ClientsUnavailable {
        retry_after: i64,
    },
    /// Not the caller's doing, or data storage refused (an outage, a defect, a value
    /// Postgres cannot hold): [`Fault::into_problem`] says which answer each gets.
    Fault(Fault),
}

fin_problem::fault_variant!(BillingError);

impl BillingError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Edit => "edited",
        Action::Delete => "deleted",
        Action::Send => "sent",
        Action::Void => "voided",
        Action::RecordPayment => "paid",
        Action::Credit => "credited (a draft is changed, not credited)",
    }
}

impl fin_idempotency::Refusals for BillingError {
    fn key_reused(refused: FieldError) -> Self {
        Self::Invalid(vec![refused])
    }
    fn made_and_gone() -> Self {
        Self::NotFound
    }
}

impl From<BillingError> for Problem {
    fn from(err: BillingError) -> Self {
        match err {
            BillingError::Invalid(errors) => Problem::validation(errors),
            BillingError::NotFound => Problem::not_found("There is no such invoice."),
            BillingError::NoCreditNote => {
                Problem::not_found("The invoice has no such credit note.")
            }
            BillingError::Illegal(IllegalTransition { current, action }) => {
                Problem::conflict(format!(
                    "The invoice's status is {}; it cannot be {}.",
                    current.as_str(),
                    action_name(action)
                ))
                .with_extension("current_status", current.as_str())
            }
            BillingError::StaleVersion { current } => Problem::precondition_failed(format!(
                "The invoice has changed; its current version is {current}. Fetch it and retry."
            ))
            .with_header("ETag", format!("\"{current}\"")),
            BillingError::Contended => Problem::conflict(
                "The invoice was changed by another request at the same time; retry.",
            ),
            BillingError::TokenRefused => Problem::unauthorized("The token is no longer accepted."),
            BillingError::ClientsUnavailable { retry_after } => {
                Problem::unavailable(retry_after.max(1) as u64).with_detail(
                    "The clients service is unavailable, so the client cannot be checked; \
                     nothing was saved. Try again shortly.",
                )
            }
            BillingError::Fault(fault) => fault.into_problem("billing"),
        }
    }
}
