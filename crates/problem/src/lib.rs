//! What every Fin-Freelancer HTTP component says when something goes wrong, and how it
//! reads a JSON body, kept free of Spin so the rules are unit-tested natively.
//!
//! Each bounded context has its own error type; each maps it *once* onto a [`Problem`],
//! and the Spin edge turns that into an `application/problem+json` response.

mod body;
mod fault;
mod problem;
pub mod text;

pub use body::{decode_json, BodyLimit};
pub use fault::{Fault, OUTAGE_RETRY_AFTER_SECONDS};
pub use problem::{FieldError, Problem};
pub use text::Text;

/// `impl From<Fault> for $error` into its `Fault(..)` variant. Every context's one error
/// type carries outages and defects through unchanged this way, so `?` on a store call
/// needs no mapping: `fin_problem::fault_variant!(BillingError);`.
#[macro_export]
macro_rules! fault_variant {
    ($error:ident) => {
        impl From<$crate::Fault> for $error {
            fn from(fault: $crate::Fault) -> Self {
                $error::Fault(fault)
            }
        }
    };
}
