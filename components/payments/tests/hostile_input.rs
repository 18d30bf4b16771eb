//! Hostile webhook bodies and list queries against the payments context's decoders
//! (fin-hostile): never a panic — a provider event either parses or is refused.

use fin_hostile::{json_body, query_string};
use payments::listing::ListQuery;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn webhook_bodies(body in json_body(
        &["id", "type", "livemode", "created", "data", "object", "amount", "currency", "metadata"],
    )) {
        let _ = payments::event::parse(&body);
    }

    #[test]
    fn list_queries(query in query_string(&["limit", "outcome", "cursor"])) {
        if let Err(errors) = ListQuery::parse(&query) {
            prop_assert!(!errors.is_empty());
        }
    }
}
