//! Erasing the account: the password again, and a code when two factors are on, because
//! nothing undoes it. Every context's rows of the account and the account itself go in
//! one statement (migration V31: each context publishes its `*_erase_owner` function),
//! and the access tokens still unexpired come back for the edge to blocklist, so they
//! are refused at once.

use fin_problem::{Fault, FieldError};

use crate::account::{Ended, HolderStore};
use crate::error::IdentityError;
use crate::password;

/// What erasing needs from storage (Postgres in production).
pub trait ErasureStore: HolderStore {
    /// Erases the account if its credentials are still at `version`: the access tokens
    /// that were live, or `None` when nothing was erased.
    fn erase(&self, user_id: &str, version: i32) -> Result<Option<Vec<Ended>>, Fault>;
}

/// `POST /auth/account/erase`. `prove` checks and spends the second-factor code (counted
/// like a login's); it is asked only of an account that has two factors on.
pub fn erase(
    store: &impl ErasureStore,
    user_id: &str,
    current_password: &str,
    code: Option<&str>,
    prove: impl FnOnce(&str) -> Result<(), IdentityError>,
) -> Result<Vec<Ended>, IdentityError> {
    let holder = store.holder(user_id)?.ok_or(IdentityError::UnknownUser)?;
    if !password::verify(current_password, Some(&holder.password_hash)) {
        return Err(invalid("password", "is not your current password"));
    }
    if holder.two_factor {
        let code = code.ok_or_else(|| {
            invalid(
                "code",
                "is required: two-factor sign-in is on for this account",
            )
        })?;
        prove(code)?;
    }
    store
        .erase(user_id, holder.version)?
        .ok_or(IdentityError::ChangedMeanwhile)
}

fn invalid(field: &str, message: &str) -> IdentityError {
    IdentityError::Invalid(vec![FieldError::new(field, message)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Holder;
    use std::cell::Cell;

    struct Account {
        hash: String,
        two_factor: bool,
        erased: Cell<bool>,
    }

    impl Account {
        fn new(two_factor: bool) -> Self {
            let password = crate::domain::Password::parse("correct horse").expect("password");
            Self {
                hash: password::hash(&password).expect("hash"),
                two_factor,
                erased: Cell::new(false),
            }
        }
    }

    impl HolderStore for Account {
        fn holder(&self, user_id: &str) -> Result<Option<Holder>, Fault> {
            Ok((user_id == "u1" && !self.erased.get()).then(|| Holder {
                password_hash: self.hash.clone(),
                version: 2,
                email: "ada@example.com".into(),
                two_factor: self.two_factor,
            }))
        }
    }

    impl ErasureStore for Account {
        fn erase(&self, _: &str, version: i32) -> Result<Option<Vec<Ended>>, Fault> {
            assert_eq!(version, 2, "at the version the password was checked at");
            self.erased.set(true);
            Ok(Some(vec![]))
        }
    }

    fn field(err: IdentityError) -> String {
        match err {
            IdentityError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn the_password_alone_erases_an_account_without_two_factors() {
        let account = Account::new(false);
        let wrong = erase(&account, "u1", "wrong horse", None, |_| Ok(()));
        assert_eq!(field(wrong.expect_err("refused")), "password");
        assert!(!account.erased.get());
        let never_asked = |_: &str| -> Result<(), IdentityError> { panic!("no code asked") };
        erase(&account, "u1", "correct horse", None, never_asked).expect("erased");
        assert!(account.erased.get());
        assert_eq!(
            erase(&account, "u1", "correct horse", None, |_| Ok(())),
            Err(IdentityError::UnknownUser),
            "once"
        );
    }

    #[test]
    fn with_two_factors_on_a_code_is_required_and_proved() {
        let account = Account::new(true);
        let missing = erase(&account, "u1", "correct horse", None, |_| Ok(()));
        assert_eq!(field(missing.expect_err("refused")), "code");
        let wrong = erase(&account, "u1", "correct horse", Some("000000"), |_| {
            Err(invalid("code", "is not a current code"))
        });
        assert_eq!(field(wrong.expect_err("refused")), "code");
        assert!(!account.erased.get(), "nothing erased without the code");
        let proved = Cell::new(false);
        erase(&account, "u1", "correct horse", Some("123456"), |code| {
            proved.set(code == "123456");
            Ok(())
        })
        .expect("erased");
        assert!(proved.get() && account.erased.get());
    }
}
