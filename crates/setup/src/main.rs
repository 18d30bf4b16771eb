//! `cargo run -p fin-setup`: makes Postgres and Redis ready for development, or stops
//! with one message that says what to do instead.

use std::process::ExitCode;

use fin_setup::plan::{plan, Stop};
use fin_setup::{probe, steps};

/// Looks, plans and acts until nothing is left to do: starting a server can only be
/// followed by looking at its roles, so a few rounds at most.
const ROUNDS: usize = 3;

fn main() -> ExitCode {
    for round in 0..ROUNDS {
        let facts = probe::facts();
        if round == 0 {
            steps::say(&format!(
                "found: PostgreSQL {}, Redis {}",
                state(facts.postgres.listening, facts.postgres.installed),
                state(facts.redis.listening, facts.redis.installed),
            ));
        }
        let plan = match plan(&facts) {
            Ok(plan) => plan,
            Err(Stop(message)) => {
                steps::say(&message);
                return ExitCode::from(2);
            }
        };
        if plan.is_empty() {
            if round == 0 {
                steps::say("PostgreSQL and Redis are ready; nothing to change");
            }
            steps::say(&format!(
                "ready: {} and redis://127.0.0.1:6379",
                fin_setup::DEV_URL
            ));
            return ExitCode::SUCCESS;
        }
        for step in &plan {
            if let Err(reason) = steps::run(step) {
                steps::say(&format!("failed: {reason}"));
                return ExitCode::FAILURE;
            }
        }
    }
    steps::say("still not ready after setting up; see the messages above");
    ExitCode::FAILURE
}

fn state(listening: bool, installed: bool) -> &'static str {
    if listening {
        "running"
    } else if installed {
        "installed, stopped"
    } else {
        "not installed"
    }
}
