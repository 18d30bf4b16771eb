//! Login throttling: failed attempts are counted per email and per client address in
//! fixed windows; once either count reaches its limit, logins for it answer 429 until
//! the window ends. Counters live in an expiring key-value store, shared by every
//! instance, and increment atomically.

use fin_ephemeral::{window_end, EntryKey, Ephemeral, Kv};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures_per_email: i64,
    pub max_failures_per_address: i64,
    pub window_seconds: i64,
}

pub struct LoginThrottle<K> {
    store: Ephemeral<K>,
    policy: ThrottlePolicy,
}

/// The client may try again after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl<K: Kv> LoginThrottle<K> {
    pub fn new(store: Ephemeral<K>, policy: ThrottlePolicy) -> Self {
        Self { store, policy }
    }

    fn keys(&self, email: &str, address: &str, now: i64) -> [EntryKey; 2] {
        let end = window_end(now, self.policy.window_seconds);
        // Emails are hashed so the store holds no personal data.
        [
            EntryKey::new("login-fail-email", end, &hex_sha256(email)),
            EntryKey::new("login-fail-addr", end, address),
        ]
    }

    /// Refuses before any password work when either counter is at its limit.
    pub fn check(
        &self,
        email: &str,
        address: &str,
        now: i64,
    ) -> Result<Result<(), RetryAfter>, K::Error> {
        let [by_email, by_address] = self.keys(email, address, now);
        let retry = RetryAfter((by_email.expires_at - now).max(1) as u64);
        if self.store.count(&by_email, now)? >= self.policy.max_failures_per_email
            || self.store.count(&by_address, now)? >= self.policy.max_failures_per_address
        {
            return Ok(Err(retry));
        }
        Ok(Ok(()))
    }

    pub fn record_failure(&self, email: &str, address: &str, now: i64) -> Result<(), K::Error> {
        for key in self.keys(email, address, now) {
            self.store.bump(&key)?;
        }
        self.store.sweep_if_due(now).map(|_| ())
    }

    /// A successful login clears the email's count (not the address's: one address may
    /// be guessing at many accounts).
    pub fn record_success(&self, email: &str, address: &str, now: i64) -> Result<(), K::Error> {
        let [by_email, _] = self.keys(email, address, now);
        self.store.clear(&by_email)
    }
}

