//! `cargo run -p fin-migrate -- [DATABASE_URL]`: applies pending migrations.
//! The URL defaults to `$DATABASE_URL`, then to the local development database.

use std::process::ExitCode;

const LOCAL: &str = "postgres://fin:fin@127.0.0.1:5432/fin";

fn main() -> ExitCode {
    let url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| LOCAL.to_owned());
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
