//! What a delivery is, and what an attempt's outcome makes of it.

/// What is delivered: the invoice when it is sent, or one reminder step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invoice,
    /// The reminder sent this many days after the due date.
    Reminder {
        days: u16,
    },
}

impl Kind {
    /// As stored (`invoice`, `reminder:10`): unique per invoice, so each step goes once.
    pub fn as_key(self) -> String {
        match self {
            Kind::Invoice => "invoice".into(),
            Kind::Reminder { days } => format!("reminder:{days}"),
        }
    }

    pub fn parse(key: &str) -> Option<Kind> {
        match key {
            "invoice" => Some(Kind::Invoice),
            _ => key
                .strip_prefix("reminder:")?
                .parse()
                .ok()
                .map(|days| Kind::Reminder { days }),
        }
    }
}

/// What one call to the provider came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted; the provider's id for the message.
    Sent { provider_id: String },
    /// The provider already accepted a request with this delivery's idempotency key (an
    /// earlier attempt whose answer was lost): sent, once.
    AlreadySent,
    /// Worth trying again (timeout, 429, 5xx, a key the operator has yet to fix);
    /// `after` is the provider's `Retry-After`, when it gave one.
    Transient { reason: String, after: Option<i64> },
    /// The provider refused the message itself (a bad or suppressed address): trying
    /// again would be refused again.
    Permanent { reason: String },
}

/// How often and how patiently to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    /// The wait after the first failure; each next one is four times longer.
    pub first_wait_seconds: i64,
    pub longest_wait_seconds: i64,
}

impl Default for RetryPolicy {
    /// 30 s, 2 min, 8 min, 32 min, 2 h, 6 h…: a provider outage of a few hours is caught
    /// up, and a delivery is given up on after about a day.
    fn default() -> Self {
        Self {
            max_attempts: 8,
            first_wait_seconds: 30,
            longest_wait_seconds: 6 * 3600,
        }
    }
}

/// What to do with the delivery after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    MarkSent {
        provider_id: Option<String>,
    },
    /// Nothing to send any more (a reminder for an invoice paid or voided meanwhile).
    Skip {
        reason: String,
    },
    RetryIn {
        seconds: i64,
        reason: String,
    },
    Fail {
        reason: String,
    },
}

impl RetryPolicy {
    /// After the `attempt`-th attempt (1 for the first) came to `outcome`.
    pub fn next(&self, attempt: u32, outcome: Outcome) -> Next {
        match outcome {
            Outcome::Sent { provider_id } => Next::MarkSent {
                provider_id: Some(provider_id),
            },
            Outcome::AlreadySent => Next::MarkSent { provider_id: None },
            Outcome::Permanent { reason } => Next::Fail { reason },
            Outcome::Transient { reason, .. } if attempt >= self.max_attempts => Next::Fail {
                reason: format!("gave up after {attempt} attempts: {reason}"),
            },
            Outcome::Transient { reason, after } => {
                let backoff = self
                    .first_wait_seconds
                    .saturating_mul(4i64.saturating_pow(attempt.saturating_sub(1)))
                    .min(self.longest_wait_seconds);
                Next::RetryIn {
                    seconds: after.map_or(backoff, |a| a.clamp(1, self.longest_wait_seconds)),
                    reason,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transient() -> Outcome {
        Outcome::Transient {
            reason: "500".into(),
            after: None,
        }
    }

    #[test]
    fn kinds_round_trip_through_their_keys() {
        for kind in [
            Kind::Invoice,
            Kind::Reminder { days: 3 },
            Kind::Reminder { days: 30 },
        ] {
            assert_eq!(Kind::parse(&kind.as_key()), Some(kind));
        }
        assert_eq!(Kind::parse("reminder:x"), None);
        assert_eq!(Kind::parse("letter"), None);
    }

    #[test]
    fn transient_failures_back_off_then_give_up() {
        let policy = RetryPolicy::default();
        let waits: Vec<i64> = (1..policy.max_attempts)
            .map(|n| match policy.next(n, transient()) {
                Next::RetryIn { seconds, .. } => seconds,
                other => panic!("attempt {n}: {other:?}"),
            })
            .collect();
        assert_eq!(waits, [30, 120, 480, 1920, 7680, 21600, 21600]);
        assert!(matches!(
            policy.next(policy.max_attempts, transient()),
            Next::Fail { reason } if reason.starts_with("gave up after 8 attempts")
        ));
    }

    #[test]
    fn the_providers_retry_after_is_honoured_within_bounds() {
        let policy = RetryPolicy::default();
        let after = |a| match policy.next(
            1,
            Outcome::Transient {
                reason: "429".into(),
                after: Some(a),
            },
        ) {
            Next::RetryIn { seconds, .. } => seconds,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            after(5),
            5,
            "sooner than our backoff when the provider says so"
        );
        assert_eq!(after(90), 90);
        assert_eq!(
            after(10 * 86_400),
            21_600,
            "never longer than the longest wait"
        );
        assert_eq!(after(-3), 1);
    }

    #[test]
    fn sent_already_sent_and_permanent_end_the_delivery() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.next(
                3,
                Outcome::Sent {
                    provider_id: "re-1".into()
                }
            ),
            Next::MarkSent {
                provider_id: Some("re-1".into())
            }
        );
        assert_eq!(
            policy.next(2, Outcome::AlreadySent),
            Next::MarkSent { provider_id: None }
        );
        assert_eq!(
            policy.next(
                1,
                Outcome::Permanent {
                    reason: "suppressed".into()
                }
            ),
            Next::Fail {
                reason: "suppressed".into()
            }
        );
    }
}
