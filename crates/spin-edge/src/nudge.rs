//! Publishing domain events on the events channel (Spin's outbound Redis).
//!
//! Redis pub/sub delivers at most once, and only to whoever is subscribed at that
//! moment, so a published event is a nudge, not a delivery: the outbox it was read from
//! stays the truth, and a consumer that missed the message catches up from there. That
//! is why nothing here can fail the caller — a publish that fails is logged and dropped.

/// Publishes each envelope of a JSON array (as the store's statement returned them) as
/// its own message on `events_channel` at `events_redis_url`.
pub fn publish_all(envelopes_json: &str) {
    let envelopes: Vec<serde_json::Value> = match serde_json::from_str(envelopes_json) {
        Ok(envelopes) => envelopes,
        Err(err) => {
            fin_log::warn!("events", "cannot read the envelopes to publish: {err}");
            return;
        }
    };
    let messages: Vec<Vec<u8>> = envelopes
        .iter()
        .filter_map(|e| serde_json::to_vec(e).ok())
        .collect();
    publish(&messages);
}

/// Publishes raw messages on the events channel; failures are logged, never returned.
pub fn publish(messages: &[Vec<u8>]) {
    if messages.is_empty() {
        return;
    }
    let (Ok(url), Ok(channel)) = (
        spin_sdk::variables::get("events_redis_url"),
        spin_sdk::variables::get("events_channel"),
    ) else {
        fin_log::warn!(
            "events",
            "`events_redis_url` or `events_channel` is not set; not published"
        );
        return;
    };
    let connection = match spin_sdk::redis::Connection::open(&url) {
        Ok(connection) => connection,
        Err(err) => {
            fin_log::warn!(
                "events",
                "the events Redis is unreachable ({err}); {} event(s) wait in the outbox",
                messages.len()
            );
            return;
        }
    };
    for message in messages {
        if let Err(err) = connection.publish(&channel, message) {
            fin_log::warn!(
                "events",
                "publish failed ({err}); the event waits in the outbox"
            );
            return;
        }
    }
}
