//! The account as its owner reads it through each context's published API (Spin service
//! chaining), so an export holds exactly what the owner may see — and never another
//! account's row, because no context answers one.
//!
//! An export can outlast the caller's access token (100k invoices' PDFs take minutes), so
//! the reader signs its own short-lived tokens for the same account and session, and asks
//! identity before every page whether that session is still signed in: ending the session
//! (or erasing the account) stops an export under way at the next page.

use std::cell::RefCell;

use fin_spin_edge::auth::{self, tokens, Principal};
use fin_spin_edge::outbound;
use fin_spin_edge::{config, now, Fault, Problem};
use serde_json::Value;

/// The contexts an export reads.
#[derive(Clone, Copy)]
pub enum Context {
    Identity,
    Profile,
    Clients,
    Billing,
    Documents,
    Delivery,
    Sharing,
    Payments,
    Catalogue,
    Recurring,
    Quotes,
}

impl Context {
    /// The Spin variable holding the context's base URL.
    fn base_url(self) -> &'static str {
        match self {
            Context::Identity => "identity_base_url",
            Context::Profile => "profile_base_url",
            Context::Clients => "clients_base_url",
            Context::Billing => "billing_base_url",
            Context::Documents => "documents_base_url",
            Context::Delivery => "delivery_base_url",
            Context::Sharing => "sharing_base_url",
            Context::Payments => "payments_base_url",
            Context::Catalogue => "catalogue_base_url",
            Context::Recurring => "recurring_base_url",
            Context::Quotes => "quotes_base_url",
        }
    }
}

/// A token is signed anew when less than this is left of it.
const RENEW_BEFORE_SECONDS: i64 = 60;
/// The largest page the list routes give.
const PAGE: u32 = 100;

pub struct Reader {
    principal: Principal,
    bearer: RefCell<Bearer>,
    timeout_ms: u64,
}

struct Bearer {
    header: String,
    expires_at: i64,
}

/// What a `GET` found: the body and its type; `None` from the reader is a 404.
pub struct Found {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    pub status: u16,
}

impl Reader {
    /// The account of `principal`, starting with the token it came with.
    pub fn open(principal: Principal, authorization: &str) -> Result<Self, Problem> {
        Ok(Self {
            bearer: RefCell::new(Bearer {
                header: authorization.to_owned(),
                expires_at: principal.expires_at,
            }),
            principal,
            timeout_ms: config::get("documents_call_timeout_ms")?,
        })
    }

    /// `GET path` of `context` as JSON; `None` for a 404.
    pub fn json(&self, context: Context, path: &str) -> Result<Option<Value>, Problem> {
        self.get(context, path, "application/json", &[200])?
            .map(|found| {
                serde_json::from_slice(&found.bytes)
                    .map_err(|e| defect(format!("{path}: not JSON: {e}")))
            })
            .transpose()
    }

    /// `GET path` of `context`, any of `accepted` statuses answered (a 404 is `None`).
    pub fn get(
        &self,
        context: Context,
        path: &str,
        accept: &str,
        accepted: &[u16],
    ) -> Result<Option<Found>, Problem> {
        let base: String = config::get(context.base_url())?;
        let url = format!("{base}{path}");
        let bearer = self.bearer()?;
        let headers = [("accept", accept), ("authorization", bearer.as_str())];
        let answer =
            outbound::read_as_caller(&url, &headers, self.timeout_ms, accepted, path, "export")?;
        Ok(answer.map(|answer| Found {
            content_type: answer.header("content-type").map(str::to_owned),
            status: answer.status,
            bytes: answer.body,
        }))
    }

    /// Every item of a paged list (`path` with or without a query), page by page,
    /// each page only after the session was found still signed in.
    pub fn each(
        &self,
        context: Context,
        path: &str,
        mut item: impl FnMut(&Value) -> Result<(), Problem>,
    ) -> Result<(), Problem> {
        let joiner = if path.contains('?') { '&' } else { '?' };
        let mut cursor: Option<String> = None;
        loop {
            self.still_signed_in()?;
            let page_path = match &cursor {
                None => format!("{path}{joiner}limit={PAGE}"),
                Some(cursor) => format!("{path}{joiner}limit={PAGE}&cursor={cursor}"),
            };
            let page = self
                .json(context, &page_path)?
                .ok_or_else(|| defect(format!("{path}: no such list")))?;
            for element in page["items"].as_array().into_iter().flatten() {
                item(element)?;
            }
            cursor = match &page["next_cursor"] {
                Value::String(next) => Some(next.clone()),
                _ => return Ok(()),
            };
        }
    }

    /// A 401 unless the session the export was asked in is still signed in.
    pub fn still_signed_in(&self) -> Result<(), Problem> {
        if self.principal.session_id.is_none() {
            return Ok(());
        }
        let sessions = self
            .json(Context::Identity, "/auth/sessions")?
            .unwrap_or_default();
        let current = sessions["items"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|session| session["current"] == Value::Bool(true));
        match current {
            true => Ok(()),
            false => Err(Problem::unauthorized(
                "The session that asked for the export ended.",
            )),
        }
    }

    /// `Bearer <token>`: the caller's while it lasts, then one signed for the same
    /// account and session.
    fn bearer(&self) -> Result<String, Problem> {
        let mut bearer = self.bearer.borrow_mut();
        if bearer.expires_at - now() < RENEW_BEFORE_SECONDS {
            let issued = tokens::issue(
                &self.principal.user_id,
                self.principal.session_id.as_deref(),
            )
            .map_err(auth::token_problem)?;
            *bearer = Bearer {
                header: format!("Bearer {}", issued.access_token),
                expires_at: issued.expires_at,
            };
        }
        Ok(bearer.header.clone())
    }
}

/// A context and this one disagree: logged, a 500.
pub fn defect(reason: impl Into<String>) -> Problem {
    Fault::Internal(reason.into()).into_problem("export")
}
