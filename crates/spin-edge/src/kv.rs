//! `wasi:keyvalue` (which Spin backs with Redis per `runtime-config.toml`) as a
//! [`fin_ephemeral::Kv`].

use spin_sdk::wit::wasi::keyvalue::{atomics, store};

use fin_ephemeral::{Ephemeral, Kv};
use fin_problem::{Fault, Problem};

pub struct SpinKv {
    bucket: store::Bucket,
}

impl SpinKv {
    pub fn open(name: &str) -> Result<Self, Fault> {
        store::open(name)
            .map(|bucket| Self { bucket })
            .map_err(|err| fault(&format!("open `{name}`"), err))
    }
}

/// Opens the named store for expiring entries, sweeping it every `sweep_interval` seconds.
pub fn ephemeral(name: &str, sweep_interval: i64) -> Result<Ephemeral<SpinKv>, Problem> {
    let kv = SpinKv::open(name).map_err(|fault| fault.into_problem("key-value"))?;
    Ok(Ephemeral::new(kv, sweep_interval))
}

/// A store the host could not reach (Redis down, refused, timed out: `other`) is an
/// outage — 503, retry; a store that is not configured or not allowed is our mistake.
fn fault(action: &str, err: store::Error) -> Fault {
    let reason = format!("key-value: {action}: {err:?}");
    match err {
        store::Error::Other(_) => Fault::Unavailable(reason),
        store::Error::NoSuchStore | store::Error::AccessDenied => Fault::Internal(reason),
    }
}

impl Kv for SpinKv {
    type Error = Fault;

    fn exists(&self, key: &str) -> Result<bool, Fault> {
        self.bucket.exists(key).map_err(|e| fault("exists", e))
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), Fault> {
        self.bucket.set(key, value).map_err(|e| fault("set", e))
    }

    fn delete(&self, key: &str) -> Result<(), Fault> {
        self.bucket.delete(key).map_err(|e| fault("delete", e))
    }

    fn keys(&self) -> Result<Vec<String>, Fault> {
        self.bucket
            .list_keys(None)
            .map(|page| page.keys)
            .map_err(|e| fault("list keys", e))
    }

    fn increment(&self, key: &str, delta: i64) -> Result<i64, Fault> {
        atomics::increment(&self.bucket, key, delta).map_err(|e| fault("increment", e))
    }
}
