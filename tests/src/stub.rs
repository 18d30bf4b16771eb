//! A stand-in for the clients service that a test steers: it answers, fails, stalls or
//! refuses connections on demand, and counts the calls that reached it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the stub treats the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    /// 200 with an active EUR client, whatever the id.
    Healthy = 0,
    /// 404: the client does not exist (an answer, not a failure).
    NotFound = 1,
    /// 500.
    Failing = 2,
    /// Holds the request for `STALL` before answering 200.
    Slow = 3,
    /// Nothing listens on the port: connections are refused.
    Refusing = 4,
    /// 401: the caller's token is refused (say, logged out a moment ago).
    Unauthorized = 5,
}

/// Long enough to outlast any call timeout the tests configure.
pub const STALL: Duration = Duration::from_secs(3);

pub struct Stub {
    pub port: u16,
    mode: Arc<AtomicU8>,
    hits: Arc<AtomicUsize>,
    authorizations: Arc<Mutex<Vec<String>>>,
}

impl Stub {
    pub fn start() -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind stub");
        let port = listener.local_addr().expect("stub address").port();
        let stub = Stub {
            port,
            mode: Arc::new(AtomicU8::new(Mode::Healthy as u8)),
            hits: Arc::new(AtomicUsize::new(0)),
            authorizations: Arc::new(Mutex::new(Vec::new())),
        };
        let (mode, hits, auths) = (
            stub.mode.clone(),
            stub.hits.clone(),
            stub.authorizations.clone(),
        );
        std::thread::spawn(move || serve(listener, port, &mode, &hits, &auths));
        stub
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn set(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
        // Let the accept loop notice (it polls every few milliseconds).
        std::thread::sleep(Duration::from_millis(100));
    }

    /// Requests that reached the stub so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// The `Authorization` headers the stub has seen.
    pub fn authorizations(&self) -> Vec<String> {
        self.authorizations
            .lock()
            .map(|a| a.clone())
            .unwrap_or_default()
    }
}

fn serve(
    listener: TcpListener,
    port: u16,
    mode: &AtomicU8,
    hits: &Arc<AtomicUsize>,
    auths: &Arc<Mutex<Vec<String>>>,
) {
    let mut listener = Some(listener);
    loop {
        let current = mode.load(Ordering::SeqCst);
        if current == Mode::Refusing as u8 {
            listener = None; // closes the port
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let Some(open) = listener.as_ref() else {
            listener = TcpListener::bind(("127.0.0.1", port)).ok();
            if let Some(l) = &listener {
                let _ = l.set_nonblocking(true);
            }
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        let _ = open.set_nonblocking(true);
        match open.accept() {
            Ok((stream, _)) => {
                let (hits, auths) = (hits.clone(), auths.clone());
                std::thread::spawn(move || answer(stream, current, &hits, &auths));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

fn answer(stream: TcpStream, mode: u8, hits: &AtomicUsize, auths: &Mutex<Vec<String>>) {
    let _ = stream.set_nonblocking(false);
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line
            .split_once(':')
            .filter(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.trim().to_owned())
        {
            if let Ok(mut seen) = auths.lock() {
                seen.push(value);
            }
        }
        line.clear();
    }
    hits.fetch_add(1, Ordering::SeqCst);
    let healthy = r#"{"id":"x","name":"Stub","archived_at":null,"default_currency":"EUR"}"#;
    let (status, body) = match mode {
        m if m == Mode::NotFound as u8 => ("404 Not Found", r#"{"status":404}"#),
        m if m == Mode::Failing as u8 => ("500 Internal Server Error", r#"{"status":500}"#),
        m if m == Mode::Unauthorized as u8 => ("401 Unauthorized", r#"{"status":401}"#),
        m if m == Mode::Slow as u8 => {
            std::thread::sleep(STALL);
            ("200 OK", healthy)
        }
        _ => ("200 OK", healthy),
    };
    let mut stream = &stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}
