//! Routes that move the account to another e-mail address: asked for while signed in,
//! confirmed from the new mailbox, undone from the old one.

use fin_spin_edge::auth;
use fin_spin_edge::response::{json, no_content};
use fin_spin_edge::{config, now, ApiRequest, Problem};
use serde::Deserialize;
use spin_sdk::http::Response;

use super::account::{blocklist_reachable, counting_wrong_passwords, required, within};
use super::{accepted, app_base_url, nudge_mailer, quota, revoke, seen, store};
use crate::email_change;

/// Change e-mails an account may ask for in an hour: each goes to an address the
/// account does not own yet, so they are few.
const REQUESTS_PER_HOUR: i64 = 5;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeBody {
    password: Option<String>,
    new_email: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkBody {
    token: Option<String>,
}

/// `POST /auth/email`: 202 whether or not the address has an account.
pub async fn request(req: &mut ApiRequest) -> Result<Response, Problem> {
    let principal = auth::authenticate(req)?;
    let body: ChangeBody = req.json(config::body_limit()?).await?;
    let [password, new_email] =
        required([("password", body.password), ("new_email", body.new_email)])?;
    within(quota()?.take(
        "email-change",
        &principal.user_id,
        REQUESTS_PER_HOUR,
        3600,
        now(),
    ))?;
    let seen = seen(req);
    counting_wrong_passwords(&principal.user_id, "password", || {
        Ok(email_change::request(
            &store()?,
            &principal.user_id,
            principal.session_id.as_deref(),
            &password,
            &new_email,
            &app_base_url()?,
            &seen,
        )?)
    })?;
    nudge_mailer();
    Ok(accepted(
        "If the address can be used, a link to confirm it is on its way there. Your \
         address changes when the link is opened; it works once, for 24 hours.",
    ))
}

/// `POST /auth/email/confirm`: the token from the e-mail sent to the new address;
/// the answer names the address, which the link's page cannot know.
pub async fn confirm(req: &mut ApiRequest) -> Result<Response, Problem> {
    let token = link_token(req).await?;
    blocklist_reachable()?;
    let (email, ended) = email_change::confirm(&store()?, &token, &app_base_url()?, &seen(req))?;
    nudge_mailer();
    revoke(&ended)?;
    Ok(json(200, &serde_json::json!({ "email": email })))
}

/// `POST /auth/email/undo`: the token from the e-mail sent to the old address.
pub async fn undo(req: &mut ApiRequest) -> Result<Response, Problem> {
    let token = link_token(req).await?;
    blocklist_reachable()?;
    let ended = email_change::undo(&store()?, &token, &app_base_url()?, &seen(req))?;
    nudge_mailer();
    revoke(&ended)?;
    Ok(no_content())
}

async fn link_token(req: &mut ApiRequest) -> Result<String, Problem> {
    let body: LinkBody = req.json(config::body_limit()?).await?;
    let [token] = required([("token", body.token)])?;
    Ok(token)
}
