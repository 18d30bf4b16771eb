//! Moving the account to another e-mail address. The owner asks with the password; the
//! change happens only when a link sent to the new address is opened (so nobody moves an
//! account to a mailbox they cannot read), and then the old address is told, with a link
//! that puts it back for a week (so a thief who knew the password cannot keep the
//! account). Each step ends the sessions it must; while the way back is open, nobody can
//! take the old address (migration V30).

use fin_problem::{Fault, FieldError};

use crate::account::{Ended, HolderStore};
use crate::domain::Email;
use crate::error::IdentityError;
use crate::links::{self, Link, Purpose};
use crate::mail::{self, Mail};
use crate::password;
use crate::security::Seen;

/// A live change or undo link: the account must still be at `from`, and moves to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub from: String,
    pub to: String,
}

/// What asking for a change writes, in one statement.
#[derive(Debug)]
pub struct ChangeRequest<'a> {
    pub user_id: &'a str,
    /// The credentials version the password was checked against.
    pub version: i32,
    /// The asking session, the one the change leaves signed in.
    pub session: Option<&'a str>,
    pub new_email: &'a str,
    pub link: &'a Link,
    /// To the new address: the link.
    pub mail: &'a Mail,
    /// To the new address instead, when an account has it already.
    pub taken: &'a Mail,
    pub seen: &'a Seen,
}

/// How a confirmation or an undo went.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Moved; these access tokens are void now.
    Moved(Vec<Ended>),
    /// Another account has the address now.
    Taken,
    /// The link was spent meanwhile, or the account is no longer at `from`.
    Gone,
}

