//! The API as the invoice's owner: the mailer runs in a process of its own (Spin's Redis
//! trigger), so it reaches the invoice, a share link and the documents over HTTP, with
//! an access token it has the linked token rules issue for the owner — one for
//! the calls of an attempt, reused by the next attempt for the same owner while it is
//! young, and revoked when it is replaced or the mailer's run ends. What it may read is
//! what the owner may: nothing of anyone else's.

use fin_spin_edge::auth::acting::{Acting, OwnerToken};
use fin_spin_edge::outbound::{self, Answer};
use serde_json::Value;

use crate::invoice::read_invoice;
use crate::provider::Attachment;
use crate::service::{Fetch, Invoice, Invoices};

pub struct HttpInvoices {
    /// The HTTP app, as the mailer reaches it (`http://127.0.0.1:3000`, a cluster
    /// service's URL).
    base_url: String,
    timeout_ms: u64,
    /// Days a share link sent in an e-mail works.
    link_days: u32,
    acting: Acting,
}

impl HttpInvoices {
    pub fn new(base_url: String, timeout_ms: u64, link_days: u32) -> Self {
        Self {
            base_url,
            timeout_ms,
            link_days,
            acting: Acting::default(),
        }
    }

    fn as_owner(&self, owner: &str) -> Result<std::rc::Rc<OwnerToken>, Fetch> {
        self.acting.token(owner).map_err(Fetch::Unavailable)
    }

    fn call(
        &self,
        owner: &OwnerToken,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, Fetch> {
        let mut headers = vec![("authorization", owner.bearer.as_str())];
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let url = format!("{}{path}", self.base_url.trim_end_matches('/'));
        outbound::call_or_later(method, &url, &headers, body, self.timeout_ms)
            .map_err(Fetch::Unavailable)
    }

    fn json(
        &self,
        owner: &OwnerToken,
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
        let me = self.as_owner(owner)?;
        let json = self.json(&me, "GET", &format!("/invoices/{invoice}"), None)?;
        let mut read = read_invoice(&json, || {
            self.json(&me, "GET", "/auth/profile", None)
                .ok()
                .and_then(|p| p["name"].as_str().map(str::to_owned))
        })?;
        // Whether the e-mail offers "Pay now"; if payments cannot say, it waits for them
        // rather than going out without the button a freelancer set up.
        let connection = self.json(&me, "GET", "/payments/stripe-connection", None)?;
        read.card_payments = connection["connected"] == Value::Bool(true)
            && connection["needs_reconnect"] != Value::Bool(true);
        Ok(read)
    }

    fn share_link(
        &self,
        owner: &str,
        invoice: &str,
        previous: Option<&str>,
    ) -> Result<(String, String), Fetch> {
        let me = self.as_owner(owner)?;
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
        let me = self.as_owner(owner)?;
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

    fn quote_pdf(&self, owner: &str, quote: &str) -> Result<Vec<u8>, Fetch> {
        let me = self.as_owner(owner)?;
        let pdf = self.call(&me, "GET", &format!("/quotes/{quote}/pdf"), None)?;
        match pdf.status {
            200 => Ok(pdf.body),
            status => Err(Fetch::Refused(format!(
                "the quote's PDF could not be made ({status})"
            ))),
        }
    }
}
