//! Carrying out the plan, each step saying what it does.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::plan::{Admin, Step, DEV_DATABASE, DEV_PASSWORD, DEV_ROLE};
use crate::probe;

pub fn run(step: &Step) -> Result<(), String> {
    match step {
        Step::Install(packages) => {
            say(&format!(
                "installing {} from the distribution",
                packages.join(", ")
            ));
            shell(Command::new("apt-get").args(["update", "-qq"]))?;
            shell(
                Command::new("apt-get")
                    .args(["install", "-y", "-qq", "--no-install-recommends"])
                    .args(packages)
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )
        }
        // Installing may have started it already (where the package's init scripts run).
        Step::StartPostgres if probe::listening("127.0.0.1:5432") => Ok(()),
        Step::StartRedis if probe::listening("127.0.0.1:6379") => Ok(()),
        Step::StartPostgres => {
            let version = std::fs::read_dir("/etc/postgresql")
                .map_err(|e| format!("no /etc/postgresql: {e}"))?
                .filter_map(|entry| entry.ok())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .max()
                .ok_or("no Postgres cluster under /etc/postgresql")?;
            say(&format!(
                "starting PostgreSQL {version} (listening on localhost only, Debian's default)"
            ));
            shell(Command::new("pg_ctlcluster").args([
                "--skip-systemctl-redirect",
                &version,
                "main",
                "start",
            ]))?;
            wait_for("127.0.0.1:5432", "PostgreSQL")
        }
        Step::StartRedis => {
            say("starting Redis on 127.0.0.1:6379");
            shell(Command::new("redis-server").args([
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
            ]))?;
            wait_for("127.0.0.1:6379", "Redis")
        }
        Step::CreateRole(admin) => {
            say(&format!("creating the development role `{DEV_ROLE}` (password `{DEV_PASSWORD}`, loopback only)"));
            as_superuser(
                *admin,
                &format!(
                    "DO $$ BEGIN \
                       IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{DEV_ROLE}') THEN \
                         ALTER ROLE {DEV_ROLE} WITH LOGIN SUPERUSER PASSWORD '{DEV_PASSWORD}'; \
                       ELSE CREATE ROLE {DEV_ROLE} LOGIN SUPERUSER PASSWORD '{DEV_PASSWORD}'; \
                       END IF; END $$"
                ),
            )
        }
        Step::CreateDatabase(admin) => {
            say(&format!(
                "creating the development database `{DEV_DATABASE}`"
            ));
            as_superuser(
                *admin,
                &format!("CREATE DATABASE {DEV_DATABASE} OWNER {DEV_ROLE}"),
            )
        }
    }
}

pub fn say(what: &str) {
    eprintln!("\x1b[1m[setup]\x1b[0m {what}");
}

fn shell(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

fn as_superuser(admin: Admin, sql: &str) -> Result<(), String> {
    match admin {
        Admin::TrustedTcp => probe::login("postgres", None, "postgres")
            .ok_or("the postgres role can no longer log in")?
            .batch_execute(sql)
            .map_err(|e| format!("{sql}: {e}")),
        Admin::LocalSocket => shell(Command::new("runuser").args([
            "-u",
            "postgres",
            "--",
            "psql",
            "-v",
            "ON_ERROR_STOP=1",
            "-qc",
            sql,
        ])),
    }
}

fn wait_for(address: &str, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if probe::listening(address) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("{what} did not come up on {address}"))
}
