//! The demo's quotes, for its second client (who has an e-mail address, so each sent one
//! is in the mail stand-in's outbox with its link): one in every state a freelancer
//! meets — a draft; one awaiting an answer; one accepted on its link and made an
//! invoice; one declined with a reason; one valid until today, which reads as expired
//! from tomorrow (a quote cannot be sent already past its date, and the demo writes
//! through the API only).

use serde_json::{json, Value};

use super::Api;
use crate::dates::date;

/// Where the demo leaves a quote.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Draft,
    Awaiting,
    Accepted,
    Declined,
    ValidUntilToday,
}

const OFFERS: [(&str, i64, End); 5] = [
    (
        "Logo refresh: three directions, one finished",
        240_000,
        End::Accepted,
    ),
    ("SEO audit of the shop", 95_000, End::Declined),
    (
        "Photo shoot for the catalogue (1 day)",
        140_000,
        End::ValidUntilToday,
    ),
    (
        "Website relaunch: design, build and launch",
        1_200_000,
        End::Awaiting,
    ),
    ("Brand workshop (2 days, on site)", 180_000, End::Draft),
];

impl Api {
    /// The quotes, where there is none yet; the actions taken.
    pub(super) fn quotes(&self, today: i64) -> Result<usize, String> {
        let listed = self.send("GET", "/quotes", None, None);
        if listed.status != 200 {
            return Err(format!("list quotes: {} {}", listed.status, listed.body));
        }
        if listed.json()["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
        {
            return Ok(0);
        }
        let clients = self.send("GET", "/clients?sort=created_at&limit=2", None, None);
        let client = clients.json()["items"][1]["id"]
            .as_str()
            .ok_or_else(|| format!("no client for the quotes: {}", clients.body))?
            .to_owned();
        let mut actions = 0;
        for (description, unit_price, end) in OFFERS {
            let mut body = json!({"client_id": client, "notes": "Travel within Berlin included.",
                "lines": [{"description": description, "quantity": "1",
                           "unit_price": unit_price, "tax_rate": "19"}]});
            if end == End::ValidUntilToday {
                body["valid_until"] = date(today).into();
            }
            let id = self.quote_step("POST", "/quotes", Some(&body))?["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            actions += 1;
            if end == End::Draft {
                continue;
            }
            self.quote_step("POST", &format!("/quotes/{id}/send"), None)?;
            let link = self.quote_step("POST", &format!("/quotes/{id}/share"), None)?;
            actions += 2;
            let url = link["url"].as_str().unwrap_or_default();
            let path = &url[url.find("/share/quotes/").unwrap_or(0)..];
            let answer = match end {
                End::Accepted => json!({"name": "Grace Hopper", "note": "Looks right: go ahead."}),
                End::Declined => json!({"reason": "The budget moved to next year."}),
                _ => continue,
            };
            let verb = if end == End::Accepted {
                "accept"
            } else {
                "decline"
            };
            let answered = self.http.post_json(&format!("{path}/{verb}"), &answer);
            if answered.status != 200 {
                return Err(format!(
                    "quote {verb}: {} {}",
                    answered.status, answered.body
                ));
            }
            actions += 1;
            if end == End::Accepted {
                self.quote_step("POST", &format!("/quotes/{id}/convert"), None)?;
                actions += 1;
            }
        }
        Ok(actions)
    }

    /// One call of the quotes' API as the freelancer; what it answered.
    fn quote_step(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let reply = self.send(method, path, body, None);
        if !(200..300).contains(&reply.status) {
            return Err(format!("{method} {path}: {} {}", reply.status, reply.body));
        }
        Ok(reply.json())
    }
}
