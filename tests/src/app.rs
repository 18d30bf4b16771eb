use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::client::Client;
use crate::proxy::Proxy;
use crate::redis_server::RedisServer;

pub const JWT_SECRET: &str = "e2e-secret-e2e-secret-e2e-secret-0123";
/// The app's `identity_encryption_key` in the suites (32 bytes, base64).
pub const IDENTITY_KEY: &str = "aWRlbnRpdHktdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE=";
/// The app's `payments_encryption_key` in the suites (32 bytes, base64).
pub const ENCRYPTION_KEY: &str = "ZTJlLWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLWxvbmc=";
pub const JWT_ISSUER: &str = "fin-freelancer";
pub const JWT_AUDIENCE: &str = "fin-freelancer-api";
/// The Stripe webhook signing secret every e2e app is started with.
pub const WEBHOOK_SECRET: &str = "whsec_e2e_0123456789abcdef";

const PG_ADMIN: &str = "postgres://fin:fin@127.0.0.1:5432/postgres";
const READY_TIMEOUT: Duration = Duration::from_secs(90);

/// What a test binary wants from its app instance.
#[derive(Default)]
pub struct AppOptions {
    /// Names the Postgres database (`fin_e2e_<name>`), recreated on start.
    pub name: &'static str,
    /// Redis database numbers for the blocklist, throttle and breaker stores, flushed on
    /// start; each test binary uses its own (1–3 are the dev app's) so binaries cannot
    /// disturb each other's counters. Suites that never call billing may give the breaker
    /// the throttle's database: both stores only ever delete their own expired entries.
    pub redis_dbs: [u8; 3],
    /// Spin variables, on top of the secrets set here.
    pub variables: Vec<(&'static str, String)>,
    /// The events Redis the suite runs itself (see [`RedisServer`]): billing publishes
    /// there and the projector runs, supervised by `scripts/projector.sh`, as in
    /// `make up`. Without it events go to the machine's Redis on a channel nobody hears
    /// and no projector runs.
    pub events_redis: Option<&'static RedisServer>,
    /// A Redis of the suite's own for the key-value stores (instead of the machine's, on
    /// `redis_dbs`), so an outage test can stop it.
    pub kv_redis: Option<&'static RedisServer>,
    /// A proxy the app reaches Postgres through, so an outage test can break it; the
    /// test's own checks (`App::db`) still go straight to Postgres.
    pub db_proxy: Option<&'static Proxy>,
    /// Run the app pushed to a registry (`spin up --from <reference>`) instead of
    /// spin.toml.
    pub from_reference: Option<String>,
    /// More `spin up` processes of the HTTP components over the same Postgres, Redis
    /// and configuration, each on its own port (as replicas in a cluster); 0 or 1 is one.
    pub instances: usize,
    /// The e-mail provider's stand-in the mailer sends through; with it (and
    /// `events_redis`) the mailer runs, supervised like the projector.
    pub mail: Option<&'static fin_mail_standin::Standin>,
    /// Stripe's stand-in: Checkout Sessions are created there, and its pay button sends
    /// the signed webhook to this app.
    pub stripe: Option<&'static fin_stripe_standin::Standin>,
    /// How many mailer processes run (with `mail`); 0 or 1 is one.
    pub mailers: usize,
    /// How many recurring sweepers run (with `events_redis`), each supervised like the
    /// projector; 0 is none.
    pub sweepers: usize,
    /// A proxy the mailer reaches the e-mail stand-in through, so a test can take the
    /// provider away (its `upstream` is the stand-in's address).
    pub mail_proxy: Option<&'static Proxy>,
    /// Runs the app from this manifest instead of spin.toml (the composed profile,
    /// [`crate::composed::manifest`]), built with `spin build` after spin.toml's build.
    pub manifest: Option<PathBuf>,
    /// Environment variables of every Spin process (`OTEL_EXPORTER_OTLP_ENDPOINT`, …).
    pub env: Vec<(&'static str, String)>,
    /// Runs on the migrated database before anything of the app starts (data to load,
    /// settings every session of it gets).
    pub database_setup: Option<fn(&mut postgres::Client, &str)>,
}

impl AppOptions {
    /// An app of its own database and Redis databases, and nothing more.
    pub fn new(name: &'static str, redis_dbs: [u8; 3]) -> Self {
        Self {
            name,
            redis_dbs,
            ..Self::default()
        }
    }
}

/// A running app: its base URL and its backing stores.
pub struct App {
    pub base_url: String,
    /// Every instance's base URL; the first is `base_url`.
    pub base_urls: Vec<String>,
    pub database_url: String,
    pub redis_dbs: [u8; 3],
    /// The app's runtime configuration: its path names this app's Spin processes.
    runtime_config: PathBuf,
    /// Held, never waited on: the supervisors end Spin when this process ends.
    _supervisors: Vec<Child>,
}

impl App {
    /// Starts the app once per test binary and hands the same instance to every test.
    pub fn shared(
        slot: &'static OnceLock<App>,
        options: impl FnOnce() -> AppOptions,
    ) -> &'static App {
        slot.get_or_init(|| App::start(options()))
    }

    fn start(options: AppOptions) -> App {
        let root = repo_root();
        build_components(&root);
        if let Some(manifest) = &options.manifest {
            let status = Command::new("spin")
                .current_dir(&root)
                .arg("build")
                .arg("--from")
                .arg(manifest)
                .status()
                .expect("`spin` must be on PATH (run `make setup`)");
            assert!(
                status.success(),
                "spin build of {} failed",
                manifest.display()
            );
        }
        let database_url = fresh_database(options.name);
        let applied = fin_migrate::run(&database_url).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !applied.is_empty(),
            "a fresh database must receive migrations"
        );
        if let Some(setup) = options.database_setup {
            let mut db = postgres::Client::connect(&database_url, postgres::NoTls)
                .expect("the suite's database");
            setup(&mut db, &format!("fin_e2e_{}", options.name));
        }
        for db in options.redis_dbs {
            flush_redis(db);
        }

        let work = root.join("target").join("e2e").join(options.name);
        std::fs::create_dir_all(&work).expect("e2e work dir");
        let runtime_config = work.join("runtime-config.toml");
        let kv = options
            .kv_redis
            .map_or_else(|| "redis://127.0.0.1:6379".to_owned(), |r| r.url());
        let stores = ["blocklist", "throttle", "breaker"]
            .iter()
            .zip(options.redis_dbs)
            .map(|(store, db)| {
                format!("[key_value_store.{store}]\ntype = \"redis\"\nurl = \"{kv}/{db}\"\n")
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&runtime_config, stores).expect("runtime config");

        let app_database_url = match options.db_proxy {
            Some(proxy) => database_url.replace("127.0.0.1:5432", &proxy.address()),
            None => database_url.clone(),
        };
        let mut variables = vec![
            (
                "db_url".to_owned(),
                format!("{app_database_url}?sslmode=disable"),
            ),
            ("jwt_secret".to_owned(), JWT_SECRET.to_owned()),
            (
                "payments_webhook_secret".to_owned(),
                WEBHOOK_SECRET.to_owned(),
            ),
            (
                "events_channel".to_owned(),
                format!("fin-events-e2e-{}", options.name),
            ),
            (
                "payments_encryption_key".to_owned(),
                ENCRYPTION_KEY.to_owned(),
            ),
            (
                "identity_encryption_key".to_owned(),
                IDENTITY_KEY.to_owned(),
            ),
            (
                "metrics_token".to_owned(),
                crate::metrics::METRICS_TOKEN.to_owned(),
            ),
        ];
        if let Some(proxy) = options.db_proxy {
            variables.push(("db_host".into(), proxy.address()));
        }
        if let Some(redis) = options.events_redis {
            variables.push(("events_redis_url".into(), redis.url()));
            variables.push(("events_redis_origin".into(), redis.origin()));
        }
        // The ports are chosen first: the mailer reaches the first instance.
        let ports: Vec<u16> = (0..options.instances.max(1)).map(|_| free_port()).collect();
        if let Some(stripe) = options.stripe {
            variables.push(("stripe_api_base_url".into(), stripe.url()));
            stripe.set_webhook(fin_stripe_standin::webhook::Endpoint {
                url: format!("http://127.0.0.1:{}/payments/webhook", ports[0]),
                secret: WEBHOOK_SECRET.to_owned(),
            });
        }
        if let Some(mail) = options.mail {
            let provider = match options.mail_proxy {
                Some(proxy) => format!("http://{}", proxy.address()),
                None => mail.url(),
            };
            variables.push(("mail_api_base_url".into(), provider));
            variables.push(("mail_api_key".into(), "re_e2e_standin".into()));
        }
        // The mailer and the recurring sweeper reach the first instance as the owner.
        if options.mail.is_some() || options.sweepers > 0 {
            variables.push((
                "api_base_url".into(),
                format!("http://127.0.0.1:{}", ports[0]),
            ));
        }
        variables.extend(
            options
                .variables
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone())),
        );
        let environment = |command: &mut Command| {
            for (name, value) in &options.env {
                command.env(name, value);
            }
            for (name, value) in &variables {
                command.env(
                    format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()),
                    value,
                );
            }
        };

        // The HTTP components in one process (per instance), as `make up` runs them.
        let variables_args = variable_args(&root, &variables);
        let otel_args = script_lines(&root, &["scripts/otel.sh"]);
        let mut supervisors = Vec::new();
        let mut base_urls = Vec::new();
        for (instance, &port) in ports.iter().enumerate() {
            let log = |stream: &str| match instance {
                0 => format!("spin.{stream}"),
                n => format!("spin-{n}.{stream}"),
            };
            let mut http = supervised("spin");
            http.current_dir(&root).arg("up");
            match (&options.from_reference, &options.manifest) {
                (Some(reference), _) => http.args(["--from", reference, "--insecure"]),
                (None, Some(manifest)) => http.arg("--from").arg(manifest),
                (None, None) => http.args(["--from", "spin.toml"]),
            };
            http.arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .arg("--runtime-config-file")
                .arg(&runtime_config)
                .args(
                    components(&root, "http")
                        .iter()
                        .flat_map(|id| ["--component-id", id.as_str()]),
                )
                .args(&otel_args)
                .args(&variables_args)
                .stdin(Stdio::null())
                .stdout(log_file(&work, &log("stdout")))
                .stderr(log_file(&work, &log("stderr")));
            environment(&mut http);
            supervisors.push(
                http.spawn()
                    .unwrap_or_else(|e| panic!("cannot start `spin up`: {e}")),
            );
            base_urls.push(format!("http://127.0.0.1:{port}"));
        }

        // The projector (and the mailer) in its own supervised process, as `make up`
        // runs it.
        let mut followers: Vec<(&str, String)> = Vec::new();
        if options.events_redis.is_some() {
            followers.push(("projector", "projector".into()));
            if options.mail.is_some() {
                for n in 1..=options.mailers.max(1) {
                    let log = match n {
                        1 => "mailer".to_owned(),
                        n => format!("mailer-{n}"),
                    };
                    followers.push(("mailer", log));
                }
            }
            for n in 1..=options.sweepers {
                followers.push(("recurring-sweeper", format!("recurring-{n}")));
            }
        }
        for (trigger, log) in &followers {
            let trigger = *trigger;
            let mut projector = supervised("bash");
            projector
                .current_dir(&root)
                .env("FIN_TRIGGER", trigger)
                .arg("scripts/projector.sh")
                .arg("--runtime-config-file")
                .arg(&runtime_config)
                .env("PROJECTOR_NUDGE_SECONDS", "2")
                .env(
                    "FIN_APP_REF",
                    options.from_reference.clone().unwrap_or_default(),
                )
                .env(
                    "FIN_MANIFEST",
                    options
                        .manifest
                        .as_ref()
                        .map(|m| m.display().to_string())
                        .unwrap_or_default(),
                )
                .stdin(Stdio::null())
                .stdout(log_file(&work, &format!("{log}.stdout")))
                .stderr(log_file(&work, &format!("{log}.stderr")));
            environment(&mut projector);
            projector.args(&variables_args);
            supervisors.push(
                projector
                    .spawn()
                    .unwrap_or_else(|e| panic!("cannot start the {trigger}: {e}")),
            );
        }

        let app = App {
            base_url: base_urls[0].clone(),
            base_urls,
            database_url,
            redis_dbs: options.redis_dbs,
            runtime_config: runtime_config.clone(),
            _supervisors: supervisors,
        };
        app.wait_until_ready(&work);
        app
    }

    pub fn client(&self) -> Client {
        Client::checked(&self.base_url)
    }

    /// `spin build` (once per test binary): for a suite that pushes the app before it
    /// starts it.
    pub fn build() {
        build_components(&repo_root());
    }

    pub fn repo_root() -> PathBuf {
        repo_root()
    }

    /// A client of the `n`-th instance (see [`AppOptions::instances`]).
    pub fn client_at(&self, n: usize) -> Client {
        Client::checked(&self.base_urls[n % self.base_urls.len()])
    }

    /// The state `/readyz` reports for the breaker `name` (`closed`, `open`,
    /// `half_open`), as every instance sees it.
    pub fn breaker_state(&self, name: &str) -> Option<String> {
        let ready = self.client().get("/readyz").send().json();
        ready["breakers"]
            .as_array()?
            .iter()
            .find(|b| b["name"] == name)
            .and_then(|b| b["state"].as_str().map(str::to_owned))
    }

    /// A direct connection to the app's database, for checking what was (not) stored.
    pub fn db(&self) -> postgres::Client {
        postgres::Client::connect(&self.database_url, postgres::NoTls)
            .expect("connect to e2e database")
    }

    /// The running mailers' process ids (each is a `spin up` its supervisor restarts).
    pub fn mailers(&self) -> Vec<u32> {
        let pattern = format!(
            "--component-id mailer --runtime-config-file {}",
            self.runtime_config.display()
        );
        let out = Command::new("pgrep")
            .args(["-f", "--", &pattern])
            .output()
            .expect("pgrep");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    /// Kills mailer `pid` outright (SIGKILL: no clean-up), as a crash or an OOM kill would.
    pub fn kill(&self, pid: u32) {
        let status = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {pid}");
    }

    pub fn users_with_email(&self, email: &str) -> i64 {
        self.db()
            .query_one("SELECT count(*) FROM users WHERE email = $1", &[&email])
            .expect("count users")
            .get(0)
    }

    /// The keys currently in one of the app's Redis databases.
    pub fn redis_keys(&self, db: u8) -> Vec<String> {
        let mut conn = redis_connection(db);
        redis::cmd("KEYS").arg("*").query(&mut conn).expect("KEYS")
    }

    /// Until every instance answers (`/healthz` needs nothing but the process).
    fn wait_until_ready(&self, work: &Path) {
        let deadline = Instant::now() + READY_TIMEOUT;
        for n in 0..self.base_urls.len() {
            while self.client_at(n).get("/healthz").send().status != 200 {
                if Instant::now() > deadline {
                    let log = std::fs::read_to_string(work.join("spin.stderr")).unwrap_or_default();
                    panic!("spin up did not answer within {READY_TIMEOUT:?}; its stderr:\n{log}");
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
}

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the repository")
        .to_path_buf()
}

/// `spin build`, once per test binary (cargo runs the binaries one after another).
pub(crate) fn build_components(root: &Path) {
    static BUILT: Mutex<bool> = Mutex::new(false);
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    if *built {
        return;
    }
    let status = Command::new("spin")
        .current_dir(root)
        .args(["build", "--from", "spin.toml"])
        .status()
        .expect("`spin` must be on PATH (run `make setup`)");
    assert!(status.success(), "spin build failed");
    assert_handlers(root);
    *built = true;
}

/// The suite runs on the build `FIN_WASI` and `FIN_OTEL` ask for
/// (scripts/build-component.sh), not on whatever an earlier build left: every component
/// that is not `--chained` exports the WASI 0.3 handler with `FIN_WASI=0.3` and the 0.2
/// one otherwise; the event's writer and its readers import WASI OTel with `FIN_OTEL=1`
/// only.
fn assert_handlers(root: &Path) {
    let otel = std::env::var("FIN_OTEL").is_ok_and(|v| v == "1");
    for component in ["billing", "delivery_mailer"] {
        assert_eq!(
            wasm_mentions(root, component, "wasi:otel/tracing"),
            otel,
            "{component}.wasm: FIN_OTEL={} but the build says otherwise",
            u8::from(otel)
        );
    }
    let wasi_0_3 = std::env::var("FIN_WASI").is_ok_and(|v| v == "0.3");
    for component in [
        "identity",
        "clients",
        "catalogue",
        "profile",
        "analytics",
        "recurring",
    ] {
        assert_eq!(
            wasm_mentions(root, component, "wasi:http/handler@0.3"),
            wasi_0_3,
            "{component}.wasm: FIN_WASI={} but the build exports the other handler",
            if wasi_0_3 { "0.3" } else { "0.2" }
        );
    }
}

/// Whether the built `component` names `interface` (an import or an export).
fn wasm_mentions(root: &Path, component: &str, interface: &str) -> bool {
    let path = root.join(format!("target/wasm32-wasip1/release/{component}.wasm"));
    let module = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    module
        .windows(interface.len())
        .any(|w| w == interface.as_bytes())
}

fn fresh_database(name: &str) -> String {
    let db = format!("fin_e2e_{name}");
    let mut admin = postgres::Client::connect(PG_ADMIN, postgres::NoTls)
        .expect("Postgres must run on 127.0.0.1:5432 (make setup starts it)");
    for statement in [
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        format!("CREATE DATABASE {db}"),
    ] {
        admin
            .batch_execute(&statement)
            .expect("recreate e2e database");
    }
    format!("postgres://fin:fin@127.0.0.1:5432/{db}")
}

fn redis_connection(db: u8) -> redis::Connection {
    redis::Client::open(format!("redis://127.0.0.1:6379/{db}"))
        .and_then(|c| c.get_connection())
        .expect("Redis must run on 127.0.0.1:6379 (make setup starts it)")
}

fn flush_redis(db: u8) {
    let mut conn = redis_connection(db);
    let _: () = redis::cmd("FLUSHDB").query(&mut conn).expect("FLUSHDB");
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub(crate) fn log_file(dir: &Path, name: &str) -> std::fs::File {
    let mut file = std::fs::File::create(dir.join(name)).expect("log file");
    let _ = writeln!(file);
    file
}

/// Every variable as `--variable` arguments, as `make up` passes them
/// (`scripts/variables.sh`): the suite's values over the manifest's defaults.
fn variable_args(root: &Path, variables: &[(String, String)]) -> Vec<String> {
    let mut command = Command::new("bash");
    command.current_dir(root).arg("scripts/variables.sh");
    for (name, value) in variables {
        command.env(
            format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()),
            value,
        );
    }
    let out = command.output().expect("scripts/variables.sh");
    assert!(
        out.status.success(),
        "scripts/variables.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The component ids `spin.toml` serves on one trigger type (`scripts/components.sh`).
fn components(root: &Path, trigger: &str) -> Vec<String> {
    script_lines(root, &["scripts/components.sh", trigger])
}

/// What a script prints, one item a line.
fn script_lines(root: &Path, script: &[&str]) -> Vec<String> {
    let out = Command::new("bash")
        .current_dir(root)
        .args(script)
        .output()
        .unwrap_or_else(|e| panic!("{script:?}: {e}"));
    assert!(out.status.success(), "{script:?} failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `program …` (arguments added by the caller) in a process group that dies with this
/// test process, however that ends.
///
/// `spin up` runs the app in a child process (`spin trigger http`), so killing `spin up`
/// alone would orphan the server. Instead a small shell supervisor leads a process group
/// of its own, starts the program inside it, and when this process (or the program) is
/// gone, signals the whole group.
pub(crate) fn supervised(program: &str) -> Command {
    use std::os::unix::process::CommandExt;
    const SUPERVISOR: &str = r#"
        test_pid=$1; shift
        "$@" &
        child=$!
        while kill -0 "$test_pid" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done
        kill -TERM 0
    "#;
    let mut command = Command::new("sh");
    command
        .args(["-c", SUPERVISOR, "supervisor"])
        .arg(std::process::id().to_string())
        .arg(program)
        .process_group(0);
    command
}
