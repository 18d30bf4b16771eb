use std::fmt;

/// A key that carries its own expiry: `namespace|expires_at|id`.
///
/// The id goes last so it may itself contain `|`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryKey {
    pub namespace: String,
    pub expires_at: i64,
    pub id: String,
}

impl EntryKey {
    pub fn new(namespace: &str, expires_at: i64, id: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
            expires_at,
            id: id.to_owned(),
        }
    }

    /// Reads a key written by [`EntryKey`]'s `Display`; `None` for anyone else's key.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.splitn(3, '|');
        let namespace = parts.next()?;
        let expires_at = parts.next()?.parse().ok()?;
        let id = parts.next()?;
        (!namespace.is_empty()).then(|| Self::new(namespace, expires_at, id))
    }
}

impl fmt::Display for EntryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}|{}|{}", self.namespace, self.expires_at, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_ids_containing_the_separator() {
        let key = EntryKey::new("fail-addr", 1_700_000_000, "::1|x");
        assert_eq!(EntryKey::parse(&key.to_string()), Some(key));
    }

    #[test]
    fn foreign_keys_do_not_parse() {
        assert_eq!(EntryKey::parse("plain"), None);
        assert_eq!(EntryKey::parse("a|notanumber|b"), None);
        assert_eq!(EntryKey::parse("|1|b"), None);
    }
}
