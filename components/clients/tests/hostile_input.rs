//! Hostile bodies and query strings against the clients context's decoders
//! (fin-hostile): never a panic, only ever a 4xx refusal naming what is wrong.

use clients::domain::{ClientData, ClientInput};
use clients::listing::ListQuery;
use fin_hostile::{json_body, query_string};
use fin_problem::decode_json;
use proptest::prelude::*;

const FIELDS: &[&str] = &[
    "name",
    "email",
    "phone",
    "company",
    "tax_id",
    "address",
    "default_currency",
    "notes",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn client_bodies(body in json_body(FIELDS)) {
        match decode_json::<ClientInput>(Some("application/json"), &body) {
            Ok(input) => if let Err(errors) = ClientData::create(input) {
                prop_assert!(!errors.is_empty());
            },
            Err(problem) => prop_assert!(matches!(problem.status, 400 | 422), "{}", problem.status),
        }
    }

    #[test]
    fn list_queries(query in query_string(&["limit", "sort", "q", "archived", "cursor"])) {
        if let Err(errors) = ListQuery::parse(&query) {
            prop_assert!(!errors.is_empty());
        }
    }
}
