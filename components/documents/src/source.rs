//! What a document is made from, read from the API, and the tag that names it.
//!
//! A sent invoice froze its seller and buyer, so its version alone decides its
//! documents. A draft prints the current profile and client, which change without the
//! invoice changing: its tag also digests every other answer it was built from, so an
//! edited profile is a new ETag, and `If-None-Match` never keeps a stale file.

use fin_documents::api::{Answer, Fallback, QuoteAnswer};
use fin_documents::Invoice;
use fin_spin_edge::{Fault, Problem};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::api::Api;

/// An invoice ready to draw, and what names this version of its documents. Its logo's
/// picture is fetched only for what draws it (the PDF): named by its digest, a logo
/// never changes, so the tag names it already.
pub struct Source {
    pub invoice: Invoice,
    /// `12` or `12-3f…`: the ETag of a document is this and its format.
    pub tag: String,
    /// When the share link that opened it expires (RFC 3339), for a shared invoice.
    pub expires_at: Option<String>,
    /// Whose invoice a share link opened (to ask whether they take card payments).
    pub owner: Option<String>,
}

impl Source {
    /// The strong ETag of this invoice in `format` (`a4`, `letter`, `xml`, `html`).
    pub fn etag(&self, format: &str) -> String {
        format!("\"{}-{format}\"", self.tag)
    }
}

#[derive(Deserialize)]
struct Account {
    name: String,
    email: Option<String>,
}

/// Invoice `id` as its owner (the caller) reads it.
pub fn owned(api: &Api, id: &str) -> Result<Source, Problem> {
    let answer = Answer::parse(&api.invoice(id)?).map_err(defect)?;
    // A sent invoice froze its parties; a draft shows them as they are now.
    let profile = match answer.needs_profile() {
        true => api.profile()?,
        false => None,
    };
    let client = match answer.needs_client() {
        true => api.client(answer.client_id())?,
        false => None,
    };
    let account = match answer.needs_profile() && profile.is_none() {
        true => api.account()?,
        false => None,
    };
    let others: Vec<&[u8]> = [&profile, &client, &account]
        .into_iter()
        .flatten()
        .map(Vec::as_slice)
        .collect();
    let tag = match others.is_empty() {
        true => answer.version().to_string(),
        false => format!("{}-{}", answer.version(), digest(&others)),
    };
    let account: Option<Account> = account
        .map(|body| serde_json::from_slice(&body))
        .transpose()
        .map_err(|e| defect(format!("account: {e}")))?;
    let fallback = Fallback {
        name: account.as_ref().map_or("", |a| a.name.as_str()),
        email: account.as_ref().and_then(|a| a.email.as_deref()),
    };
    let invoice = answer
        .document(profile.as_deref(), client.as_deref(), fallback)
        .map_err(defect)?;
    Ok(Source {
        invoice,
        tag,
        expires_at: None,
        owner: None,
    })
}

/// The caller's quote `id`. A quote freezes no party: it prints the current profile and
/// client, so its tag digests them with its version, as a draft invoice's does.
pub fn owned_quote(api: &Api, id: &str) -> Result<Source, Problem> {
    let answer = QuoteAnswer::parse(&api.quote(id)?).map_err(defect)?;
    let profile = api.profile()?;
    let client = api.client(answer.client_id())?;
    let account = match profile.is_none() {
        true => api.account()?,
        false => None,
    };
    let others: Vec<&[u8]> = [&profile, &client, &account]
        .into_iter()
        .flatten()
        .map(Vec::as_slice)
        .collect();
    let tag = format!("q{}-{}", answer.version(), digest(&others));
    let account: Option<Account> = account
        .map(|body| serde_json::from_slice(&body))
        .transpose()
        .map_err(|e| defect(format!("account: {e}")))?;
    let fallback = Fallback {
        name: account.as_ref().map_or("", |a| a.name.as_str()),
        email: account.as_ref().and_then(|a| a.email.as_deref()),
    };
    let invoice = answer
        .document(profile.as_deref(), client.as_deref(), fallback)
        .map_err(defect)?;
    Ok(Source {
        invoice,
        tag,
        expires_at: None,
        owner: None,
    })
}

