//! A circuit breaker for components that live one request long.
//!
//! A Spin instance serves one request and is gone, so a breaker cannot keep its state in
//! memory: every count lives in a key-value store that all instances share, and every
//! change is an atomic increment or a single write, so concurrent instances agree.
//!
//! - **Closed**: calls go through; each failure adds one to a consecutive-failure count,
//!   each success clears it. When the count reaches the threshold the breaker opens.
//! - **Open**: for `cooldown` seconds after it opened, callers are refused at once (with
//!   how long to wait) and no call is made.
//! - **Half-open**: after the cool-down, the first caller wins an atomic increment and
//!   makes a trial call; everyone else is still refused. A successful trial closes the
//!   breaker; a failed one opens it for another cool-down. While the trial runs the
//!   breaker counts as open for `trial_window` seconds, which bounds how long a trial
//!   that never reports back (its instance died) can hold it.
//!
//! The trial is claimed against the opening it ends, not against a slot of the clock:
//! gates per fixed window let two callers that straddle a window's edge both make a
//! trial a few milliseconds apart, which CI's breaker suite caught.

use fin_ephemeral::Kv;

/// How a breaker behaves; every figure comes from configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Consecutive failures that open the breaker (at least 1).
    pub failure_threshold: i64,
    /// Seconds the breaker stays open before it allows a trial call.
    pub cooldown: i64,
    /// Seconds one trial may take before another caller may try; keep it above the call
    /// timeout.
    pub trial_window: i64,
}

/// Permission to make a call; hand it back with the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permit {
    /// The breaker is closed.
    Closed,
    /// This caller makes the half-open trial call for the breaker opened at `opened_at`.
    Trial { opened_at: i64 },
}

/// The breaker refuses calls; try again after `retry_after` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Open {
    pub retry_after: i64,
}

/// A change of state caused by a recorded outcome, for the operator's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Closed → open: the failure threshold was reached.
    Opened,
    /// Half-open → open: the trial call failed.
    Reopened,
    /// Open or half-open → closed: a call succeeded.
    Closed,
}

/// What a caller can observe of the breaker, for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed { failures: i64 },
    Open { retry_after: i64 },
    HalfOpen,
}

/// Hears every decision [`Breaker::admit`] makes: the Spin edge puts each in the
/// request's trace (fin_spin_edge::breaker).
pub type Observer = fn(name: &str, decision: &Result<Permit, Open>);

pub struct Breaker<K> {
    kv: K,
    name: String,
    kv_failures: String,
    kv_opened_at: String,
    kv_trial: String,
    kv_last_trial: String,
    settings: Settings,
    observer: Option<Observer>,
}

impl<K: Kv> Breaker<K> {
    /// A breaker named `name` (one per downstream service) over `kv`.
    pub fn new(kv: K, name: &str, settings: Settings) -> Self {
        Self {
            kv,
            name: name.to_owned(),
            kv_failures: format!("breaker:{name}:failures"),
            kv_opened_at: format!("breaker:{name}:opened_at"),
            kv_trial: format!("breaker:{name}:trial"),
            kv_last_trial: format!("breaker:{name}:last_trial"),
            settings: Settings {
                failure_threshold: settings.failure_threshold.max(1),
                cooldown: settings.cooldown.max(1),
                trial_window: settings.trial_window.max(1),
            },
            observer: None,
        }
    }

    /// The same breaker, telling `observer` each decision it makes.
    pub fn observed(self, observer: Observer) -> Self {
        Self {
            observer: Some(observer),
            ..self
        }
    }

