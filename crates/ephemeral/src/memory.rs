use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::Kv;

/// An in-memory [`Kv`] with Redis' semantics (integers stored as decimal text), for the
/// native tests of anything built on this crate.
#[derive(Default)]
pub struct MemoryKv(RefCell<BTreeMap<String, Vec<u8>>>);

impl MemoryKv {
    pub fn keys(&self) -> Vec<String> {
        self.0.borrow().keys().cloned().collect()
    }
}

impl Kv for &MemoryKv {
    type Error = std::convert::Infallible;

    fn exists(&self, key: &str) -> Result<bool, Self::Error> {
        Ok(self.0.borrow().contains_key(key))
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), Self::Error> {
        self.0.borrow_mut().insert(key.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), Self::Error> {
        self.0.borrow_mut().remove(key);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, Self::Error> {
        Ok(MemoryKv::keys(self))
    }

    fn increment(&self, key: &str, delta: i64) -> Result<i64, Self::Error> {
        let mut map = self.0.borrow_mut();
        let entry = map.entry(key.to_owned()).or_insert_with(|| b"0".to_vec());
        let value = String::from_utf8_lossy(entry).parse::<i64>().unwrap_or(0) + delta;
        *entry = value.to_string().into_bytes();
        Ok(value)
    }
}
