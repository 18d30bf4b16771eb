//! The sharing context's one error type, and its one mapping to a problem response.

use fin_problem::{Fault, FieldError, Problem};

use crate::domain::MAX_ACTIVE;

#[derive(Debug, PartialEq, Eq)]
pub enum SharingError {
    Invalid(Vec<FieldError>),
    /// No such invoice of the caller's (another user's included, indistinguishably).
    NoInvoice,
    /// No such link of that invoice's.
    NoLink,
    /// A link that does not open: malformed, unknown, expired, revoked — or its invoice
    /// is no longer shown. One answer for all, so it tells a guesser nothing.
    Closed,
    /// A draft is not issued: nothing to show a client yet.
    Draft,
    /// The invoice was sent before any business profile existed, and there is none now.
    NoSeller,
    /// [`MAX_ACTIVE`] links already work.
    TooMany,
    /// Not the caller's doing: an outage, a defect (see [`Fault::into_problem`]).
    Fault(Fault),
}

fin_problem::fault_variant!(SharingError);

impl From<SharingError> for Problem {
    fn from(err: SharingError) -> Self {
        match err {
            SharingError::Invalid(errors) => Problem::validation(errors),
            SharingError::NoInvoice => Problem::not_found("There is no such invoice."),
            SharingError::NoLink => Problem::not_found("There is no such share link."),
            SharingError::Closed => Problem::not_found("This link does not open an invoice."),
            SharingError::Draft => {
                Problem::conflict("A draft is not issued and cannot be shared; send it first.")
                    .with_extension("current_status", "draft")
            }
            SharingError::NoSeller => Problem::conflict(
                "This invoice was sent before you had a business profile; put one \
                 (PUT /business-profile) so the shared invoice names you as the seller.",
            ),
            SharingError::TooMany => Problem::conflict(format!(
                "This invoice already has {MAX_ACTIVE} working links; revoke one first."
            )),
            SharingError::Fault(fault) => fault.into_problem("sharing"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_says_what_to_do() {
        let draft = Problem::from(SharingError::Draft);
        assert_eq!(draft.status, 409);
        assert!(draft.detail.unwrap_or_default().contains("send it first"));
        let many = Problem::from(SharingError::TooMany);
        assert!(many.detail.unwrap_or_default().contains("20 working links"));
        for closed in [
            SharingError::Closed,
            SharingError::NoLink,
            SharingError::NoInvoice,
        ] {
            assert_eq!(Problem::from(closed).status, 404);
        }
        let outage = Problem::from(SharingError::Fault(Fault::Unavailable("db".into())));
        assert_eq!(outage.status, 503);
    }
}