    /// The downstream service this breaker guards, as logs and health details name it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One call through the breaker: refused at once while open, else made, judged by
    /// `failed` and recorded, each change of state logged for the operator. The one way
    /// every outside call goes through a breaker, so no caller forgets to record.
    pub fn call<T>(
        &self,
        now: impl Fn() -> i64,
        call: impl FnOnce() -> T,
        failed: impl FnOnce(&T) -> bool,
    ) -> Result<Result<T, Open>, K::Error> {
        let permit = match self.admit(now())? {
            Ok(permit) => permit,
            Err(open) => return Ok(Err(open)),
        };
        let outcome = call();
        let failed = failed(&outcome);
        if let Some(transition) = self.record(permit, !failed, now())? {
            self.log(transition);
        }
        Ok(Ok(outcome))
    }

    /// How long a caller whose call just failed should wait: the cool-down's rest when
    /// that failure opened the breaker, else a second.
    pub fn retry_after(&self, now: i64) -> Result<i64, K::Error> {
        Ok(match self.state(now)? {
            State::Open { retry_after } => retry_after,
            _ => 1,
        })
    }

    /// Hands back a permit whose call was never made (nothing turned out to need it):
    /// nothing is counted, and a trial's gate is deleted rather than left behind; the
    /// breaker stays held for the rest of the trial window, as for a trial that died.
    pub fn release(&self, permit: Permit) -> Result<(), K::Error> {
        match permit {
            Permit::Trial { opened_at } => self.kv.delete(&self.trial_gate(opened_at)),
            Permit::Closed => Ok(()),
        }
    }

    /// The operator's line for a change of state (Spin sends stderr to the component's log).
    pub fn log(&self, transition: Transition) {
        let name = &self.name;
        match transition {
            Transition::Opened => fin_log::warn!(
                "breaker",
                "{name}: OPEN after {} consecutive failures",
                self.settings.failure_threshold
            ),
            Transition::Reopened => {
                fin_log::warn!("breaker", "{name}: trial call failed; open again")
            }
            Transition::Closed => fin_log::info!("breaker", "{name}: closed"),
        }
    }

    /// Whether a call may be made now.
    pub fn admit(&self, now: i64) -> Result<Result<Permit, Open>, K::Error> {
        let decision = self.decide(now)?;
        if let Some(observer) = self.observer {
            observer(&self.name, &decision);
        }
        Ok(decision)
    }

    fn decide(&self, now: i64) -> Result<Result<Permit, Open>, K::Error> {
        let opened_at = self.opened_at()?;
        if opened_at == 0 {
            return Ok(Ok(Permit::Closed));
        }
        let reopens_at = opened_at + self.settings.cooldown;
        if now < reopens_at {
            return Ok(Err(Open {
                retry_after: reopens_at - now,
            }));
        }
        // Half-open. Every caller that saw this opening first holds the breaker open for
        // a trial window, then races for the trial. The re-opening comes first, so a
        // claim whose instance fails right after it still frees the next window; the
        // re-openings of concurrent callers land on the same second, give or take one.
        // Without compare-and-swap, a caller that stalls here for longer than the whole
        // trial call can still overwrite the trial's outcome with its re-opening: the
        // cost is one trial window of refusals, or one trial a cool-down early.
        let window = self.settings.trial_window;
        self.open(now + window - self.settings.cooldown)?;
        if self.claim_trial(opened_at)? {
            Ok(Ok(Permit::Trial { opened_at }))
        } else {
            Ok(Err(Open {
                retry_after: window,
            }))
        }
    }

    /// Whether this caller is the first to claim the trial that ends the opening at
    /// `opened_at`.
    fn claim_trial(&self, opened_at: i64) -> Result<bool, K::Error> {
        Ok(self.kv.increment(&self.trial_gate(opened_at), 1)? == 1)
    }

    /// The gate of the trial that ends the opening at `opened_at`; a plain key, because
    /// one that expired could be swept between two callers' increments and let a second
    /// trial through. It outlives the trial's outcome: a caller that read the same opening
    /// and stalled until after the trial had failed would otherwise find no gate and make
    /// a second trial (CI's payment suite caught two Stripe calls from four clicks). Each
    /// outcome deletes the gate of the trial before instead ([`Self::retire_gate`]), so
    /// at most two are kept.
    fn trial_gate(&self, opened_at: i64) -> String {
        format!("{}:{opened_at}", self.kv_trial)
    }

