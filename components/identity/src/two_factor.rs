//! Two-factor sign-in: turning it on (a key shown once as a QR code, confirmed by a
//! first code, ten recovery codes shown once), the login's second step, and turning it
//! off. The key is kept sealed under `identity_encryption_key` ([`Vault`]), so a copy of
//! the database makes no codes; every code is spent as it is used, so one overheard or
//! replayed opens nothing.

use fin_ephemeral::Kv;
use fin_problem::{Fault, FieldError};
use fin_secret::Secret;
use fin_vault::Vault;
use serde::Serialize;

use crate::account::{AccountStore, Ended};
use crate::error::IdentityError;
use crate::mail::{self, Mail};
use crate::password;
use crate::security::Seen;
use crate::service::Verified;
use crate::throttle::LoginThrottle;
use crate::totp::{recovery_digest, Enrolment, Factor, RecoveryCodes, TotpKey};

/// How long the second step may wait after the password: long enough to find a phone.
pub const TICKET_SECONDS: i64 = 300;

/// An account's second factor as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFactor {
    pub sealed_key: Vec<u8>,
    pub key_id: String,
    /// `false` while enrolment waits for its first code.
    pub enabled: bool,
    pub last_step: i64,
    pub recovery_codes_left: u32,
}

/// What proved the second factor, spent as it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A TOTP time step: it and every earlier one are refused from now on.
    Step(i64),
    /// A recovery code's digest: it is refused from now on.
    RecoveryCode(String),
}

/// The waiting key's first code turns two factors on.
pub struct Enable<'a> {
    pub user_id: &'a str,
    pub step: i64,
    pub code_digests: &'a [String],
    /// The session that turned it on; every other one ends.
    pub keep: Option<&'a str>,
    pub notice: &'a Mail,
    pub seen: &'a Seen,
}

/// Where the second factor is kept (Postgres in production).
pub trait TwoFactorStore {
    fn factor(&self, user_id: &str) -> Result<Option<StoredFactor>, Fault>;
    /// Keeps a key awaiting its first code, replacing one that waited: `false` when two
    /// factors are on already.
    fn begin(&self, user_id: &str, sealed_key: &[u8], key_id: &str) -> Result<bool, Fault>;
    /// Turns the waiting key on, keeps the recovery codes, ends every other session,
    /// logs it and tells the owner: `None` when no key waits (any more).
    fn enable(&self, enable: &Enable<'_>) -> Result<Option<Vec<Ended>>, Fault>;
    /// Spends the proof: `false` when the step is not past the last one accepted, or the
    /// recovery code is unknown or spent.
    fn spend(&self, user_id: &str, proof: &Proof, seen: &Seen) -> Result<bool, Fault>;
    /// Removes the key and the recovery codes, logs it and tells the owner.
    fn disable(&self, user_id: &str, notice: &Mail, seen: &Seen) -> Result<(), Fault>;
    /// Replaces every recovery code, and logs it.
    fn renew_codes(&self, user_id: &str, code_digests: &[String], seen: &Seen)
        -> Result<(), Fault>;
    /// Keeps a login ticket's digest for [`TICKET_SECONDS`].
    fn issue_ticket(&self, digest: &str, verified: &Verified) -> Result<(), Fault>;
    /// The account and credentials of a ticket unspent and unexpired.
    fn ticket(&self, digest: &str) -> Result<Option<Verified>, Fault>;
    /// Spends the ticket: `false` when another request spent it first.
    fn spend_ticket(&self, digest: &str) -> Result<bool, Fault>;
    /// Logs a wrong code on the account.
    fn failed_code(&self, user_id: &str, seen: &Seen) -> Result<(), Fault>;
}

/// `GET /auth/two-factor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub enabled: bool,
    pub recovery_codes_left: u32,
}

pub fn status(store: &impl TwoFactorStore, user_id: &str) -> Result<Status, IdentityError> {
    let factor = store.factor(user_id)?.filter(|f| f.enabled);
    Ok(Status {
        enabled: factor.is_some(),
        recovery_codes_left: factor.map_or(0, |f| f.recovery_codes_left),
    })
}

