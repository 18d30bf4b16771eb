//! What a test binary's suites share, started once per binary on first use: a Redis of
//! their own (the events channel, or key-value stores an outage test can stop) and the
//! e-mail provider's stand-in the mailer sends to.

use std::sync::OnceLock;

use fin_mail_standin::Standin;

use crate::RedisServer;

pub fn redis() -> &'static RedisServer {
    static REDIS: OnceLock<RedisServer> = OnceLock::new();
    REDIS.get_or_init(RedisServer::start)
}

pub fn mail() -> &'static Standin {
    static MAIL: OnceLock<Standin> = OnceLock::new();
    MAIL.get_or_init(|| Standin::start(0, None).expect("the mail stand-in"))
}
