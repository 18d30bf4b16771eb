//! Database migrations: the versioned SQL files in `migrations/`, embedded at build time
//! and applied in order by refinery, which records each in `refinery_schema_history`
//! so a re-run applies only what is new.

use postgres::{Client, NoTls};

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// Applies pending migrations to the database at `url` and returns the versions applied.
pub fn run(url: &str) -> Result<Vec<String>, String> {
    let mut client =
        Client::connect(url, NoTls).map_err(|e| format!("connect to {}: {e}", redact(url)))?;
    let report = embedded::migrations::runner()
        .set_grouped(false)
        .run(&mut client)
        .map_err(|e| format!("migrate: {e}"))?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| m.to_string())
        .collect())
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(super::redact("postgres://u:p@h/db"), "postgres://***@h/db");
        assert_eq!(super::redact("postgres://h/db"), "postgres://h/db");
    }
}
