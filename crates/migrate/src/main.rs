//! `cargo run -p fin-migrate -- [DATABASE_URL]`: applies pending migrations.
//! The URL is the argument, else the contents of `$DATABASE_URL_FILE` (a mounted
//! Kubernetes Secret: deploy/spinkube/03-migrate-job.yaml keeps it out of the
//! environment), else `$DATABASE_URL`, else the local development database.

use std::process::ExitCode;

const LOCAL: &str = "postgres://fin:fin@127.0.0.1:5432/fin";

fn main() -> ExitCode {
    let url = match database_url(
        std::env::args().nth(1),
        std::env::var_os("DATABASE_URL_FILE"),
        std::env::var("DATABASE_URL").ok(),
    ) {
        Ok(url) => url,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    match fin_migrate::run(&url) {
        Ok(applied) if applied.is_empty() => {
            println!("migrate: database is up to date");
            ExitCode::SUCCESS
        }
        Ok(applied) => {
            for migration in applied {
                println!("migrate: applied {migration}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

/// A file that was named but cannot be read is an error, not a fall back to another
/// database: migrating the wrong one is worse than not migrating.
fn database_url(
    arg: Option<String>,
    file: Option<std::ffi::OsString>,
    env: Option<String>,
) -> Result<String, String> {
    if let Some(url) = arg {
        return Ok(url);
    }
    if let Some(path) = file {
        let shown = std::path::Path::new(&path).display();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("migrate: DATABASE_URL_FILE {shown}: {e}"))?;
        let url = text.trim();
        if url.is_empty() {
            return Err(format!("migrate: DATABASE_URL_FILE {shown} is empty"));
        }
        return Ok(url.to_owned());
    }
    Ok(env.unwrap_or_else(|| LOCAL.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_wins_then_the_file_then_the_environment() {
        let dir = std::env::temp_dir().join(format!("fin-migrate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("db_url");
        std::fs::write(&file, "postgres://from-file/fin\n").expect("write");
        let env = Some("postgres://from-env/fin".to_owned());
        assert_eq!(
            database_url(
                Some("postgres://arg/fin".into()),
                Some(file.clone().into()),
                env.clone()
            ),
            Ok("postgres://arg/fin".into())
        );
        assert_eq!(
            database_url(None, Some(file.clone().into()), env.clone()),
            Ok("postgres://from-file/fin".into())
        );
        assert_eq!(
            database_url(None, None, env),
            Ok("postgres://from-env/fin".into())
        );
        assert_eq!(database_url(None, None, None), Ok(LOCAL.into()));
        std::fs::write(&file, " \n").expect("write");
        assert!(
            database_url(None, Some(file.clone().into()), None).is_err_and(|e| e.contains("empty"))
        );
        let missing = dir.join("absent");
        assert!(
            database_url(None, Some(missing.into()), Some("postgres://x/fin".into()))
                .is_err_and(|e| e.contains("absent"))
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
