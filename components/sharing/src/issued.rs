//! Billing's published contract for what a link shows: the issued invoice and its logo,
//! by owner and id, from `/internal/issued-invoices/{owner}/{id}` (service chaining in
//! one app, `billing_base_url` when deployed apart).

use fin_spin_edge::outbound::{self, Answer};
use fin_spin_edge::{config, Fault, Problem};

use crate::store::Open;

/// Billing's answer for an issued invoice (JSON) or its logo (a picture); `None` when
/// billing no longer shows it (deleted since, or it names no logo).
pub fn fetch(link: &Open, logo: bool) -> Result<Option<Answer>, Problem> {
    let base: String = config::get("billing_base_url")?;
    let timeout_ms: u64 = config::get("clients_call_timeout_ms")?;
    let suffix = if logo { "/logo" } else { "" };
    let url = format!(
        "{base}/internal/issued-invoices/{}/{}{suffix}",
        link.owner_id, link.invoice_id
    );
    let logged = format!("/internal/issued-invoices/{{owner}}/{{id}}{suffix}");
    let unavailable = |why: String| Fault::Unavailable(why).into_problem("sharing");
    let answer = outbound::get(&url, &[("accept", "application/json")], timeout_ms)
        .map_err(|why| unavailable(format!("{logged}: {why:?}")))?;
    match answer.status {
        200 => Ok(Some(answer)),
        404 => Ok(None),
        status => Err(unavailable(format!("{logged} answered {status}"))),
    }
}