    /// Keeps the gate of the trial at `opened_at` and deletes the one kept before it: a
    /// caller would have to stall through a whole trial, a cool-down and the next trial
    /// to find that one gone.
    fn retire_gate(&self, opened_at: i64) -> Result<(), K::Error> {
        let previous = self.kv.increment(&self.kv_last_trial, 0)?;
        if previous != 0 && previous != opened_at {
            self.kv.delete(&self.trial_gate(previous))?;
        }
        self.kv
            .set(&self.kv_last_trial, opened_at.to_string().as_bytes())
    }

    /// Records how a permitted call went, and says if that changed the state.
    pub fn record(
        &self,
        permit: Permit,
        succeeded: bool,
        now: i64,
    ) -> Result<Option<Transition>, K::Error> {
        let kv = &self.kv;
        if let Permit::Trial { opened_at } = permit {
            self.retire_gate(opened_at)?;
        }
        if succeeded {
            kv.delete(&self.kv_failures)?;
            if self.opened_at()? == 0 {
                return Ok(None);
            }
            kv.delete(&self.kv_opened_at)?;
            return Ok(Some(Transition::Closed));
        }
        match permit {
            Permit::Trial { .. } => self.open(now).map(|()| Some(Transition::Reopened)),
            Permit::Closed => {
                let failures = kv.increment(&self.kv_failures, 1)?;
                // Calls admitted while closed may fail after another instance opened the
                // breaker; they must not push its cool-down further out.
                if failures >= self.settings.failure_threshold && self.opened_at()? == 0 {
                    self.open(now)?;
                    return Ok(Some(Transition::Opened));
                }
                Ok(None)
            }
        }
    }

    pub fn state(&self, now: i64) -> Result<State, K::Error> {
        let opened_at = self.opened_at()?;
        if opened_at == 0 {
            let failures = self.kv.increment(&self.kv_failures, 0)?;
            return Ok(State::Closed { failures });
        }
        let reopens_at = opened_at + self.settings.cooldown;
        Ok(if now < reopens_at {
            State::Open {
                retry_after: reopens_at - now,
            }
        } else {
            State::HalfOpen
        })
    }

    fn open(&self, now: i64) -> Result<(), K::Error> {
        self.kv.set(&self.kv_opened_at, now.to_string().as_bytes())
    }

    /// When the breaker opened, 0 when it is closed. An increment of zero reads the value
    /// atomically whatever encoding the store uses for integers.
    fn opened_at(&self) -> Result<i64, K::Error> {
        self.kv.increment(&self.kv_opened_at, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fin_ephemeral::MemoryKv;

    const SETTINGS: Settings = Settings {
        failure_threshold: 3,
        cooldown: 30,
        trial_window: 5,
    };

    fn breaker(kv: &MemoryKv) -> Breaker<&MemoryKv> {
        Breaker::new(kv, "clients", SETTINGS)
    }

    fn admit(b: &Breaker<&MemoryKv>, now: i64) -> Result<Permit, Open> {
        b.admit(now).unwrap_or_else(|never| match never {})
    }

    fn fail(b: &Breaker<&MemoryKv>, permit: Permit, now: i64) -> Option<Transition> {
        b.record(permit, false, now)
            .unwrap_or_else(|never| match never {})
    }

    fn succeed(b: &Breaker<&MemoryKv>, permit: Permit, now: i64) -> Option<Transition> {
        b.record(permit, true, now)
            .unwrap_or_else(|never| match never {})
    }

    fn state(b: &Breaker<&MemoryKv>, now: i64) -> State {
        b.state(now).unwrap_or_else(|never| match never {})
    }

    #[test]
    fn opens_after_the_threshold_of_consecutive_failures() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..2 {
            fail(&b, admit(&b, 100).expect("closed"), 100);
        }
        assert_eq!(state(&b, 100), State::Closed { failures: 2 });
        fail(&b, admit(&b, 100).expect("closed"), 100);
        assert_eq!(admit(&b, 101), Err(Open { retry_after: 29 }));
    }

    #[test]
    fn a_success_resets_the_count() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        fail(&b, Permit::Closed, 100);
        fail(&b, Permit::Closed, 100);
        succeed(&b, Permit::Closed, 100);
        fail(&b, Permit::Closed, 100);
        fail(&b, Permit::Closed, 100);
        assert_eq!(
            admit(&b, 100),
            Ok(Permit::Closed),
            "2 failures since the success"
        );
    }