/// The second factor's use cases: the account's store, and the server's vault (`None`
/// without `identity_encryption_key`).
pub struct TwoFactor<'a, S, K> {
    pub store: &'a S,
    pub vault: Option<&'a Vault>,
    /// Counts wrong codes, under the login limits.
    pub throttle: &'a LoginThrottle<K>,
}

/// A code someone typed for an account, and when and from where.
#[derive(Clone, Copy)]
pub struct Attempt<'a> {
    pub user_id: &'a str,
    pub code: &'a str,
    pub now: i64,
    pub seen: &'a Seen,
}

impl<S: TwoFactorStore, K: Kv> TwoFactor<'_, S, K>
where
    K::Error: Into<Fault>,
{
    /// `POST /auth/two-factor`: the password again (a signed-in laptop left open must not
    /// be enough to lock its owner out), then a new key, shown once.
    pub fn begin(
        &self,
        user_id: &str,
        email: &str,
        current_password: &str,
    ) -> Result<Enrolment, IdentityError>
    where
        S: AccountStore,
    {
        let vault = self.vault.ok_or(IdentityError::TwoFactorUnavailable)?;
        check_password(self.store, user_id, current_password)?;
        let key = TotpKey::generate().ok_or_else(no_random)?;
        let enrolment = key.enrolment(email).map_err(Fault::Internal)?;
        let sealed = vault
            .seal(&key.to_base32(), user_id)
            .map_err(|e| Fault::Internal(format!("vault: {e:?}")))?;
        if !self.store.begin(user_id, &sealed, vault.key_id())? {
            return Err(IdentityError::TwoFactorOn);
        }
        Ok(enrolment)
    }

    /// `POST /auth/two-factor/confirm`: the first code from the app proves it holds the
    /// key; two factors are on, every session but `session` ends, and the recovery codes
    /// are shown once.
    pub fn confirm(
        &self,
        attempt: Attempt<'_>,
        session: Option<&str>,
    ) -> Result<(Vec<String>, Vec<Ended>), IdentityError> {
        let vault = self.vault.ok_or(IdentityError::TwoFactorUnavailable)?;
        let factor = self
            .store
            .factor(attempt.user_id)?
            .filter(|f| !f.enabled)
            .ok_or(IdentityError::TwoFactorNotStarted)?;
        let key = open(vault, &factor, attempt.user_id)?;
        let step = self.throttled(attempt, || {
            match Factor::parse(attempt.code) {
                Some(Factor::Totp(code)) => key.accepts(&code, attempt.now, factor.last_step),
                _ => None,
            }
            .ok_or_else(|| wrong_code("is not the code your app shows now"))
        })?;
        let codes = RecoveryCodes::generate().ok_or_else(no_random)?;
        let ended = self
            .store
            .enable(&Enable {
                user_id: attempt.user_id,
                step,
                code_digests: &codes.digests(),
                keep: session,
                notice: &mail::two_factor_on(),
                seen: attempt.seen,
            })?
            .ok_or(IdentityError::TwoFactorNotStarted)?;
        Ok((codes.shown(), ended))
    }

    /// A code from the app or a recovery code, checked and spent: the second step of a
    /// login, and what turning two factors off or renewing the codes asks for (through
    /// [`Self::prove_counted`]).
    pub fn prove(&self, attempt: Attempt<'_>) -> Result<(), IdentityError> {
        let user_id = attempt.user_id;
        let factor = self
            .store
            .factor(user_id)?
            .filter(|f| f.enabled)
            .ok_or(IdentityError::TwoFactorOff)?;
        let proof = match Factor::parse(attempt.code) {
            Some(Factor::Totp(code)) => {
                let vault = self.vault.ok_or(IdentityError::TwoFactorUnavailable)?;
                open(vault, &factor, user_id)?
                    .accepts(&code, attempt.now, factor.last_step)
                    .map(Proof::Step)
            }
            Some(Factor::Recovery(code)) => Some(Proof::RecoveryCode(recovery_digest(&code))),
            None => None,
        };
        match proof {
            Some(proof) if self.store.spend(user_id, &proof, attempt.seen)? => Ok(()),
            _ => Err(wrong_code(
                "is not a current code from your app or an unused recovery code",
            )),
        }
    }

    /// [`Self::prove`], counted: wrong codes per account (and per client address) under
    /// the login limits, each logged; past them a 429 before any code is looked at, so
    /// no route is a way round the login's count.
    pub fn prove_counted(&self, attempt: Attempt<'_>) -> Result<(), IdentityError> {
        self.throttled(attempt, || self.prove(attempt))
    }

    fn throttled<T>(
        &self,
        attempt: Attempt<'_>,
        check: impl FnOnce() -> Result<T, IdentityError>,
    ) -> Result<T, IdentityError> {
        let throttle = self.throttle;
        let account = format!("second-factor:{}", attempt.user_id);
        let address = attempt.seen.address.as_deref().unwrap_or("unknown");
        let kv_failed = |err: K::Error| IdentityError::from(err.into());
        throttle
            .check(&account, address, attempt.now)
            .map_err(kv_failed)?
            .map_err(IdentityError::Throttled)?;
        let checked = check();
        match &checked {
            Err(IdentityError::Invalid(_)) => {
                throttle
                    .record_failure(&account, address, attempt.now)
                    .map_err(kv_failed)?;
                self.store.failed_code(attempt.user_id, attempt.seen)?;
            }
            Ok(_) => throttle
                .record_success(&account, address, attempt.now)
                .map_err(kv_failed)?,
            Err(_) => {}
        }
        checked
    }

    /// `POST /auth/two-factor/disable`.
    pub fn disable(&self, attempt: Attempt<'_>) -> Result<(), IdentityError> {
        self.prove_counted(attempt)?;
        let notice = mail::two_factor_off();
        Ok(self.store.disable(attempt.user_id, &notice, attempt.seen)?)
    }

    /// `POST /auth/two-factor/recovery-codes`: a new set, the old one void.
    pub fn renew_codes(&self, attempt: Attempt<'_>) -> Result<Vec<String>, IdentityError> {
        self.prove_counted(attempt)?;
        let codes = RecoveryCodes::generate().ok_or_else(no_random)?;
        self.store
            .renew_codes(attempt.user_id, &codes.digests(), attempt.seen)?;
        Ok(codes.shown())
    }

    /// `POST /auth/login/second-factor`: the ticket names the account, the code proves
    /// the second factor — wrong codes throttled per account like wrong passwords (and
    /// per client address), and a new login does not reset that count — and the ticket is
    /// spent. The session then starts as after a password alone.
    pub fn second_step(
        &self,
        ticket: &str,
        code: &str,
        now: i64,
        seen: &Seen,
    ) -> Result<Verified, IdentityError> {
        let digest = Secret::well_formed(ticket)
            .then(|| Secret::digest(ticket))
            .ok_or(IdentityError::TicketInvalid)?;
        let verified = self
            .store
            .ticket(&digest)?
            .ok_or(IdentityError::TicketInvalid)?;
        let attempt = Attempt {
            user_id: &verified.user_id,
            code,
            now,
            seen,
        };
        self.prove_counted(attempt)?;
        if !self.store.spend_ticket(&digest)? {
            return Err(IdentityError::TicketInvalid);
        }
        Ok(verified)
    }
}

