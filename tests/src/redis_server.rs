//! A Redis server of the test's own, on a free port, that the test can stop and start:
//! the events Redis in the outage tests. It keeps nothing on disk and dies with the
//! test process.

use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::app::{free_port, supervised};

pub struct RedisServer {
    pub port: u16,
    process: Mutex<Option<Child>>,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        let server = RedisServer {
            port: free_port(),
            process: Mutex::new(None),
        };
        server.resume();
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Its scheme, host and port: what the app's outbound allow-list names.
    pub fn origin(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again, on the same port) and waits until it answers.
    pub fn resume(&self) {
        let mut process = self.process.lock().unwrap_or_else(|p| p.into_inner());
        if process.is_some() {
            return;
        }
        let child = supervised("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("`redis-server` must be on PATH");
        *process = Some(child);
        self.wait(true);
    }

    /// Stops the server (its clients see their connections drop) and waits until the
    /// port refuses connections.
    pub fn stop(&self) {
        let mut process = self.process.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(mut child) = process.take() {
            // The supervisor leads a process group of its own: end all of it.
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
        }
        self.wait(false);
    }

    fn wait(&self, up: bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let answers = redis::Client::open(self.url())
                .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(200)))
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
                .is_ok();
            if answers == up {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the test's Redis on port {} did not {} within 10 s",
            self.port,
            if up { "start" } else { "stop" }
        );
    }

    /// How many clients listen on `channel` (the projector, once it has subscribed).
    pub fn subscribers(&self, channel: &str) -> i64 {
        redis::Client::open(self.url())
            .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(500)))
            .and_then(|mut c| {
                redis::cmd("PUBSUB")
                    .arg("NUMSUB")
                    .arg(channel)
                    .query::<(String, i64)>(&mut c)
            })
            .map(|(_, n)| n)
            .unwrap_or(0)
    }

    /// Publishes `message` on `channel`, as billing or a supervisor's nudge does.
    pub fn publish(&self, channel: &str, message: &str) {
        let mut conn = redis::Client::open(self.url())
            .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(500)))
            .expect("the test's Redis");
        let _: i64 = redis::cmd("PUBLISH")
            .arg(channel)
            .arg(message)
            .query(&mut conn)
            .expect("PUBLISH");
    }

    /// Everything published on `channel` from now on, as it comes: a subscriber of the
    /// test's own, listening on a thread that lives as long as the test process.
    pub fn listen(&self, channel: &str) -> Heard {
        let heard = Heard::default();
        let (ready, subscribed) = std::sync::mpsc::channel();
        let (url, channel, messages) = (self.url(), channel.to_owned(), heard.0.clone());
        std::thread::spawn(move || {
            let mut conn = redis::Client::open(url)
                .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(500)))
                .expect("the test's Redis");
            let mut pubsub = conn.as_pubsub();
            pubsub.subscribe(&channel).expect("SUBSCRIBE");
            let _ = ready.send(());
            while let Ok(message) = pubsub.get_message() {
                if let Ok(text) = message.get_payload::<String>() {
                    messages
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(text);
                }
            }
        });
        subscribed
            .recv_timeout(Duration::from_secs(10))
            .expect("subscribed within 10 s");
        heard
    }
}

/// The messages a [`RedisServer::listen`] heard.
#[derive(Default, Clone)]
pub struct Heard(std::sync::Arc<Mutex<Vec<String>>>);

impl Heard {
    /// The messages heard so far that `keep` keeps, once there are `count` of them or
    /// 30 s have passed.
    pub fn wait(&self, count: usize, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let found: Vec<String> = self
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .filter(|m| keep(m))
                .cloned()
                .collect();
            if found.len() >= count || Instant::now() > deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
