//! `Idempotency-Key` as every context that creates something takes it (an invoice, a
//! payment, a quote, a recurring template): a client that lost an answer sends the same
//! request with the same key and is answered what the first one made, never a second.
//! The key is kept per owner beside what it made, with a digest of the request it came
//! with, so the same key sent with another request is refused rather than answered
//! with something the client did not ask for.

use fin_problem::FieldError;
use sha2::{Digest, Sha256};

/// The header, as problems name it.
pub const HEADER: &str = "Idempotency-Key";

/// The longest key taken.
pub const MAX_KEY_CHARS: usize = 255;

/// A request's key, with a digest of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: String,
}

impl IdempotencyKey {
    /// The key `header` gives (`None` when there is none) for the request whose method
    /// and path are `request_line` and whose body is `body`; a key that is not 1 to
    /// [`MAX_KEY_CHARS`] visible ASCII characters is refused by name.
    pub fn parse(
        header: Option<&str>,
        request_line: &str,
        body: &[u8],
    ) -> Result<Option<Self>, FieldError> {
        let Some(key) = header.map(str::trim) else {
            return Ok(None);
        };
        if !(1..=MAX_KEY_CHARS).contains(&key.len()) || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(FieldError::new(
                HEADER,
                format!("must be 1 to {MAX_KEY_CHARS} visible ASCII characters"),
            ));
        }
        let mut digest = Sha256::new();
        digest.update(format!("{request_line}\n"));
        digest.update(body);
        Ok(Some(Self {
            key: key.to_owned(),
            request_hash: format!("{:x}", digest.finalize()),
        }))
    }

    /// Whether `stored`, the digest kept with the key, is this request's.
    pub fn same_request(&self, stored: &str) -> Result<(), FieldError> {
        match stored == self.request_hash {
            true => Ok(()),
            false => Err(reused()),
        }
    }
}

/// Keys as a store in memory keeps them (the use cases' native tests): what each owner's
/// key made, and the digest of its request — with the unique constraint Postgres has.
#[derive(Debug, Default)]
pub struct MemoryKeys(
    std::cell::RefCell<std::collections::BTreeMap<(String, String), (String, String)>>,
);

impl MemoryKeys {
    /// Whether `owner` used `key` before: an insert under it fails, as a unique violation.
    pub fn taken(&self, owner: &str, key: Option<&IdempotencyKey>) -> bool {
        key.is_some_and(|k| {
            self.0
                .borrow()
                .contains_key(&(owner.to_owned(), k.key.clone()))
        })
    }

    /// Keeps `key` (if any) as having made `id`.
    pub fn keep(&self, owner: &str, key: Option<&IdempotencyKey>, id: &str) {
        if let Some(k) = key {
            let made = (id.to_owned(), k.request_hash.clone());
            self.0
                .borrow_mut()
                .insert((owner.to_owned(), k.key.clone()), made);
        }
    }

    /// What `key` made for `owner`, and its request's digest.
    pub fn replay(&self, owner: &str, key: &str) -> Option<(String, String)> {
        self.0
            .borrow()
            .get(&(owner.to_owned(), key.to_owned()))
            .cloned()
    }
}

/// The refusal of a key first used for another request.
pub fn reused() -> FieldError {
    FieldError::new(HEADER, "was already used for a different request")
}

/// How a context refuses a replay: the key came with another request, or what it made
/// has been deleted since (nothing to answer with, and making it again would be a second).
pub trait Refusals {
    fn key_reused(refused: FieldError) -> Self;
    fn made_and_gone() -> Self;
}

/// What an earlier request under `key` made, to answer again: `None` when there is no
/// key or the key is new. `made` looks up the id the key made and its request's digest;
/// `fetch` reads that id back. One sequence for every context that takes the header.
pub fn replay<T, E: Refusals>(
    key: Option<&IdempotencyKey>,
    made: impl FnOnce(&str) -> Result<Option<(String, String)>, E>,
    fetch: impl FnOnce(&str) -> Result<Option<T>, E>,
) -> Result<Option<T>, E> {
    let Some(key) = key else { return Ok(None) };
    let Some((id, digest)) = made(&key.key)? else {
        return Ok(None);
    };
    key.same_request(&digest).map_err(E::key_reused)?;
    fetch(&id)?.map(Some).ok_or_else(E::made_and_gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_names_one_request() {
        let first = IdempotencyKey::parse(Some(" k-1 "), "POST /quotes", b"{}")
            .expect("parsed")
            .expect("a key");
        assert_eq!(first.key, "k-1");
        let again = IdempotencyKey::parse(Some("k-1"), "POST /quotes", b"{}").expect("parsed");
        assert_eq!(
            again.as_ref(),
            Some(&first),
            "the same request, the same digest"
        );
        assert!(first.same_request(&first.request_hash).is_ok());
        let other = IdempotencyKey::parse(Some("k-1"), "POST /quotes", b"{\"a\":1}")
            .expect("parsed")
            .expect("a key");
        assert_eq!(other.same_request(&first.request_hash), Err(reused()));
        let elsewhere = IdempotencyKey::parse(Some("k-1"), "POST /invoices", b"{}")
            .expect("parsed")
            .expect("a key");
        assert_ne!(
            elsewhere.request_hash, first.request_hash,
            "the path counts"
        );
    }

    #[derive(Debug, PartialEq)]
    enum Refused {
        Reused,
        Gone,
    }

    impl Refusals for Refused {
        fn key_reused(_: FieldError) -> Self {
            Refused::Reused
        }
        fn made_and_gone() -> Self {
            Refused::Gone
        }
    }

    #[test]
    fn a_replay_answers_what_the_key_made_or_refuses_by_name() {
        let key = IdempotencyKey::parse(Some("k"), "POST /q", b"{}")
            .expect("parsed")
            .expect("a key");
        let made = |digest: &str| {
            let digest = digest.to_owned();
            move |_: &str| Ok::<_, Refused>(Some(("q-1".to_owned(), digest)))
        };
        let kept = |id: &str| Ok(Some(format!("quote {id}")));
        assert_eq!(
            replay(Some(&key), made(&key.request_hash), kept),
            Ok(Some("quote q-1".to_owned()))
        );
        assert_eq!(
            replay(Some(&key), made("another request"), kept),
            Err(Refused::Reused)
        );
        assert_eq!(
            replay(Some(&key), made(&key.request_hash), |_| Ok::<
                Option<String>,
                _,
            >(None)),
            Err(Refused::Gone)
        );
        assert_eq!(
            replay(Some(&key), |_| Ok(None), kept),
            Ok(None),
            "a new key"
        );
        assert_eq!(replay(None, made(&key.request_hash), kept), Ok(None));
    }

    #[test]
    fn no_header_is_no_key_and_a_bad_one_is_refused_by_name() {
        assert_eq!(IdempotencyKey::parse(None, "POST /q", b""), Ok(None));
        let long = "k".repeat(MAX_KEY_CHARS + 1);
        for bad in ["", "  ", "a b", "ключ", long.as_str()] {
            let refused = IdempotencyKey::parse(Some(bad), "POST /q", b"").expect_err(bad);
            assert_eq!(refused.field, HEADER, "{bad:?}");
        }
    }
}
