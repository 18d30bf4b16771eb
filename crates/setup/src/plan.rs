//! What `make setup` does about Postgres and Redis, decided from what it found — plain
//! data in, plain data out, so every branch is a unit test.

/// The development database and the role the app, the migrations and the tests use.
pub const DEV_ROLE: &str = "fin";
pub const DEV_PASSWORD: &str = "fin";
pub const DEV_DATABASE: &str = "fin";

/// What probing the machine found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// `ID` and `ID_LIKE` of /etc/os-release.
    pub os: Vec<String>,
    pub root: bool,
    pub apt: bool,
    pub postgres: Postgres,
    pub redis: Redis,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Postgres {
    /// The server's programs are on this machine (`pg_ctlcluster`).
    pub installed: bool,
    /// Something answers on 127.0.0.1:5432.
    pub listening: bool,
    /// The dev role can log in.
    pub role_ok: bool,
    /// The dev database exists.
    pub database_ok: bool,
    /// How a superuser statement can be run, if at all.
    pub admin: Option<Admin>,
}

/// A way to run statements as a Postgres superuser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admin {
    /// `postgres` over TCP without a password (trust auth: the team's machines).
    TrustedTcp,
    /// `runuser -u postgres -- psql` over the local socket (peer auth; needs root).
    LocalSocket,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Redis {
    pub installed: bool,
    pub listening: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `apt-get install` these Debian packages.
    Install(Vec<&'static str>),
    StartPostgres,
    StartRedis,
    /// Create (or give a password and login to) the dev role, as a superuser.
    CreateRole(Admin),
    CreateDatabase(Admin),
}

/// Why setup cannot go on here: the message names the ways forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop(pub String);

const ALTERNATIVES: &str = "Either start them with Docker or Podman (`docker compose up -d` \
    runs both from compose.yaml, on loopback, with the dev role), or run your own: \
    Postgres on 127.0.0.1:5432 with a superuser role `fin` (password `fin`) and Redis \
    on 127.0.0.1:6379. Then run `make setup` again.";

impl Facts {
    fn debian_like(&self) -> bool {
        self.os.iter().any(|id| id == "debian" || id == "ubuntu")
    }
}

/// The next steps towards usable Postgres and Redis — none for what already is. Servers
/// come first: only once both answer can the role and database be looked at, so a plan
/// that installs or starts something is followed by a new look at the machine and a
/// new plan (`main` does that).
pub fn plan(facts: &Facts) -> Result<Vec<Step>, Stop> {
    let pg = &facts.postgres;
    let mut missing = Vec::new();
    if !pg.listening && !pg.installed {
        missing.push("postgresql");
    }
    if !facts.redis.listening && !facts.redis.installed {
        missing.push("redis-server");
    }
    let mut steps = Vec::new();
    if !missing.is_empty() {
        let names = missing.join(" and ");
        if !facts.debian_like() || !facts.apt {
            return Err(Stop(format!(
                "{names} {} not installed, and this machine is not Debian or Ubuntu, where \
                 setup could install {}. {ALTERNATIVES}",
                if missing.len() > 1 { "are" } else { "is" },
                if missing.len() > 1 { "them" } else { "it" },
            )));
        }
        if !facts.root {
            return Err(Stop(format!(
                "{names} must be installed, which needs root (run `sudo make setup`, or as \
                 root). {ALTERNATIVES}"
            )));
        }
        steps.push(Step::Install(missing));
    }
    if !pg.listening {
        steps.push(Step::StartPostgres);
    }
    if !facts.redis.listening {
        steps.push(Step::StartRedis);
    }
    if !steps.is_empty() || (pg.role_ok && pg.database_ok) {
        return Ok(steps);
    }
    let Some(admin) = pg.admin else {
        return Err(Stop(format!(
            "Postgres answers on 127.0.0.1:5432, but the role `{DEV_ROLE}` cannot log in to \
             the database `{DEV_DATABASE}` and setup has no superuser access to create them. \
             {ALTERNATIVES}"
        )));
    };
    if !pg.role_ok {
        steps.push(Step::CreateRole(admin));
    }
    if !pg.database_ok {
        steps.push(Step::CreateDatabase(admin));
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debian(root: bool) -> Facts {
        Facts {
            os: vec!["debian".into()],
            root,
            apt: true,
            ..Facts::default()
        }
    }

    fn ready() -> Facts {
        let mut facts = debian(false);
        facts.postgres = Postgres {
            installed: true,
            listening: true,
            role_ok: true,
            database_ok: true,
            admin: None,
        };
        facts.redis = Redis {
            installed: true,
            listening: true,
        };
        facts
    }

    #[test]
    fn servers_that_run_and_are_set_up_are_left_alone() {
        assert_eq!(plan(&ready()), Ok(vec![]));
        // Even where setup could not install anything.
        let mut elsewhere = ready();
        elsewhere.os = vec!["fedora".into()];
        elsewhere.postgres.installed = false;
        elsewhere.redis.installed = false;
        assert_eq!(plan(&elsewhere), Ok(vec![]), "compose or your own servers");
    }

    #[test]
    fn installed_but_stopped_servers_are_started() {
        let mut facts = ready();
        facts.postgres.listening = false;
        facts.redis.listening = false;
        assert_eq!(
            plan(&facts),
            Ok(vec![Step::StartPostgres, Step::StartRedis])
        );
    }

    #[test]
    fn a_bare_debian_machine_as_root_gets_servers_then_its_role_and_database() {
        assert_eq!(
            plan(&debian(true)),
            Ok(vec![
                Step::Install(vec!["postgresql", "redis-server"]),
                Step::StartPostgres,
                Step::StartRedis,
            ])
        );
        // The next look: both answer, the postgres user can be reached on its socket.
        let mut installed = debian(true);
        installed.postgres = Postgres {
            installed: true,
            listening: true,
            admin: Some(Admin::LocalSocket),
            ..Postgres::default()
        };
        installed.redis = Redis {
            installed: true,
            listening: true,
        };
        assert_eq!(
            plan(&installed),
            Ok(vec![
                Step::CreateRole(Admin::LocalSocket),
                Step::CreateDatabase(Admin::LocalSocket),
            ])
        );
        let mut ubuntu = debian(true);
        ubuntu.os = vec!["ubuntu".into(), "debian".into()];
        ubuntu.redis = Redis {
            installed: true,
            listening: true,
        };
        assert_eq!(
            plan(&ubuntu).map(|steps| steps[0].clone()),
            Ok(Step::Install(vec!["postgresql"])),
            "only what is missing"
        );
    }

    #[test]
    fn where_nothing_can_be_installed_it_stops_at_once_naming_the_alternatives() {
        let mut fedora = debian(true);
        fedora.os = vec!["fedora".into()];
        let Err(Stop(message)) = plan(&fedora) else {
            panic!("must stop")
        };
        assert!(message.contains("not Debian or Ubuntu"), "{message}");
        assert!(message.contains("compose.yaml") && message.contains("127.0.0.1:5432"));
        let Err(Stop(message)) = plan(&debian(false)) else {
            panic!("must stop")
        };
        assert!(
            message.contains("root") && message.contains("compose.yaml"),
            "{message}"
        );
        let mut no_apt = debian(true);
        no_apt.apt = false;
        assert!(plan(&no_apt).is_err());
    }

    #[test]
    fn a_missing_role_or_database_is_created_the_way_the_machine_allows() {
        let mut team = ready();
        team.postgres.role_ok = false;
        team.postgres.database_ok = false;
        team.postgres.admin = Some(Admin::TrustedTcp);
        assert_eq!(
            plan(&team),
            Ok(vec![
                Step::CreateRole(Admin::TrustedTcp),
                Step::CreateDatabase(Admin::TrustedTcp)
            ])
        );
        let mut no_db = ready();
        no_db.postgres.database_ok = false;
        no_db.postgres.admin = Some(Admin::TrustedTcp);
        assert_eq!(
            plan(&no_db),
            Ok(vec![Step::CreateDatabase(Admin::TrustedTcp)])
        );
        let mut locked = ready();
        locked.postgres.role_ok = false;
        let Err(Stop(message)) = plan(&locked) else {
            panic!("no way to create the role")
        };
        assert!(message.contains("superuser"), "{message}");
    }
}
