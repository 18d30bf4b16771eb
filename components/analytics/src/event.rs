//! An event as billing's feed serves it (`fin:platform/events`), without Spin's types.

pub use fin_feed::{FeedEvent, Position};
