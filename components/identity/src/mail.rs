//! The e-mails identity owes its users, as plain text. They are written here, queued in
//! `account_mail` in the same statement as the change that owes them, and sent exactly
//! once by the delivery context's mailer (docs/accounts.md).

/// One e-mail to queue.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    /// `account_mail.kind`: what the e-mail is about.
    pub kind: &'static str,
    pub subject: String,
    pub body: String,
}

impl std::fmt::Debug for Mail {
    /// The body may hold a link that opens the account: never in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mail({}, {:?})", self.kind, self.subject)
    }
}

const SIGNATURE: &str = "— Fin-Freelancer";

fn hours(seconds: i64) -> String {
    match seconds {
        s if s >= 2 * 86_400 => format!("{} days", s / 86_400),
        s if s >= 3_600 => format!("{} hours", s / 3_600),
        s => format!("{} minutes", s / 60),
    }
}

/// After registering, or when the owner asks again.
pub fn verify_email(url: &str, valid_for: i64) -> Mail {
    Mail {
        kind: "verify_email",
        subject: "Confirm your e-mail address".into(),
        body: format!(
            "Hello,\n\nplease confirm that this is your address by opening this link:\n\n{url}\n\n\
             The link works once, for {}. Until the address is confirmed, your account cannot \
             e-mail invoices to clients or take card payments.\n\n\
             If you did not create a Fin-Freelancer account, ignore this e-mail.\n\n{SIGNATURE}\n",
            hours(valid_for)
        ),
    }
}

/// Someone asked to reset the password of this account.
pub fn reset_password(url: &str, valid_for: i64) -> Mail {
    Mail {
        kind: "reset_password",
        subject: "Reset your password".into(),
        body: format!(
            "Hello,\n\nsomeone (we hope you) asked to reset the password of your \
             Fin-Freelancer account. To choose a new one, open this link:\n\n{url}\n\n\
             The link works once, for {}. Setting a new password signs every device out.\n\n\
             If you did not ask for this, ignore this e-mail: your password stays as it is.\n\n{SIGNATURE}\n",
            hours(valid_for)
        ),
    }
}

/// The password was changed or reset: the owner hears of it, in case it was not them.
pub fn password_changed(how: &str, forgot_url: &str) -> Mail {
    Mail {
        kind: "password_changed",
        subject: "Your password was changed".into(),
        body: format!(
            "Hello,\n\nthe password of your Fin-Freelancer account was {how}, and every \
             other session was signed out.\n\n\
             If this was not you, reset your password now at {forgot_url} and look at the \
             security log in your settings.\n\n{SIGNATURE}\n"
        ),
    }
}

/// Somebody tried to register with an address that has an account: the registration
/// answer is the same either way (it must not tell who has an account), so the owner
/// is told here instead.
pub fn already_registered(forgot_url: &str) -> Mail {
    Mail {
        kind: "already_registered",
        subject: "Someone tried to sign up with your address".into(),
        body: format!(
            "Hello,\n\nsomeone tried to create a Fin-Freelancer account with this address, \
             which already has one. Nothing was changed.\n\n\
             If it was you and you have forgotten your password, reset it at {forgot_url}.\n\n{SIGNATURE}\n"
        ),
    }
}

/// Two factors were turned on: from now on a code is asked for after the password.
pub fn two_factor_on() -> Mail {
    Mail {
        kind: "two_factor_enabled",
        subject: "Two-factor sign-in is on".into(),
        body: format!(
            "Hello,\n\ntwo-factor sign-in was turned on for your Fin-Freelancer account: from \
             now on, signing in asks for a code from your authenticator app after the \
             password. Every other session was signed out. Keep your recovery codes somewhere \
             safe: each lets you in once if the phone is lost.\n\n\
             If this was not you, reset your password and look at the security log in your \
             settings.\n\n{SIGNATURE}\n"
        ),
    }
}

/// Two factors were turned off: the password alone opens the account again.
pub fn two_factor_off() -> Mail {
    Mail {
        kind: "two_factor_disabled",
        subject: "Two-factor sign-in is off".into(),
        body: format!(
            "Hello,\n\ntwo-factor sign-in was turned off for your Fin-Freelancer account: \
             the password alone signs in again.\n\n\
             If this was not you, reset your password now, turn two-factor sign-in back on \
             and look at the security log in your settings.\n\n{SIGNATURE}\n"
        ),
    }
}

