//! What a test binary's suites share, started once per binary on first use: a Redis of
//! their own (the events channel, or key-value stores an outage test can stop) and the
//! e-mail provider's stand-in the mailer sends to.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fin_mail_standin::{Received, Standin};

use crate::RedisServer;

pub fn redis() -> &'static RedisServer {
    static REDIS: OnceLock<RedisServer> = OnceLock::new();
    REDIS.get_or_init(RedisServer::start)
}

pub fn mail() -> &'static Standin {
    static MAIL: OnceLock<Standin> = OnceLock::new();
    MAIL.get_or_init(|| Standin::start(0, None).expect("the mail stand-in"))
}

/// The e-mails the stand-in got for `to` whose subject has `subject`, once `count` are
/// there (or after 30 s: the mailer sends within seconds).
pub fn emails(to: &str, subject: &str, count: usize) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found: Vec<Received> = mail()
            .messages()
            .into_iter()
            .filter(|m| m.email.to == [to] && m.email.subject.contains(subject))
            .collect();
        if found.len() >= count || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The token of the `count`th e-mailed link to `to` with `subject` (the newest, once
/// that many are there).
pub fn link_token(to: &str, subject: &str, count: usize) -> String {
    let got = emails(to, subject, count);
    assert_eq!(got.len(), count, "e-mails to {to} about {subject:?}");
    let text = got[count - 1].email.text.clone().unwrap_or_default();
    let at = text.find("#token=").expect("a link with a token") + "#token=".len();
    text[at..at + 43].to_owned()
}