/// What the e-mail change needs from storage (Postgres in production).
pub trait EmailChangeStore: HolderStore {
    /// Supersedes earlier change links and queues the link to the new address — or,
    /// when the address is taken or reserved, the notice instead (the answer is the
    /// same: asking must not tell who has an account). `false` when the credentials
    /// are no longer at `version`.
    fn request_change(&self, request: &ChangeRequest<'_>) -> Result<bool, Fault>;
    /// The move a live link of this purpose stands for.
    fn pending(&self, purpose: Purpose, digest: &str) -> Result<Option<Move>, Fault>;
    /// Spends the change link and moves the account, ending every session but the one
    /// that asked, sending the old address `notice` with the `undo` link.
    fn confirm_change(
        &self,
        digest: &str,
        to: &Move,
        undo: &Link,
        notice: &Mail,
        seen: &Seen,
    ) -> Result<Outcome, Fault>;
    /// Spends the undo link and moves the account back, ending every session and any
    /// change still waiting, telling the restored address with `notice`.
    fn undo_change(
        &self,
        digest: &str,
        back: &Move,
        notice: &Mail,
        seen: &Seen,
    ) -> Result<Outcome, Fault>;
}

/// `POST /auth/email`: the password proves the owner is at the keyboard; the link goes
/// to the new address.
pub fn request(
    store: &impl EmailChangeStore,
    user_id: &str,
    session: Option<&str>,
    current_password: &str,
    new_email: &str,
    base_url: &str,
    seen: &Seen,
) -> Result<(), IdentityError> {
    let email = Email::parse(new_email).map_err(|e| invalid("new_email", e))?;
    let holder = store.holder(user_id)?.ok_or(IdentityError::UnknownUser)?;
    if !password::verify(current_password, Some(&holder.password_hash)) {
        return Err(invalid("password", "is not your current password".into()));
    }
    if email.as_str() == holder.email {
        return Err(invalid(
            "new_email",
            "is the address the account has already".into(),
        ));
    }
    let link = Link::new(Purpose::ChangeEmail, base_url)?;
    let request = ChangeRequest {
        user_id,
        version: holder.version,
        session,
        new_email: email.as_str(),
        link: &link,
        mail: &mail::confirm_new_email(&link.url, Purpose::ChangeEmail.lifetime_seconds()),
        taken: &mail::address_has_account(&mail::forgot_url(base_url)),
        seen,
    };
    if store.request_change(&request)? {
        Ok(())
    } else {
        Err(IdentityError::ChangedMeanwhile)
    }
}

/// `POST /auth/email/confirm`: opened from the new mailbox, signed in or not. The
/// address moved to, for the page to say, and the access tokens the move ended.
pub fn confirm(
    store: &impl EmailChangeStore,
    token: &str,
    base_url: &str,
    seen: &Seen,
) -> Result<(String, Vec<Ended>), IdentityError> {
    let digest = links::presented(token).ok_or(IdentityError::LinkInvalid)?;
    let to = store
        .pending(Purpose::ChangeEmail, &digest)?
        .ok_or(IdentityError::LinkInvalid)?;
    let undo = Link::new(Purpose::UndoEmailChange, base_url)?;
    let notice = mail::email_changed(
        &to.to,
        &undo.url,
        Purpose::UndoEmailChange.lifetime_seconds(),
    );
    let ended = settle(store.confirm_change(&digest, &to, &undo, &notice, seen)?)?;
    Ok((to.to, ended))
}

/// `POST /auth/email/undo`: opened from the old mailbox. Whoever made the change knew
/// the password, so every session ends and the e-mail says to choose a new one.
pub fn undo(
    store: &impl EmailChangeStore,
    token: &str,
    base_url: &str,
    seen: &Seen,
) -> Result<Vec<Ended>, IdentityError> {
    let digest = links::presented(token).ok_or(IdentityError::LinkInvalid)?;
    let back = store
        .pending(Purpose::UndoEmailChange, &digest)?
        .ok_or(IdentityError::LinkInvalid)?;
    let notice = mail::email_restored(&back.from, &mail::forgot_url(base_url));
    settle(store.undo_change(&digest, &back, &notice, seen)?)
}

fn settle(outcome: Outcome) -> Result<Vec<Ended>, IdentityError> {
    match outcome {
        Outcome::Moved(ended) => Ok(ended),
        Outcome::Taken => Err(IdentityError::EmailTaken),
        Outcome::Gone => Err(IdentityError::LinkInvalid),
    }
}

fn invalid(field: &str, message: String) -> IdentityError {
    IdentityError::Invalid(vec![FieldError::new(field, message)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Holder;
    use std::cell::RefCell;

    /// A store holding one account at `ada@example.com`, password `correct horse`,
    /// recording what reached it.
    struct Recorder {
        hash: String,
        calls: RefCell<Vec<String>>,
        outcome: fn() -> Outcome,
    }

    impl Recorder {
        fn new(outcome: fn() -> Outcome) -> Self {
            let password = crate::domain::Password::parse("correct horse").expect("password");
            Self {
                hash: password::hash(&password).expect("hash"),
                calls: RefCell::default(),
                outcome,
            }
        }
    }

    impl HolderStore for Recorder {
        fn holder(&self, user_id: &str) -> Result<Option<Holder>, Fault> {
            Ok((user_id == "u1").then(|| Holder {
                password_hash: self.hash.clone(),
                version: 3,
                email: "ada@example.com".into(),
                two_factor: false,
            }))
        }
    }

    impl EmailChangeStore for Recorder {
        fn request_change(&self, r: &ChangeRequest<'_>) -> Result<bool, Fault> {
            assert!(r.mail.body.contains(&r.link.url), "the link goes out");
            assert!(
                !r.taken.body.contains(&r.link.url),
                "never to a taken address"
            );
            self.calls
                .borrow_mut()
                .push(format!("request {} v{}", r.new_email, r.version));
            Ok(true)
        }

        fn pending(&self, purpose: Purpose, _: &str) -> Result<Option<Move>, Fault> {
            self.calls.borrow_mut().push(format!("pending {purpose:?}"));
            Ok(Some(Move {
                from: "ada@example.com".into(),
                to: "ada@new.example".into(),
            }))
        }

        fn confirm_change(
            &self,
            _: &str,
            to: &Move,
            undo: &Link,
            notice: &Mail,
            _: &Seen,
        ) -> Result<Outcome, Fault> {
            assert!(notice.body.contains(&undo.url), "the old address can undo");
            assert!(notice.body.contains(&to.to), "and hears where it went");
            self.calls.borrow_mut().push("confirm".into());
            Ok((self.outcome)())
        }

        fn undo_change(&self, _: &str, _: &Move, n: &Mail, _: &Seen) -> Result<Outcome, Fault> {
            assert!(n.body.contains("/app/forgot-password"), "{}", n.body);
            self.calls.borrow_mut().push("undo".into());
            Ok((self.outcome)())
        }
    }

    fn moved() -> Outcome {
        Outcome::Moved(Vec::new())
    }

    fn ask(store: &Recorder, password: &str, to: &str) -> Result<(), IdentityError> {
        request(
            store,
            "u1",
            None,
            password,
            to,
            "https://app.example",
            &Seen::default(),
        )
    }

    fn field(err: IdentityError) -> String {
        match err {
            IdentityError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn asking_checks_the_password_and_normalizes_the_address() {
        let store = Recorder::new(moved);
        ask(&store, "correct horse", " Ada@New.Example ").expect("asked");
        assert_eq!(*store.calls.borrow(), ["request ada@new.example v3"]);
    }

    #[test]
    fn a_wrong_password_a_bad_or_unchanged_address_write_nothing() {
        let store = Recorder::new(moved);
        let wrong = ask(&store, "wrong horse", "ada@new.example").expect_err("refused");
        assert_eq!(field(wrong), "password");
        for bad in ["not an address", "ADA@example.com"] {
            let err = ask(&store, "correct horse", bad).expect_err(bad);
            assert_eq!(field(err), "new_email", "{bad}");
        }
        assert!(store.calls.borrow().is_empty());
        let gone = request(&store, "u2", None, "x", "a@b.example", "", &Seen::default());
        assert_eq!(gone, Err(IdentityError::UnknownUser));
    }

    #[test]
    fn junk_tokens_reach_no_store() {
        let store = Recorder::new(moved);
        for junk in ["", "short", "../x"] {
            assert_eq!(
                confirm(&store, junk, "", &Seen::default()),
                Err(IdentityError::LinkInvalid)
            );
            assert_eq!(
                undo(&store, junk, "", &Seen::default()),
                Err(IdentityError::LinkInvalid)
            );
        }
        assert!(store.calls.borrow().is_empty());
    }

    #[test]
    fn outcomes_map_to_their_errors() {
        let token = "A".repeat(43);
        let taken = Recorder::new(|| Outcome::Taken);
        assert_eq!(
            confirm(&taken, &token, "", &Seen::default()),
            Err(IdentityError::EmailTaken)
        );
        let gone = Recorder::new(|| Outcome::Gone);
        assert_eq!(
            undo(&gone, &token, "", &Seen::default()),
            Err(IdentityError::LinkInvalid)
        );
        let ok = Recorder::new(moved);
        assert_eq!(
            confirm(&ok, &token, "", &Seen::default()),
            Ok(("ada@new.example".into(), vec![]))
        );
        assert_eq!(
            *ok.calls.borrow(),
            ["pending ChangeEmail", "confirm"],
            "the link's move is read before it is made"
        );
    }
}