/// Sent to the address the account is to move to: nothing moves until it is opened.
pub fn confirm_new_email(url: &str, valid_for: i64) -> Mail {
    Mail {
        kind: "confirm_new_email",
        subject: "Confirm your new e-mail address".into(),
        body: format!(
            "Hello,\n\nsomeone (we hope you) asked to move a Fin-Freelancer account to this \
             address. To confirm it, open this link:\n\n{url}\n\n\
             The link works once, for {}. Until it is opened, the account keeps its old \
             address.\n\nIf you did not ask for this, ignore this e-mail.\n\n{SIGNATURE}\n",
            hours(valid_for)
        ),
    }
}

/// Somebody asked to move their account to an address that has one: the asker hears
/// the same as for a free address, so the owner is told here instead.
pub fn address_has_account(forgot_url: &str) -> Mail {
    Mail {
        kind: "address_has_account",
        subject: "Someone tried to use your address".into(),
        body: format!(
            "Hello,\n\nsomeone tried to move another Fin-Freelancer account to this address, \
             which already has one. Nothing was changed.\n\n\
             If you have forgotten your password, reset it at {forgot_url}.\n\n{SIGNATURE}\n"
        ),
    }
}

/// To the old address once the account moved: where it went, and the way back.
pub fn email_changed(new_address: &str, undo_url: &str, valid_for: i64) -> Mail {
    Mail {
        kind: "email_changed",
        subject: "Your e-mail address was changed".into(),
        body: format!(
            "Hello,\n\nyour Fin-Freelancer account now signs in and gets its e-mail at \
             {new_address}, and every other session was signed out.\n\n\
             If this was not you, put this address back by opening this link:\n\n{undo_url}\n\n\
             It works once, for {}. It also signs every device out.\n\n{SIGNATURE}\n",
            hours(valid_for)
        ),
    }
}

/// To the address put back: whoever moved the account knew the password.
pub fn email_restored(address: &str, forgot_url: &str) -> Mail {
    Mail {
        kind: "email_restored",
        subject: "Your e-mail address was put back".into(),
        body: format!(
            "Hello,\n\nyour Fin-Freelancer account has its address {address} again, and \
             every device was signed out. Whoever changed it knew your password: choose a \
             new one now at {forgot_url}, then look at the security log in your settings.\n\n{SIGNATURE}\n"
        ),
    }
}

/// The web app's page for a forgotten password, under the app's public address.
pub fn forgot_url(base_url: &str) -> String {
    format!("{}/app/forgot-password", base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_mail_carries_its_link_and_says_how_long_it_works() {
        let mail = reset_password("https://app.example/app/reset-password#token=t", 1800);
        assert_eq!(mail.kind, "reset_password");
        assert!(mail
            .body
            .contains("https://app.example/app/reset-password#token=t"));
        assert!(mail.body.contains("30 minutes"), "{}", mail.body);
        assert!(!format!("{mail:?}").contains("token=t"), "never logged");
    }

    #[test]
    fn the_verification_mail_says_what_waits_for_it() {
        let mail = verify_email("u", 7 * 86_400);
        assert!(mail.body.contains("7 days"));
        assert!(mail.body.contains("cannot e-mail invoices"));
    }

    #[test]
    fn notices_point_at_the_way_back_in() {
        let forgot = forgot_url("https://app.example/");
        assert_eq!(forgot, "https://app.example/app/forgot-password");
        assert!(password_changed("reset", &forgot).body.contains(&forgot));
        assert!(already_registered(&forgot).body.contains(&forgot));
        assert!(address_has_account(&forgot).body.contains(&forgot));
        assert!(email_restored("a@b.example", &forgot)
            .body
            .contains(&forgot));
    }

    #[test]
    fn the_old_address_hears_where_the_account_went_and_how_to_undo_it() {
        let mail = email_changed(
            "new@example.com",
            "https://app.example/app/undo#token=u",
            7 * 86_400,
        );
        assert!(mail.body.contains("new@example.com"));
        assert!(mail.body.contains("#token=u"));
        assert!(mail.body.contains("7 days"));
        assert!(confirm_new_email("u", 86_400).body.contains("24 hours"));
    }
}
