//! `wasi:keyvalue` (which Spin backs with Redis per `runtime-config.toml`) as a
//! [`fin_ephemeral::Kv`].

use spin_sdk::wit::wasi::keyvalue::{atomics, store};

use fin_ephemeral::{Ephemeral, Kv};
use fin_problem::Problem;

pub struct SpinKv {
    bucket: store::Bucket,
}

impl SpinKv {
    pub fn open(name: &str) -> Result<Self, Problem> {
        store::open(name)
            .map(|bucket| Self { bucket })
            .map_err(|err| log_kv_error(&format!("open `{name}`"), err))
    }
}

/// Opens the named store for expiring entries, sweeping it every `sweep_interval` seconds.
pub fn ephemeral(name: &str, sweep_interval: i64) -> Result<Ephemeral<SpinKv>, Problem> {
    Ok(Ephemeral::new(SpinKv::open(name)?, sweep_interval))
}

/// A key-value failure is ours, never the client's: log it, answer 500.
pub fn log_kv_error(action: &str, err: store::Error) -> Problem {
    eprintln!("key-value: {action} failed: {err:?}");
    Problem::internal()
}

impl Kv for SpinKv {
    type Error = store::Error;

    fn exists(&self, key: &str) -> Result<bool, Self::Error> {
        self.bucket.exists(key)
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), Self::Error> {
        self.bucket.set(key, value)
    }

    fn delete(&self, key: &str) -> Result<(), Self::Error> {
        self.bucket.delete(key)
    }

    fn keys(&self) -> Result<Vec<String>, Self::Error> {
        self.bucket.list_keys(None).map(|page| page.keys)
    }

    fn increment(&self, key: &str, delta: i64) -> Result<i64, Self::Error> {
        atomics::increment(&self.bucket, key, delta)
    }
}
