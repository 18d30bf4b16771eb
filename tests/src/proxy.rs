//! A TCP proxy in front of Postgres that a test turns into an outage: passing traffic,
//! refusing connections, resetting them, or stalling them (accepting and holding every
//! byte, as a frozen server would) — and that can show a test what the server answers
//! (`plans` reads the query plans out of it).

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Fault {
    /// Bytes flow both ways.
    Pass = 0,
    /// Nothing listens on the port; open connections are closed.
    Refuse = 1,
    /// Connections are accepted and reset at once; open ones are reset too.
    Reset = 2,
    /// Connections are accepted and every byte is held, both ways.
    Stall = 3,
}

/// What reads the bytes the upstream sends back on one connection.
pub type Reader = Box<dyn FnMut(&[u8]) + Send>;

/// Makes a [`Reader`] for each connection.
pub type Tap = Arc<dyn Fn() -> Reader + Send + Sync>;

pub struct Proxy {
    pub port: u16,
    upstream: SocketAddr,
    mode: Arc<AtomicU8>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    /// A proxy to `upstream` (e.g. `127.0.0.1:5432`) on a free port, passing traffic.
    pub fn start(upstream: &str) -> Proxy {
        Self::tapped(upstream, None)
    }

    /// A proxy that also shows `tap` every byte the upstream answers (per connection).
    pub fn tapped(upstream: &str, tap: Option<Tap>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let proxy = Proxy {
            port: listener.local_addr().expect("proxy address").port(),
            upstream: upstream.parse().expect("upstream address"),
            mode: Arc::new(AtomicU8::new(Fault::Pass as u8)),
            open: Arc::new(Mutex::new(Vec::new())),
        };
        let (port, upstream, mode, open) = (
            proxy.port,
            proxy.upstream,
            proxy.mode.clone(),
            proxy.open.clone(),
        );
        std::thread::spawn(move || accept_loop(Some(listener), port, upstream, &mode, &open, tap));
        proxy
    }

    /// `host:port` for a database URL and Spin's allow-list.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn set(&self, fault: Fault) {
        self.mode.store(fault as u8, Ordering::SeqCst);
        if matches!(fault, Fault::Refuse | Fault::Reset) {
            let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
            for stream in open.drain(..) {
                if fault == Fault::Reset {
                    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                }
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        // Let the accept loop see the new mode.
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn current(mode: &AtomicU8) -> u8 {
    mode.load(Ordering::SeqCst)
}

fn accept_loop(
    mut listener: Option<TcpListener>,
    port: u16,
    upstream: SocketAddr,
    mode: &Arc<AtomicU8>,
    open: &Arc<Mutex<Vec<TcpStream>>>,
    tap: Option<Tap>,
) {
    loop {
        if current(mode) == Fault::Refuse as u8 {
            listener = None; // the port closes: connections are refused
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let Some(active) = listener.as_ref() else {
            listener = TcpListener::bind(("127.0.0.1", port)).ok();
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        let _ = active.set_nonblocking(true);
        let client = match active.accept() {
            Ok((client, _)) => client,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
        };
        let _ = client.set_nonblocking(false);
        if current(mode) == Fault::Reset as u8 {
            let _ = socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO));
            drop(client);
            continue;
        }
        let Ok(server) = TcpStream::connect(upstream) else {
            continue;
        };
        if let (Ok(c), Ok(s)) = (client.try_clone(), server.try_clone()) {
            let mut open = open.lock().unwrap_or_else(|p| p.into_inner());
            open.push(c);
            open.push(s);
        }
        let taps = [None, tap.as_ref().map(|make| make())];
        for ((from, to), tap) in [
            (client.try_clone(), server.try_clone()),
            (server.try_clone(), client.try_clone()),
        ]
        .into_iter()
        .zip(taps)
        {
            if let (Ok(from), Ok(to)) = (from, to) {
                let mode = mode.clone();
                std::thread::spawn(move || pump(from, to, &mode, tap));
            }
        }
    }
}

/// Copies `from` to `to`, holding every chunk while the proxy stalls, and showing each
/// to `tap`.
fn pump(mut from: TcpStream, mut to: TcpStream, mode: &AtomicU8, mut tap: Option<Reader>) {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        while current(mode) == Fault::Stall as u8 {
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(tap) = tap.as_mut() {
            tap(&buffer[..n]);
        }
        if to.write_all(&buffer[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