fn hex_sha256(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A count of uses per key in fixed windows, for requests that are not logins: reset
/// e-mails, verification e-mails, wrong current passwords. Ids are hashed, so the store
/// holds no address or e-mail.
pub struct Quota<K> {
    store: Ephemeral<K>,
}

impl<K: Kv> Quota<K> {
    pub fn new(store: Ephemeral<K>) -> Self {
        Self { store }
    }

    fn key(namespace: &str, id: &str, window: i64, now: i64) -> EntryKey {
        EntryKey::new(namespace, window_end(now, window), &hex_sha256(id))
    }

    /// Counts one use; past `max` in the window it is refused (and still counted).
    pub fn take(
        &self,
        namespace: &str,
        id: &str,
        max: i64,
        window: i64,
        now: i64,
    ) -> Result<Result<(), RetryAfter>, K::Error> {
        let key = Self::key(namespace, id, window, now);
        let used = self.store.bump(&key)?;
        self.store.sweep_if_due(now)?;
        Ok(verdict(used > max, &key, now))
    }

    /// Whether `max` uses have been counted in the window, without counting one.
    pub fn check(
        &self,
        namespace: &str,
        id: &str,
        max: i64,
        window: i64,
        now: i64,
    ) -> Result<Result<(), RetryAfter>, K::Error> {
        let key = Self::key(namespace, id, window, now);
        Ok(verdict(self.store.count(&key, now)? >= max, &key, now))
    }
}

/// Refused until the key's window ends, or allowed.
fn verdict(over: bool, key: &EntryKey, now: i64) -> Result<(), RetryAfter> {
    if over {
        Err(RetryAfter((key.expires_at - now).max(1) as u64))
    } else {
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    pub use fin_ephemeral::MemoryKv;

    pub fn throttle(mem: &MemoryKv, per_email: i64, per_address: i64) -> LoginThrottle<&MemoryKv> {
        LoginThrottle::new(
            Ephemeral::new(mem, 60),
            ThrottlePolicy {
                max_failures_per_email: per_email,
                max_failures_per_address: per_address,
                window_seconds: 900,
            },
        )
    }

    const NOW: i64 = 9_000;

    #[test]
    fn the_email_limit_applies_until_the_window_ends() {
        let mem = MemoryKv::default();
        let throttle = throttle(&mem, 3, 100);
        for _ in 0..3 {
            assert_eq!(throttle.check("a@b.c", "1.1.1.1", NOW).expect("kv"), Ok(()));
            throttle
                .record_failure("a@b.c", "1.1.1.1", NOW)
                .expect("kv");
        }
        assert_eq!(
            throttle.check("a@b.c", "2.2.2.2", NOW + 10).expect("kv"),
            Err(RetryAfter(890))
        );
        assert_eq!(
            throttle.check("x@b.c", "1.1.1.1", NOW).expect("kv"),
            Ok(()),
            "other emails unaffected"
        );
        assert_eq!(
            throttle.check("a@b.c", "1.1.1.1", NOW + 900).expect("kv"),
            Ok(()),
            "next window"
        );
    }

    fn fail(throttle: &LoginThrottle<&MemoryKv>, email: &str, address: &str) {
        throttle.record_failure(email, address, NOW).expect("kv");
    }

    fn allowed(throttle: &LoginThrottle<&MemoryKv>, email: &str, address: &str) -> bool {
        throttle.check(email, address, NOW).expect("kv").is_ok()
    }

    #[test]
    fn the_address_limit_spans_emails() {
        let mem = MemoryKv::default();
        let throttle = throttle(&mem, 100, 2);
        fail(&throttle, "a@b.c", "1.1.1.1");
        fail(&throttle, "b@b.c", "1.1.1.1");
        assert!(!allowed(&throttle, "c@b.c", "1.1.1.1"));
        assert!(allowed(&throttle, "c@b.c", "9.9.9.9"));
    }

    #[test]
    fn success_clears_the_email_count_only() {
        let mem = MemoryKv::default();
        let throttle = throttle(&mem, 2, 2);
        fail(&throttle, "a@b.c", "1.1.1.1");
        throttle
            .record_success("a@b.c", "1.1.1.1", NOW)
            .expect("kv");
        fail(&throttle, "a@b.c", "1.1.1.1");
        assert!(
            allowed(&throttle, "a@b.c", "9.9.9.9"),
            "the email's count restarted"
        );
        assert!(
            !allowed(&throttle, "z@b.c", "1.1.1.1"),
            "the address's count did not"
        );
    }

    #[test]
    fn no_email_is_stored_in_clear() {
        let mem = MemoryKv::default();
        throttle(&mem, 2, 2)
            .record_failure("secret@b.c", "1.1.1.1", NOW)
            .expect("kv");
        assert!(mem.keys().iter().all(|k| !k.contains("secret")));
    }

    #[test]
    fn a_quota_refuses_past_its_maximum_until_the_window_ends_and_keeps_no_id() {
        let mem = MemoryKv::default();
        let quota = Quota::new(Ephemeral::new(&mem, 60));
        for _ in 0..3 {
            assert_eq!(
                quota.take("reset-email", "a@b.c", 3, 900, NOW).expect("kv"),
                Ok(())
            );
        }
        assert_eq!(
            quota
                .take("reset-email", "a@b.c", 3, 900, NOW + 10)
                .expect("kv"),
            Err(RetryAfter(890))
        );
        assert_eq!(
            quota.take("reset-email", "x@b.c", 3, 900, NOW).expect("kv"),
            Ok(())
        );
        assert_eq!(
            quota
                .take("reset-email", "a@b.c", 3, 900, NOW + 900)
                .expect("kv"),
            Ok(()),
            "next window"
        );
        assert!(mem.keys().iter().all(|k| !k.contains("a@b.c")));
    }

    #[test]
    fn checking_a_quota_counts_nothing() {
        let mem = MemoryKv::default();
        let quota = Quota::new(Ephemeral::new(&mem, 60));
        for _ in 0..5 {
            assert_eq!(
                quota.check("password-fail", "u1", 2, 900, NOW).expect("kv"),
                Ok(())
            );
        }
        quota
            .take("password-fail", "u1", i64::MAX, 900, NOW)
            .expect("kv")
            .expect("counted");
        quota
            .take("password-fail", "u1", i64::MAX, 900, NOW)
            .expect("kv")
            .expect("counted");
        assert!(quota
            .check("password-fail", "u1", 2, 900, NOW)
            .expect("kv")
            .is_err());
    }
}
