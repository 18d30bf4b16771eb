//! Entries that must vanish at a known time, kept in a key-value store without TTLs.
//!
//! Spin's key-value API (and `wasi:keyvalue`) has no expiry, yet a JWT blocklist or a
//! login-throttle window must not outlive its purpose. Each key therefore carries its own
//! expiry (`namespace|expires_at|id`), readers ignore expired keys, and a sweep that runs
//! at most once per interval across all instances (gated by an atomic increment) deletes
//! them. The sweep lists the store's keys, so give these entries a store of their own.

mod key;
mod memory;

pub use key::EntryKey;
pub use memory::MemoryKv;

/// The few store operations this crate needs; Spin's `wasi:keyvalue` backs it in
/// production and a `BTreeMap` in tests.
pub trait Kv {
    type Error;
    fn exists(&self, key: &str) -> Result<bool, Self::Error>;
    fn set(&self, key: &str, value: &[u8]) -> Result<(), Self::Error>;
    fn delete(&self, key: &str) -> Result<(), Self::Error>;
    fn keys(&self) -> Result<Vec<String>, Self::Error>;
    /// Atomic add; creates the key with `delta` when missing, returns the new value.
    fn increment(&self, key: &str, delta: i64) -> Result<i64, Self::Error>;
}

/// Expiring markers and counters over a [`Kv`].
pub struct Ephemeral<K> {
    kv: K,
    sweep_interval: i64,
}

impl<K: Kv> Ephemeral<K> {
    /// `sweep_interval` (seconds) bounds how often any instance lists the store.
    pub fn new(kv: K, sweep_interval: i64) -> Self {
        Self {
            kv,
            sweep_interval: sweep_interval.max(1),
        }
    }

    /// For a caller that only reads markers (a token check) and so has no sweep interval
    /// to look up; `sweep_if_due` on it would sweep at most once.
    pub fn reading(kv: K) -> Self {
        Self {
            kv,
            sweep_interval: i64::MAX,
        }
    }

    /// The store itself, for callers that keep plain (non-expiring) keys beside these.
    pub fn kv(&self) -> &K {
        &self.kv
    }

    /// Records the key's id in its namespace until the key's `expires_at` (Unix seconds).
    pub fn mark(&self, key: &EntryKey) -> Result<(), K::Error> {
        self.kv.set(&key.to_string(), b"1")
    }

    /// Whether the key is marked and not yet expired at `now`.
    pub fn is_marked(&self, key: &EntryKey, now: i64) -> Result<bool, K::Error> {
        if key.expires_at <= now {
            return Ok(false);
        }
        self.kv.exists(&key.to_string())
    }

    /// Adds one to a counter and returns its new value.
    pub fn bump(&self, key: &EntryKey) -> Result<i64, K::Error> {
        self.kv.increment(&key.to_string(), 1)
    }

    /// The counter's value, 0 when absent or expired.
    pub fn count(&self, key: &EntryKey, now: i64) -> Result<i64, K::Error> {
        if key.expires_at <= now {
            return Ok(0);
        }
        // An increment of zero reads the counter atomically whatever encoding the store
        // uses for integers; a key it creates carries an expiry, so the sweep removes it.
        self.kv.increment(&key.to_string(), 0)
    }

    pub fn clear(&self, key: &EntryKey) -> Result<(), K::Error> {
        self.kv.delete(&key.to_string())
    }

    /// Sweeps expired entries if no instance has done so in this interval; returns how
    /// many it deleted (0 when another instance holds this interval).
    pub fn sweep_if_due(&self, now: i64) -> Result<usize, K::Error> {
        let gate = EntryKey::new("sweep", window_end(now, self.sweep_interval), "gate");
        if self.bump(&gate)? != 1 {
            return Ok(0);
        }
        self.sweep(now)
    }

    /// Deletes every entry whose expiry has passed. Keys this crate did not write are left alone.
    pub fn sweep(&self, now: i64) -> Result<usize, K::Error> {
        let mut deleted = 0;
        for raw in self.kv.keys()? {
            if EntryKey::parse(&raw).is_some_and(|k| k.expires_at <= now) {
                self.kv.delete(&raw)?;
                deleted += 1;
            }
        }
        Ok(deleted)
    }
}

/// The end of the fixed window of `length` seconds that contains `now`.
pub fn window_end(now: i64, length: i64) -> i64 {
    let length = length.max(1);
    (now.div_euclid(length) + 1) * length
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_mark_expires_with_its_key() {
        let mem = MemoryKv::default();
        let store = Ephemeral::new(&mem, 60);
        let key = EntryKey::new("revoked", 1_000, "jti-1");
        store.mark(&key).expect("mark");
        assert!(store.is_marked(&key, 999).expect("read"));
        assert!(!store.is_marked(&key, 1_000).expect("read"));
        assert!(!store
            .is_marked(&EntryKey::new("revoked", 1_000, "jti-2"), 10)
            .expect("read"));
    }

    #[test]
    fn counters_count_and_clear() {
        let mem = MemoryKv::default();
        let store = Ephemeral::new(&mem, 60);
        let key = EntryKey::new("fail", 500, "a@b.c");
        assert_eq!(store.count(&key, 0).expect("count"), 0);
        assert_eq!(store.bump(&key).expect("bump"), 1);
        assert_eq!(store.bump(&key).expect("bump"), 2);
        assert_eq!(store.count(&key, 0).expect("count"), 2);
        assert_eq!(
            store.count(&key, 500).expect("count"),
            0,
            "expired counts are zero"
        );
        store.clear(&key).expect("clear");
        assert_eq!(store.count(&key, 0).expect("count"), 0);
    }

    #[test]
    fn sweep_removes_only_expired_entries_of_ours() {
        let mem = MemoryKv::default();
        let store = Ephemeral::new(&mem, 60);
        store
            .mark(&EntryKey::new("revoked", 100, "old"))
            .expect("mark");
        store
            .mark(&EntryKey::new("revoked", 300, "live"))
            .expect("mark");
        (&mem).set("someone-else", b"x").expect("set");
        assert_eq!(store.sweep(200).expect("sweep"), 1);
        let keys = mem.keys();
        assert_eq!(
            keys,
            vec!["revoked|300|live".to_owned(), "someone-else".to_owned()]
        );
    }

    #[test]
    fn only_the_first_caller_in_an_interval_sweeps() {
        let mem = MemoryKv::default();
        let store = Ephemeral::new(&mem, 60);
        store
            .mark(&EntryKey::new("revoked", 10, "a"))
            .expect("mark");
        assert_eq!(store.sweep_if_due(100).expect("sweep"), 1);
        store
            .mark(&EntryKey::new("revoked", 10, "b"))
            .expect("mark");
        assert_eq!(store.sweep_if_due(110).expect("sweep"), 0, "same interval");
        // The next interval's sweep also removes the previous interval's gate.
        assert_eq!(store.sweep_if_due(125).expect("sweep"), 2);
        assert_eq!(mem.keys().len(), 1, "only the current gate is left");
    }

    #[test]
    fn windows_are_aligned() {
        assert_eq!(window_end(0, 60), 60);
        assert_eq!(window_end(59, 60), 60);
        assert_eq!(window_end(60, 60), 120);
        assert_eq!(
            window_end(5, 0),
            6,
            "a zero length is treated as one second"
        );
    }
}
