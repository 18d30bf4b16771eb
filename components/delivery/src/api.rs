//! The API as the invoice's owner: the mailer runs in a process of its own (Spin's Redis
//! trigger), so it reaches the invoice, a share link and the documents over HTTP, with
//! an access token it has the composed tokens component issue for the owner, and
//! revokes when the attempt is done. What it may read is what the owner may: nothing of
//! anyone else's.

use fin_spin_edge::auth::tokens;
use fin_spin_edge::outbound::{self, Answer, CallError};
use serde_json::Value;

use crate::invoice::read_invoice;
use crate::provider::Attachment;
use crate::service::{Fetch, Invoice, Invoices};

pub struct HttpInvoices {
    /// The HTTP app, as the mailer reaches it (`http://127.0.0.1:3000`, a cluster
    /// service's URL).
    pub base_url: String,
    pub timeout_ms: u64,
    /// Days a share link sent in an e-mail works.
    pub link_days: u32,
}

/// An access token of the owner's, for one attempt.
struct AsOwner {
    token: String,
}

impl AsOwner {
    fn new(owner: &str) -> Result<Self, Fetch> {
        tokens::issue(owner)
            .map(|issued| Self {
                token: issued.access_token,
            })
            .map_err(|e| Fetch::Unavailable(format!("cannot act for the owner: {e:?}")))
    }
}

impl Drop for AsOwner {
    /// Revoked as soon as the attempt is done; if that fails it still expires.
    fn drop(&mut self) {
        if let Ok(principal) = tokens::verify(&self.token) {
            let _ = tokens::revoke(&principal);
        }
    }
}

impl HttpInvoices {
    fn call(
        &self,
        owner: &AsOwner,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, Fetch> {
        let bearer = format!("Bearer {}", owner.token);
        let mut headers = vec![("authorization", bearer.as_str())];
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let url = format!("{}{path}", self.base_url.trim_end_matches('/'));
        match outbound::call(method, &url, &headers, body, self.timeout_ms) {
            Ok(answer) if answer.status >= 500 || answer.status == 429 || answer.status == 401 => {
                Err(Fetch::Unavailable(format!(
                    "{method} {path}: {}",
                    answer.status
                )))
            }
            Ok(answer) => Ok(answer),
            Err(CallError::Timeout) => {
                Err(Fetch::Unavailable(format!("{method} {path}: timed out")))
            }
            Err(e) => Err(Fetch::Unavailable(format!("{method} {path}: {e:?}"))),
        }
    }

    fn json(
        &self,
        owner: &AsOwner,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Value, Fetch> {
        let answer = self.call(owner, method, path, body)?;
        if answer.status == 404 {
            return Err(Fetch::Refused("the invoice no longer exists".into()));
        }
        if !(200..300).contains(&answer.status) {
            return Err(Fetch::Refused(format!(
                "{method} {path} answered {}: {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            )));
        }
        serde_json::from_slice(&answer.body)
            .map_err(|e| Fetch::Unavailable(format!("{method} {path}: unreadable answer: {e}")))
    }
}

impl Invoices for HttpInvoices {
    fn invoice(&self, owner: &str, invoice: &str) -> Result<Invoice, Fetch> {
        let me = AsOwner::new(owner)?;
        let json = self.json(&me, "GET", &format!("/invoices/{invoice}"), None)?;
        read_invoice(&json, || {
            self.json(&me, "GET", "/auth/profile", None)
                .ok()
                .and_then(|p| p["name"].as_str().map(str::to_owned))
        })
    }

    fn share_link(
        &self,
        owner: &str,
        invoice: &str,
        previous: Option<&str>,
    ) -> Result<(String, String), Fetch> {
        let me = AsOwner::new(owner)?;
        if let Some(previous) = previous {
            // An earlier attempt's link was never seen by anyone: it stops working.
            let _ = self.call(
                &me,
                "DELETE",
                &format!("/invoices/{invoice}/share-links/{previous}"),
                None,
            );
        }
        let body = format!("{{\"expires_in_days\": {}}}", self.link_days);
        let link = self.json(
            &me,
            "POST",
            &format!("/invoices/{invoice}/share"),
            Some(body.as_bytes()),
        )?;
        match (link["id"].as_str(), link["url"].as_str()) {
            (Some(id), Some(url)) => Ok((id.to_owned(), url.to_owned())),
            _ => Err(Fetch::Unavailable(
                "the share link answer had no url".into(),
            )),
        }
    }

    fn documents(
        &self,
        owner: &str,
        invoice: &str,
        number: &str,
    ) -> Result<Vec<Attachment>, Fetch> {
        let me = AsOwner::new(owner)?;
        let pdf = self.call(&me, "GET", &format!("/invoices/{invoice}/pdf"), None)?;
        if pdf.status != 200 {
            return Err(Fetch::Refused(format!(
                "the PDF could not be made ({})",
                pdf.status
            )));
        }
        let mut attachments = vec![Attachment {
            filename: format!("{number}.pdf"),
            content_type: "application/pdf".into(),
            bytes: pdf.body,
        }];
        // An invoice that cannot be an e-invoice yet (409: the seller's VAT id missing,
        // say) goes with its PDF alone.
        let xml = self.call(&me, "GET", &format!("/invoices/{invoice}/xml"), None)?;
        if xml.status == 200 {
            attachments.push(Attachment {
                filename: format!("{number}.xml"),
                content_type: "application/xml".into(),
                bytes: xml.body,
            });
        }
        Ok(attachments)
    }
}