/// The password was right and two factors are on: a ticket for the second step.
pub fn ticket(store: &impl TwoFactorStore, verified: &Verified) -> Result<Secret, IdentityError> {
    let ticket = Secret::generate().ok_or_else(no_random)?;
    store.issue_ticket(&Secret::digest(ticket.as_str()), verified)?;
    Ok(ticket)
}

fn no_random() -> Fault {
    Fault::Internal("no random source".into())
}

fn check_password(
    store: &impl AccountStore,
    user_id: &str,
    current_password: &str,
) -> Result<(), IdentityError> {
    let (stored, _) = store
        .password_of(user_id)?
        .ok_or(IdentityError::UnknownUser)?;
    if password::verify(current_password, Some(&stored)) {
        Ok(())
    } else {
        Err(IdentityError::Invalid(vec![FieldError::new(
            "password",
            "is not your current password",
        )]))
    }
}

/// The account's key, unsealed: a key sealed under another server key than this one
/// (rotated without re-enrolment) cannot be used, and says so.
fn open(vault: &Vault, factor: &StoredFactor, user_id: &str) -> Result<TotpKey, IdentityError> {
    vault
        .open(&factor.sealed_key, user_id)
        .ok()
        .and_then(|encoded| TotpKey::from_base32(&encoded))
        .ok_or(IdentityError::TwoFactorUnavailable)
}

