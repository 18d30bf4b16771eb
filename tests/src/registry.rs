//! An OCI registry of the test's own: Debian's `docker-registry` (the reference
//! implementation of the distribution spec) on a free loopback port, storing under
//! target/e2e, dying with the test process.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::app::{free_port, repo_root, supervised};

pub struct Registry {
    pub address: String,
    _process: Child,
}

impl Registry {
    pub fn start() -> Registry {
        let port = free_port();
        let work = repo_root().join("target").join("e2e").join("registry");
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).expect("registry dir");
        let config = work.join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
                work.join("data").display()
            ),
        )
        .expect("registry config");
        let process = supervised("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("`docker-registry` must be on PATH (Debian's docker-registry package; make setup installs it)");
        let registry = Registry {
            address: format!("127.0.0.1:{port}"),
            _process: process,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        let probe = crate::Client::new(&format!("http://{}", registry.address));
        while probe.get("/v2/").send().status != 200 {
            assert!(Instant::now() < deadline, "the registry did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        registry
    }

    /// Pushes the built app with `scripts/publish.sh`, as `make publish` does: the
    /// reference it printed.
    pub fn push(&self, root: &Path) -> String {
        let out = Command::new("bash")
            .current_dir(root)
            .args(["scripts/publish.sh", &self.address])
            .output()
            .expect("scripts/publish.sh");
        assert!(
            out.status.success(),
            "publish failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}
