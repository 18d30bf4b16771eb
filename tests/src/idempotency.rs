//! What every create that takes an `Idempotency-Key` promises a client retrying after a
//! lost answer, checked the same way for each: an invoice, a quote, a recurring template.

use serde_json::Value;

use crate::{concurrently, id, User};

/// Sends `body` to `path` four times at once under one key, then again with `other`
/// (another request) and with a malformed key. Every retry is answered the one thing
/// the first made (`Idempotent-Replayed: true`), `other` and the bad key are refused by
/// name; the id of the one thing made.
pub fn made_once(user: &User, path: &str, body: &Value, other: &Value) -> String {
    // Keys are the owner's own: each caller's user is new.
    let key = "retry-1";
    let keyed = |body: &Value, key: &str| {
        user.call("POST", path)
            .header("idempotency-key", key)
            .json(body)
            .send()
    };
    let replies = concurrently(4, |_| keyed(body, key));
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [201; 4], "{:?}", replies[0].body);
    let ids: Vec<String> = replies.iter().map(|r| id(&r.json())).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "one made: {ids:?}");
    let replayed = replies
        .iter()
        .filter(|r| r.header("idempotent-replayed") == Some("true"))
        .count();
    assert_eq!(
        replayed, 3,
        "the three that did not make it say they were replayed"
    );

    let refused = keyed(other, key).problem(422);
    assert_eq!(
        refused["errors"][0]["field"], "Idempotency-Key",
        "{refused}"
    );
    let malformed = keyed(body, "two words").problem(422);
    assert_eq!(
        malformed["errors"][0]["field"], "Idempotency-Key",
        "{malformed}"
    );
    ids[0].clone()
}
