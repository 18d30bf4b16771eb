//! Hostile bodies and query strings against the clients context's decoders
//! (fin-hostile): never a panic, only ever a 4xx refusal naming what is wrong.

use clients::domain::ClientData;
use clients::listing::ListQuery;
use fin_hostile::{json_body, query_string, refused_or_parsed};
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
        refused_or_parsed(&body, ClientData::create)?;
    }

    #[test]
    fn list_queries(query in query_string(&["limit", "sort", "q", "archived", "cursor"])) {
        if let Err(errors) = ListQuery::parse(&query) {
            prop_assert!(!errors.is_empty());
        }
    }
}
