//! Finding out what this machine has: files, ports and logins, never changes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::plan::{Admin, Facts, Postgres, Redis, DEV_DATABASE, DEV_PASSWORD, DEV_ROLE};

const POSTGRES: &str = "127.0.0.1:5432";
const REDIS: &str = "127.0.0.1:6379";

pub fn facts() -> Facts {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    Facts {
        os: os_ids(&std::fs::read_to_string("/etc/os-release").unwrap_or_default()),
        root,
        apt: on_path("apt-get"),
        postgres: postgres(root),
        redis: Redis {
            installed: on_path("redis-server"),
            listening: redis_answers(),
        },
    }
}

/// `ID` and the words of `ID_LIKE` from an os-release file.
pub fn os_ids(os_release: &str) -> Vec<String> {
    os_release
        .lines()
        .filter_map(|line| line.split_once('='))
        .filter(|(key, _)| *key == "ID" || *key == "ID_LIKE")
        .flat_map(|(_, value)| {
            value
                .trim_matches('"')
                .split_whitespace()
                .map(str::to_owned)
        })
        .collect()
}

pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
        || Path::new("/usr/sbin").join(program).is_file()
}

pub fn listening(address: &str) -> bool {
    address
        .parse::<SocketAddr>()
        .ok()
        .and_then(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(1)).ok())
        .is_some()
}

fn redis_answers() -> bool {
    let Some(addr) = REDIS.parse::<SocketAddr>().ok() else {
        return false;
    };
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read(&mut reply).is_ok()
        && reply.starts_with(b"+PONG")
}

/// Logs in over TCP as `user` (with `password`, when given) to `database`.
pub fn login(user: &str, password: Option<&str>, database: &str) -> Option<postgres::Client> {
    let mut config = postgres::Config::new();
    config
        .host("127.0.0.1")
        .port(5432)
        .user(user)
        .dbname(database)
        .connect_timeout(Duration::from_secs(2));
    if let Some(password) = password {
        config.password(password);
    }
    config.connect(postgres::NoTls).ok()
}

fn postgres(root: bool) -> Postgres {
    let listening = listening(POSTGRES);
    let installed = on_path("pg_ctlcluster");
    if !listening {
        return Postgres {
            installed,
            ..Postgres::default()
        };
    }
    let admin = if login("postgres", None, "postgres").is_some() {
        Some(Admin::TrustedTcp)
    } else if root && socket_psql(&["SELECT 1"]).is_some() {
        Some(Admin::LocalSocket)
    } else {
        None
    };
    let as_dev = |database: &str| login(DEV_ROLE, Some(DEV_PASSWORD), database).is_some();
    let (role_ok, database_ok) = if as_dev(DEV_DATABASE) {
        (true, true)
    } else {
        // The role may be missing while the database exists (or the other way round):
        // ask whoever may.
        let exists = format!("SELECT 1 FROM pg_database WHERE datname = '{DEV_DATABASE}'");
        let database_ok = match admin {
            Some(Admin::TrustedTcp) => login("postgres", None, "postgres")
                .and_then(|mut c| c.query(exists.as_str(), &[]).ok())
                .is_some_and(|rows| !rows.is_empty()),
            Some(Admin::LocalSocket) => socket_psql(&[&exists]).is_some_and(|out| out == "1"),
            None => false,
        };
        (as_dev("postgres"), database_ok)
    };
    Postgres {
        installed,
        listening,
        role_ok,
        database_ok,
        admin,
    }
}

/// What `psql` run as the postgres user on the local socket prints for `sql`.
fn socket_psql(sql: &[&str]) -> Option<String> {
    let out = Command::new("runuser")
        .args(["-u", "postgres", "--", "psql", "-tAc"])
        .args(sql)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_ids_include_what_the_system_is_like() {
        let ubuntu = "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n";
        assert_eq!(os_ids(ubuntu), ["ubuntu", "debian"]);
        let mint = "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n";
        assert_eq!(os_ids(mint), ["linuxmint", "ubuntu", "debian"]);
        assert!(os_ids("").is_empty());
    }
}