    #[test]
    fn after_the_cooldown_exactly_one_caller_gets_the_trial() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..3 {
            fail(&b, Permit::Closed, 100);
        }
        assert!(admit(&b, 129).is_err(), "still cooling down");
        assert_eq!(state(&b, 130), State::HalfOpen);
        let trial = admit(&b, 130).expect("the first caller tries");
        assert_eq!(trial, Permit::Trial { opened_at: 100 });
        assert_eq!(admit(&b, 131), Err(Open { retry_after: 4 }));
        succeed(&b, trial, 131);
        assert_eq!(state(&b, 131), State::Closed { failures: 0 });
        assert_eq!(admit(&b, 131), Ok(Permit::Closed));
    }

    #[test]
    fn a_failed_trial_opens_for_another_cooldown() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..3 {
            fail(&b, Permit::Closed, 100);
        }
        let trial = admit(&b, 140).expect("trial");
        fail(&b, trial, 141);
        assert_eq!(admit(&b, 150), Err(Open { retry_after: 21 }));
        assert!(matches!(admit(&b, 171), Ok(Permit::Trial { .. })));
    }

    #[test]
    fn a_trial_that_never_reports_frees_the_next_window() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..3 {
            fail(&b, Permit::Closed, 100);
        }
        assert!(admit(&b, 130).is_ok(), "this trial's instance dies");
        assert!(admit(&b, 134).is_err());
        assert!(admit(&b, 135).is_ok(), "next window, next trial");
    }

    #[test]
    fn each_change_of_state_is_reported_once() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        assert_eq!(fail(&b, Permit::Closed, 100), None);
        assert_eq!(fail(&b, Permit::Closed, 100), None);
        assert_eq!(fail(&b, Permit::Closed, 100), Some(Transition::Opened));
        assert_eq!(fail(&b, Permit::Closed, 101), None, "already open");
        let trial = admit(&b, 130).expect("trial");
        assert_eq!(fail(&b, trial, 130), Some(Transition::Reopened));
        let trial = admit(&b, 160).expect("trial");
        assert_eq!(succeed(&b, trial, 160), Some(Transition::Closed));
        assert_eq!(succeed(&b, Permit::Closed, 161), None);
    }

    #[test]
    fn late_failures_do_not_extend_an_open_breaker() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..3 {
            fail(&b, Permit::Closed, 100);
        }
        // A call admitted before the breaker opened fails later.
        fail(&b, Permit::Closed, 120);
        assert_eq!(admit(&b, 125), Err(Open { retry_after: 5 }));
    }

    #[test]
    fn a_trial_holds_the_breaker_for_its_whole_window() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..3 {
            fail(&b, Permit::Closed, 100);
        }
        // Claimed late in what a clock-aligned window would call its slot, the trial
        // still keeps the next second's callers out.
        assert!(admit(&b, 134).is_ok());
        assert_eq!(admit(&b, 135), Err(Open { retry_after: 4 }));
        assert_eq!(admit(&b, 138), Err(Open { retry_after: 1 }));
        assert!(admit(&b, 139).is_ok(), "the window is over");
    }

    fn call(b: &Breaker<&MemoryKv>, now: i64, fails: bool) -> Result<&'static str, Open> {
        b.call(|| now, || "called", |_| fails)
            .unwrap_or_else(|never| match never {})
    }

    #[test]
    fn a_guarded_call_is_counted_and_refused_once_open() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..3 {
            assert_eq!(call(&b, 100, true), Ok("called"));
        }
        assert_eq!(call(&b, 101, false), Err(Open { retry_after: 29 }));
        assert_eq!(b.retry_after(101).unwrap_or_else(|n| match n {}), 29);
        assert_eq!(call(&b, 130, false), Ok("called"), "the trial");
        assert_eq!(state(&b, 130), State::Closed { failures: 0 });
        assert_eq!(b.retry_after(130).unwrap_or_else(|n| match n {}), 1);
    }

    #[test]
    fn a_released_trial_leaves_no_gate_and_counts_nothing() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..3 {
            fail(&b, Permit::Closed, 100);
        }
        let trial = admit(&b, 130).expect("trial");
        b.release(trial).unwrap_or_else(|never| match never {});
        assert!(admit(&b, 131).is_err(), "the trial window still holds");
        assert!(
            !kv.keys().iter().any(|k| k.contains(":trial:")),
            "{:?}",
            kv.keys()
        );
        assert!(matches!(admit(&b, 135), Ok(Permit::Trial { .. })));
        b.release(Permit::Closed)
            .unwrap_or_else(|never| match never {});
        assert_eq!(
            state(&b, 135),
            State::Open { retry_after: 5 },
            "nothing counted"
        );
    }

    #[test]
    fn a_caller_who_saw_the_same_opening_late_gets_no_second_trial() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..3 {
            fail(&b, Permit::Closed, 100);
        }
        let Ok(Permit::Trial { opened_at }) = b.admit(130).unwrap_or_else(|n| match n {}) else {
            panic!("the first caller after the cool-down makes the trial");
        };
        fail(&b, Permit::Trial { opened_at }, 130);
        // A second caller read the same opening before the trial, and only now claims.
        assert!(
            !b.claim_trial(opened_at).unwrap_or_else(|n| match n {}),
            "the failed trial's gate still stands"
        );
    }

    #[test]
    fn gates_of_past_openings_do_not_pile_up() {
        let kv = MemoryKv::default();
        let b = breaker(&kv);
        for _ in 0..3 {
            fail(&b, Permit::Closed, 100);
        }
        let mut now = 130;
        for _ in 0..5 {
            let trial = admit(&b, now).expect("trial");
            fail(&b, trial, now);
            now += 30;
        }
        let trial = admit(&b, now).expect("trial");
        succeed(&b, trial, now);
        assert_eq!(admit(&b, now + 1), Ok(Permit::Closed));
        let gates = kv.keys().iter().filter(|k| k.contains(":trial:")).count();
        assert!(gates <= 2, "{:?}", kv.keys());
    }

    #[test]
    fn every_decision_is_told_to_the_observer() {
        static HEARD: std::sync::Mutex<Vec<(String, Result<Permit, Open>)>> =
            std::sync::Mutex::new(Vec::new());
        let kv = MemoryKv::default();
        let b = breaker(&kv).observed(|name, decision| {
            if let Ok(mut heard) = HEARD.lock() {
                heard.push((name.to_owned(), *decision));
            }
        });
        let closed = admit(&b, 100).expect("closed");
        for _ in 0..3 {
            fail(&b, closed, 100);
        }
        let _ = admit(&b, 101);
        let trial = admit(&b, 130).expect("trial");
        let _ = admit(&b, 130);
        let heard: Vec<_> = HEARD.lock().map(|h| h.clone()).unwrap_or_default();
        assert_eq!(
            heard,
            [
                ("clients".to_owned(), Ok(Permit::Closed)),
                ("clients".to_owned(), Err(Open { retry_after: 29 })),
                ("clients".to_owned(), Ok(trial)),
                ("clients".to_owned(), Err(Open { retry_after: 5 })),
            ]
        );
    }
}