/// The quote a quote's link opens, printed with the parties the quotes context read
/// for it (as they are now, like the owner's PDF); `None` for a link that does not open.
/// Its tag digests them with the quote's version, as the owner's does.
pub fn shared_quote(api: &Api, token: &str) -> Result<Option<Source>, Problem> {
    let Some(body) = api.shared_quote(token)? else {
        return Ok(None);
    };
    let shared: serde_json::Value =
        serde_json::from_slice(&body.bytes).map_err(|e| defect(format!("shared quote: {e}")))?;
    let part = |name: &str| -> Option<Vec<u8>> {
        let value = &shared[name];
        (!value.is_null()).then(|| value.to_string().into_bytes())
    };
    let quote = part("quote").ok_or_else(|| defect("a shared quote without its quote"))?;
    let (seller, buyer) = (part("seller"), part("buyer"));
    let answer = QuoteAnswer::parse(&quote).map_err(defect)?;
    let others: Vec<&[u8]> = [&seller, &buyer]
        .into_iter()
        .flatten()
        .map(Vec::as_slice)
        .collect();
    let tag = format!("q{}-{}", answer.version(), digest(&others));
    let fallback = Fallback {
        name: "",
        email: None,
    };
    let invoice = answer
        .document(seller.as_deref(), buyer.as_deref(), fallback)
        .map_err(defect)?;
    Ok(Some(Source {
        invoice,
        tag,
        expires_at: None,
        owner: None,
    }))
}

/// Credit note `note` against the caller's invoice `id`, as a document of its own. A
/// note never changes once issued, and only a sent invoice (its parties frozen) has
/// one, so its id alone names its documents.
pub fn owned_credit_note(api: &Api, id: &str, note: &str) -> Result<Source, Problem> {
    let answer = Answer::parse(&api.invoice(id)?).map_err(defect)?;
    let missing = || Problem::not_found("There is no such credit note.");
    if !answer.has_credit_note(note) {
        return Err(missing());
    }
    let fallback = Fallback {
        name: "",
        email: None,
    };
    let invoice = answer
        .credit_note(note, fallback)
        .map_err(defect)?
        .ok_or_else(missing)?;
    Ok(Source {
        invoice,
        tag: format!("c{note}"),
        expires_at: None,
        owner: None,
    })
}

/// The invoice a share link opens; `None` for one that opens nothing.
pub fn shared(api: &Api, token: &str) -> Result<Option<Source>, Problem> {
    let Some(body) = api.shared(token)? else {
        return Ok(None);
    };
    // Billing filled in the seller; the answer is all the document is made from.
    let tag = format!("s{}", digest(&[&body.bytes]));
    let fallback = Fallback {
        name: "",
        email: None,
    };
    let invoice = Answer::parse(&body.bytes)
        .and_then(|answer| answer.document(None, None, fallback))
        .map_err(defect)?;
    Ok(Some(Source {
        invoice,
        tag,
        expires_at: body.expires_at,
        owner: body.owner,
    }))
}

/// The first 16 hex digits of the SHA-256 of `parts`, each length-prefixed.
fn digest(parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    let bytes = hash.finalize();
    bytes[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The API and this component disagree: a defect, logged, a 500.
pub fn defect(reason: impl Into<String>) -> Problem {
    Fault::Internal(reason.into()).into_problem("documents")
}

#[cfg(test)]
mod tests {
    use super::digest;

    #[test]
    fn digests_tell_their_parts_apart() {
        assert_eq!(digest(&[b"ab"]).len(), 16);
        assert_eq!(digest(&[b"ab", b"c"]), digest(&[b"ab", b"c"]));
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
    }
}
