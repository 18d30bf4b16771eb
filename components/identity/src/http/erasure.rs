//! `POST /auth/account/erase`: the account's end, asked for with the password (and a
//! code when two factors are on); its tokens are refused from the answer on.

use fin_spin_edge::auth;
use fin_spin_edge::response::no_content;
use fin_spin_edge::{config, now, ApiRequest, Problem};
use serde::Deserialize;
use spin_sdk::http::Response;

use super::account::{blocklist_reachable, counting_wrong_passwords, required};
use super::two_factor::{two_factor_of, vault};
use super::{ended, revoke, seen, store, throttle};
use crate::cookie;
use crate::erasure;
use crate::two_factor::Attempt;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EraseBody {
    password: Option<String>,
    code: Option<String>,
}

pub async fn erase(req: &mut ApiRequest) -> Result<Response, Problem> {
    let principal = auth::authenticate(req)?;
    let body: EraseBody = req.json(config::body_limit()?).await?;
    let [password] = required([("password", body.password)])?;
    // Every token the erasure ends must be blocklisted: a blocklist that cannot be
    // written now is a 503 before anything is erased.
    blocklist_reachable()?;
    let (store, vault, throttle, seen) = (store()?, vault()?, throttle()?, seen(req));
    let factor = two_factor_of(&store, &vault, &throttle);
    let user_id = &principal.user_id;
    let mut void = counting_wrong_passwords(user_id, "password", || {
        Ok(erasure::erase(
            &store,
            user_id,
            &password,
            body.code.as_deref(),
            |code| {
                factor.prove_counted(Attempt {
                    user_id,
                    code,
                    now: now(),
                    seen: &seen,
                })
            },
        )?)
    })?;
    void.push(ended(&principal));
    revoke(&void)?;
    let mut response = no_content();
    response.set_header("set-cookie", cookie::cleared());
    Ok(response)
}
