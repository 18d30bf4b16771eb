//! Hostile bodies and query strings against billing's decoders (fin-hostile): invoice
//! and payment bodies, list filters — never a panic, only ever a 4xx refusal naming what
//! is wrong.

use billing::domain::{InvoiceFields, InvoiceInput, NewPayment, PaymentInput};
use billing::listing::ListQuery;
use fin_hostile::{json_body, query_string, refused_or_parsed};
use proptest::prelude::*;
use time::macros::date;
use time::Date;

const TODAY: Date = date!(2026 - 11 - 26);

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
        refused_or_parsed(&body, |input: InvoiceInput| InvoiceFields::create(input, TODAY))?;
    }

    #[test]
    fn payment_bodies(body in json_body(&["amount", "paid_on", "method", "reference"])) {
        refused_or_parsed(&body, |input: PaymentInput| NewPayment::parse(input, TODAY))?;
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
