//! A request that traps, on the build `FIN_WASI` asks for. On the WASI 0.3 build Spin 4
//! reuses an instance request after request; a trap (a panic, memory exhausted) ends that
//! instance, and the next request must be answered correctly by a fresh one — never by
//! the trapped instance, never with its state. The component is `tests/trap` (the app's
//! edge, built as the app's components are); on the 0.2 build every request has an
//! instance of its own, and the same answers are expected but the reuse.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fin_e2e::{concurrently, Client};

struct Served {
    child: Child,
    client: Client,
}

impl Drop for Served {
    /// `spin up` serves from a child process (`spin trigger http`): that one first.
    fn drop(&mut self) {
        let _ = Command::new("pkill")
            .args(["-KILL", "-P", &self.child.id().to_string()])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn reused() -> bool {
    std::env::var("FIN_WASI").is_ok_and(|v| v == "0.3")
}

/// `tests/trap` built and served alone by `spin up` on a free port.
fn serve() -> Served {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository")
        .to_path_buf();
    let built = Command::new("spin")
        .current_dir(&root)
        .args(["build", "--from", "tests/trap/spin.toml"])
        .status()
        .expect("`spin` on PATH (make setup)");
    assert!(built.success(), "spin build of tests/trap failed");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = Command::new("spin")
        .current_dir(&root)
        .args(["up", "--from", "tests/trap/spin.toml", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spin up");
    let served = Served {
        child,
        client: Client::new(&format!("http://127.0.0.1:{port}")),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tests/trap did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    served
}

/// `GET /who?{query}`: the query it was asked with, and how many requests its instance
/// has served.
fn who(client: &Client, query: &str) -> u64 {
    let reply = client.get(&format!("/who?{query}")).send();
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    let body = reply.json();
    assert_eq!(body["query"], query, "another request's answer: {body}");
    body["served"].as_u64().expect("served")
}

#[test]
fn a_request_that_traps_is_followed_by_correct_answers_from_a_fresh_instance() {
    let served = serve();
    let client = &served.client;
    for trap in ["/panic", "/exhaust"] {
        // Spin drops an instance idle for 1 s: the burst of the round before leaves none.
        std::thread::sleep(Duration::from_millis(1_500));
        // One after another: one instance while Spin reuses it.
        let counts: Vec<u64> = (0..5)
            .map(|i| who(client, &format!("before-{i}")))
            .collect();
        if reused() {
            assert!(
                counts.windows(2).all(|w| w[1] == w[0] + 1),
                "one instance served these in turn: {counts:?}"
            );
        } else {
            assert_eq!(counts, [1; 5], "an instance per request");
        }

        let trapped = client.get(trap).send();
        assert_eq!(trapped.status, 500, "{trap}: {}", trapped.body);
        assert!(
            !trapped.body.contains("asked to trap") && !trapped.body.contains("panicked"),
            "{trap}: the guest's message is not shown: {}",
            trapped.body
        );

        assert_eq!(
            who(client, "after"),
            1,
            "after {trap} a fresh instance answers, not the trapped one"
        );
        let replies = concurrently(16, |i| client.get(&format!("/who?next-{i}")).send());
        for (i, reply) in replies.iter().enumerate() {
            assert_eq!(reply.status, 200, "request {i}: {}", reply.body);
            assert_eq!(reply.json()["query"], format!("next-{i}"), "request {i}");
        }
    }
}
