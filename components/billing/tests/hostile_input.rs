//! Hostile bodies and query strings against billing's decoders (fin-hostile): invoice
//! and payment bodies, list filters — never a panic, only ever a 4xx refusal naming what
//! is wrong.

use billing::domain::{InvoiceFields, InvoiceInput, NewPayment, PaymentInput};
use billing::listing::ListQuery;
use fin_hostile::{json_body, query_string};
use fin_problem::decode_json;
use proptest::prelude::*;
use time::macros::date;

const INVOICE: &[&str] = &[
    "client_id",
    "issue_date",
    "due_date",
    "currency",
    "lines",
    "discount",
    "notes",
    "description",
    "quantity",
    "unit_price",
    "tax_rate",
    "percent",
    "amount",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn invoice_bodies(body in json_body(INVOICE)) {
        match decode_json::<InvoiceInput>(Some("application/json"), &body) {
            Ok(input) => if let Err(errors) = InvoiceFields::create(input, date!(2026 - 11 - 26)) {
                prop_assert!(!errors.is_empty());
            },
            Err(problem) => prop_assert!(matches!(problem.status, 400 | 422), "{}", problem.status),
        }
    }

    #[test]
    fn payment_bodies(body in json_body(&["amount", "paid_on", "method", "reference"])) {
        match decode_json::<PaymentInput>(Some("application/json"), &body) {
            Ok(input) => if let Err(errors) = NewPayment::parse(input, date!(2026 - 11 - 26)) {
                prop_assert!(!errors.is_empty());
            },
            Err(problem) => prop_assert!(matches!(problem.status, 400 | 422), "{}", problem.status),
        }
    }

    #[test]
    fn list_queries(query in query_string(
        &["limit", "status", "client_id", "issued_from", "issued_to", "cursor"],
    )) {
        if let Err(errors) = ListQuery::parse(&query) {
            prop_assert!(!errors.is_empty());
        }
    }
}
