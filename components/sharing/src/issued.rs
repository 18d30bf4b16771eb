//! Billing's published contract for what a link shows: the issued invoice and its logo,
//! by owner and id, from `/internal/issued-invoices/{owner}/{id}` (service chaining in
//! one app, `billing_base_url` when deployed apart).

use fin_spin_edge::outbound::{self, Answer};
use fin_spin_edge::{config, Problem};

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
    outbound::find(&url, &logged, timeout_ms).map_err(|fault| fault.into_problem("sharing"))
}