fn wrong_code(message: &str) -> IdentityError {
    IdentityError::Invalid(vec![FieldError::new("code", message)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::throttle::tests::{throttle, MemoryKv};
    use crate::throttle::RetryAfter;
    use std::cell::RefCell;

    const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    const NOW: i64 = 1_800_000_000;

    /// One account's second factor, its codes and its tickets, in memory.
    #[derive(Default)]
    struct MemFactor {
        factor: RefCell<Option<StoredFactor>>,
        codes: RefCell<Vec<(String, bool)>>,
        tickets: RefCell<Vec<(String, bool)>>,
        failures: RefCell<u32>,
    }

    impl TwoFactorStore for MemFactor {
        fn factor(&self, _: &str) -> Result<Option<StoredFactor>, Fault> {
            let mut factor = self.factor.borrow().clone();
            if let Some(f) = &mut factor {
                f.recovery_codes_left = self.codes.borrow().iter().filter(|c| !c.1).count() as u32;
            }
            Ok(factor)
        }
        fn begin(&self, _: &str, sealed_key: &[u8], key_id: &str) -> Result<bool, Fault> {
            if self.factor.borrow().as_ref().is_some_and(|f| f.enabled) {
                return Ok(false);
            }
            *self.factor.borrow_mut() = Some(StoredFactor {
                sealed_key: sealed_key.to_vec(),
                key_id: key_id.into(),
                enabled: false,
                last_step: 0,
                recovery_codes_left: 0,
            });
            Ok(true)
        }
        fn enable(&self, e: &Enable<'_>) -> Result<Option<Vec<Ended>>, Fault> {
            let mut factor = self.factor.borrow_mut();
            let Some(f) = factor.as_mut().filter(|f| !f.enabled) else {
                return Ok(None);
            };
            f.enabled = true;
            f.last_step = e.step;
            *self.codes.borrow_mut() = e.code_digests.iter().map(|d| (d.clone(), false)).collect();
            Ok(Some(Vec::new()))
        }
        fn spend(&self, _: &str, proof: &Proof, _: &Seen) -> Result<bool, Fault> {
            Ok(match proof {
                Proof::Step(step) => {
                    let mut factor = self.factor.borrow_mut();
                    match factor.as_mut() {
                        Some(f) if f.last_step < *step => {
                            f.last_step = *step;
                            true
                        }
                        _ => false,
                    }
                }
                Proof::RecoveryCode(digest) => {
                    let mut codes = self.codes.borrow_mut();
                    match codes.iter_mut().find(|(d, used)| d == digest && !used) {
                        Some(code) => {
                            code.1 = true;
                            true
                        }
                        None => false,
                    }
                }
            })
        }
        fn disable(&self, _: &str, _: &Mail, _: &Seen) -> Result<(), Fault> {
            *self.factor.borrow_mut() = None;
            self.codes.borrow_mut().clear();
            Ok(())
        }
        fn renew_codes(&self, _: &str, digests: &[String], _: &Seen) -> Result<(), Fault> {
            *self.codes.borrow_mut() = digests.iter().map(|d| (d.clone(), false)).collect();
            Ok(())
        }
        fn issue_ticket(&self, digest: &str, _: &Verified) -> Result<(), Fault> {
            self.tickets.borrow_mut().push((digest.into(), false));
            Ok(())
        }
        fn ticket(&self, digest: &str) -> Result<Option<Verified>, Fault> {
            Ok(self
                .tickets
                .borrow()
                .iter()
                .any(|(d, used)| d == digest && !used)
                .then(|| Verified {
                    user_id: "ada".into(),
                    version: 1,
                    two_factor: true,
                }))
        }
        fn spend_ticket(&self, digest: &str) -> Result<bool, Fault> {
            let mut tickets = self.tickets.borrow_mut();
            Ok(
                match tickets.iter_mut().find(|(d, used)| d == digest && !used) {
                    Some(ticket) => {
                        ticket.1 = true;
                        true
                    }
                    None => false,
                },
            )
        }
        fn failed_code(&self, _: &str, _: &Seen) -> Result<(), Fault> {
            *self.failures.borrow_mut() += 1;
            Ok(())
        }
    }

    fn with<'a>(
        store: &'a MemFactor,
        vault: Option<&'a Vault>,
        throttle: &'a LoginThrottle<&'a MemoryKv>,
    ) -> TwoFactor<'a, MemFactor, &'a MemoryKv> {
        TwoFactor {
            store,
            vault,
            throttle,
        }
    }

    /// "ada" typing `code` at `NOW`.
    fn typed<'a>(code: &'a str, seen: &'a Seen) -> Attempt<'a> {
        Attempt {
            user_id: "ada",
            code,
            now: NOW,
            seen,
        }
    }

    /// Two factors on for "ada" under `vault`: the key and the recovery codes shown.
    fn enrolled(store: &MemFactor, vault: &Vault) -> (TotpKey, Vec<String>) {
        let key = TotpKey::generate().expect("random");
        let sealed = vault.seal(&key.to_base32(), "ada").expect("sealed");
        assert!(store.begin("ada", &sealed, vault.key_id()).expect("begin"));
        let (seen, code) = (Seen::default(), key.code_at(NOW));
        let mem = MemoryKv::default();
        let (codes, _) = with(store, Some(vault), &throttle(&mem, 5, 100))
            .confirm(typed(&code, &seen), None)
            .expect("confirmed");
        (key, codes)
    }

    fn field(err: Result<impl std::fmt::Debug, IdentityError>) -> String {
        match err {
            Err(IdentityError::Invalid(errors)) => errors[0].field.clone(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn without_a_vault_no_key_is_kept_but_recovery_codes_still_open() {
        let store = MemFactor::default();
        let vault = Vault::from_base64(KEY).expect("key");
        let (key, codes) = enrolled(&store, &vault);
        let seen = Seen::default();
        let next = key.code_at(NOW + 30);
        let mem = MemoryKv::default();
        let limits = throttle(&mem, 5, 100);
        assert_eq!(
            with(&store, None, &limits).prove(typed(&next, &seen)),
            Err(IdentityError::TwoFactorUnavailable)
        );
        assert_eq!(
            with(&store, None, &limits).prove(typed(&codes[0], &seen)),
            Ok(())
        );
        let other =
            Vault::from_base64("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=").expect("key");
        assert_eq!(
            with(&store, Some(&other), &limits).prove(typed(&next, &seen)),
            Err(IdentityError::TwoFactorUnavailable),
            "a key sealed under another server key says so"
        );
    }

    #[test]
    fn each_code_opens_once_and_codes_are_only_for_accounts_that_have_them() {
        let store = MemFactor::default();
        let vault = Vault::from_base64(KEY).expect("key");
        let seen = Seen::default();
        let mem = MemoryKv::default();
        let limits = throttle(&mem, 5, 100);
        let factor = with(&store, Some(&vault), &limits);
        assert_eq!(
            factor.prove(typed("123456", &seen)),
            Err(IdentityError::TwoFactorOff)
        );
        let (key, codes) = enrolled(&store, &vault);
        assert_eq!(codes.len(), 10);
        let enrolment_code = key.code_at(NOW);
        assert_eq!(
            field(factor.prove(typed(&enrolment_code, &seen))),
            "code",
            "the enrolment's code is spent"
        );
        let next = key.code_at(NOW + 30);
        assert_eq!(factor.prove(typed(&next, &seen)), Ok(()));
        assert_eq!(field(factor.prove(typed(&next, &seen))), "code");
        assert_eq!(factor.prove(typed(&codes[3], &seen)), Ok(()));
        assert_eq!(field(factor.prove(typed(&codes[3], &seen))), "code");
        assert_eq!(status(&store, "ada").map(|s| s.recovery_codes_left), Ok(9));
    }

    #[test]
    fn the_second_step_spends_its_ticket_and_counts_wrong_codes_per_account() {
        let store = MemFactor::default();
        let vault = Vault::from_base64(KEY).expect("key");
        let (key, _) = enrolled(&store, &vault);
        let mem = MemoryKv::default();
        let limits = throttle(&mem, 2, 100);
        let verified = Verified {
            user_id: "ada".into(),
            version: 1,
            two_factor: true,
        };
        let step = |ticket: &str, code: &str| {
            with(&store, Some(&vault), &limits).second_step(ticket, code, NOW, &Seen::default())
        };
        assert_eq!(step("junk", "123456"), Err(IdentityError::TicketInvalid));
        let first = ticket(&store, &verified).expect("ticket");
        assert_eq!(
            step(first.as_str(), &key.code_at(NOW + 30)),
            Ok(verified.clone())
        );
        assert_eq!(
            step(first.as_str(), &key.code_at(NOW - 30)),
            Err(IdentityError::TicketInvalid),
            "a ticket works once"
        );
        let second = ticket(&store, &verified).expect("ticket");
        for _ in 0..2 {
            assert_eq!(field(step(second.as_str(), "000000")), "code");
        }
        assert_eq!(*store.failures.borrow(), 2, "each wrong code is logged");
        assert!(matches!(
            step(second.as_str(), &key.code_at(NOW - 30)),
            Err(IdentityError::Throttled(RetryAfter(_)))
        ));
    }

    #[test]
    fn turning_on_needs_a_key_that_waits_and_turning_off_a_code_counted_like_logins() {
        let store = MemFactor::default();
        let vault = Vault::from_base64(KEY).expect("key");
        let seen = Seen::default();
        let mem = MemoryKv::default();
        let limits = throttle(&mem, 2, 100);
        let factor = with(&store, Some(&vault), &limits);
        assert_eq!(
            factor.confirm(typed("123456", &seen), None).err(),
            Some(IdentityError::TwoFactorNotStarted)
        );
        assert_eq!(
            with(&store, None, &limits)
                .confirm(typed("123456", &seen), None)
                .err(),
            Some(IdentityError::TwoFactorUnavailable)
        );
        let (key, _) = enrolled(&store, &vault);
        let next = key.code_at(NOW + 30);
        assert_eq!(field(factor.disable(typed("not a code", &seen))), "code");
        assert_eq!(field(factor.renew_codes(typed("000000", &seen))), "code");
        assert!(
            matches!(
                factor.disable(typed(&next, &seen)),
                Err(IdentityError::Throttled(_))
            ),
            "wrong codes count here as at the login"
        );
        assert_eq!(status(&store, "ada").map(|s| s.enabled), Ok(true));
        let later = MemoryKv::default();
        let window_over = throttle(&later, 2, 100);
        assert_eq!(
            with(&store, Some(&vault), &window_over).disable(typed(&next, &seen)),
            Ok(())
        );
        assert_eq!(
            status(&store, "ada"),
            Ok(Status {
                enabled: false,
                recovery_codes_left: 0
            })
        );
    }
}
