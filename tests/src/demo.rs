//! Demo data, seeded through the public API only (`make demo`): a freelancer with a
//! business profile, a dozen clients in several countries and currencies, and invoices
//! in every state across the past year, the newest sent one shared by a link; a monthly
//! retainer, a catalogue and quotes in every state. Running it again changes nothing: the account is logged into
//! rather than registered, clients are looked up by name, invoices and payments carry
//! fixed `Idempotency-Key`s, and an invoice is only moved towards its intended state.

use serde_json::{json, Value};

use crate::dates::{civil, date, today};
use crate::Client;

mod quotes;

pub const EMAIL: &str = "demo@fin-freelancer.test";
pub const PASSWORD: &str = "demo-password-2026";

/// The state each demo invoice is brought to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Draft,
    Sent,
    Overdue,
    PartlyPaid,
    /// Sent, its project-management line taken back by a credit note.
    PartlyCredited,
    Paid,
    Void,
}

impl Target {
    /// The status the API shows for it.
    pub fn shown(self) -> &'static str {
        match self {
            Target::Draft => "draft",
            Target::Sent | Target::PartlyPaid | Target::PartlyCredited => "sent",
            Target::Overdue => "overdue",
            Target::Paid => "paid",
            Target::Void => "void",
        }
    }
}

/// The demo freelancer's business profile: the seller on every document, a German
/// VAT id so the e-invoices carry one (and Peppol reaches it under 9930), a contact and
/// a telephone so invoices to German clients meet Germany's Peppol rules.
fn profile() -> Value {
    json!({
        "legal_name": "Dana Demo", "trading_name": "Dana Demo Design",
        "address": {"line1": "Torstraße 1", "postal_code": "10119", "city": "Berlin", "country": "DE"},
        "tax_id": "DE811907980", "email": "dana@fin-freelancer.test",
        "contact_name": "Dana Demo", "phone": "+49 30 1234567",
        "iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX",
        "payment_terms": "Payable within 30 days of the invoice date, without deduction."
    })
}

/// The demo's catalogue: (name, description, price in cents, tax rate).
const ITEMS: [(&str, &str, i64, &str); 3] = [
    (
        "Design, per hour",
        "Screens, flows and reviews",
        9_500,
        "19",
    ),
    (
        "Brand workshop",
        "A day with your team, materials included",
        120_000,
        "19",
    ),
    (
        "Hosting, per month",
        "Managed hosting of the site",
        2_900,
        "19",
    ),
];

/// VAT ids of the clients in the EU: what a reverse charge names (the rest have none).
const VAT_IDS: [(&str, &str); 4] = [
    ("DE", "DE136695976"),
    ("FR", "FR40303265045"),
    ("SE", "SE556036079301"),
    ("NL", "NL004495445B01"),
];

/// Clients Peppol reaches other than by a VAT id: a Swedish organisation number, a
/// Norwegian one. With the EU VAT ids above, their e-invoices claim Peppol BIS 3.0; the
/// rest are plain EN 16931 (docs/documents.md).
const PEPPOL_IDS: [(&str, &str); 2] = [("SE", "0007:5567031702"), ("NO", "0192:974760673")];

/// (name, company email domain, country, currency)
const CLIENTS: [(&str, &str, &str, &str); 12] = [
    ("Acme Maschinenbau GmbH", "acme.example.de", "DE", "EUR"),
    ("Boulangerie Dupont", "dupont.example.fr", "FR", "EUR"),
    ("Nordlicht AB", "nordlicht.example.se", "SE", "SEK"),
    ("Baker & Sons Ltd", "bakersons.example.co.uk", "GB", "GBP"),
    ("Maple Leaf Studio", "mapleleaf.example.ca", "CA", "CAD"),
    ("Sakura Design KK", "sakura.example.jp", "JP", "JPY"),
    ("Helvetia Consulting AG", "helvetia.example.ch", "CH", "CHF"),
    (
        "Lone Star Analytics LLC",
        "lonestar.example.com",
        "US",
        "USD",
    ),
    ("Oranje Logistiek BV", "oranje.example.nl", "NL", "EUR"),
    ("Fjord Media AS", "fjord.example.no", "NO", "NOK"),
    (
        "Kangaroo Apps Pty Ltd",
        "kangaroo.example.com.au",
        "AU",
        "AUD",
    ),
    ("Andes Export SpA", "andes.example.cl", "CL", "USD"),
];

const TARGETS: [Target; 7] = [
    Target::Paid,
    Target::PartlyPaid,
    Target::Overdue,
    Target::Sent,
    Target::Void,
    Target::Draft,
    Target::PartlyCredited,
];

/// A Stripe test key of the shape Stripe issues, for the local stand-in: it moves no
/// money anywhere.
pub const DEMO_STRIPE_KEY: &str = "sk_test_51DemoFinFreelancerStandinKey00000000000000000000";

/// What the seeding did and left.
#[derive(Debug, Default)]
pub struct Summary {
    pub token: String,
    pub clients_created: usize,
    pub invoices_created: usize,
    pub actions: usize,
    /// A share link to the newest sent invoice: made anew each run, the one before
    /// revoked (a link's token is only ever shown when it is made).
    pub share_url: Option<String>,
}

/// Seeds the demo account of the app at `base_url`; its address is confirmed from the
/// e-mail the provider's stand-in at `mail_url` received, as a newcomer would.
pub fn seed(base_url: &str, mail_url: &str) -> Result<Summary, String> {
    let http = Client::new(base_url);
    let mut summary = Summary::default();
    let register = http.post_json(
        "/auth/register",
        &json!({"email": EMAIL, "password": PASSWORD, "name": "Dana Demo"}),
    );
    if register.status != 202 {
        return Err(format!("register: {} {}", register.status, register.body));
    }
    let login = http.post_json(
        "/auth/login",
        &json!({"email": EMAIL, "password": PASSWORD}),
    );
    if login.status != 200 {
        return Err(format!("login: {} {}", login.status, login.body));
    }
    summary.token = login.json()["access_token"]
        .as_str()
        .ok_or("login: no access_token")?
        .to_owned();
    let api = Api {
        http,
        token: summary.token.clone(),
    };
    summary.actions += api.confirm_address(mail_url)?;
    summary.actions += api.profile()?;
    summary.actions += api.catalogue()?;
    // Before any invoice is sent, so its e-mail already offers "Pay now".
    summary.actions += api.card_payments_and_reminders()?;
    let today = today();
    let mut n = 0;
    let mut newest_sent: Option<(String, String)> = None;
    for (c, (name, domain, country, currency)) in CLIENTS.iter().enumerate() {
        let (client, created) = api.client(name, domain, country, currency)?;
        summary.clients_created += usize::from(created);
        // One to three invoices a client, spread over the past year.
        for k in 0..(1 + c % 3) {
            let target = TARGETS[n % TARGETS.len()];
            let issued = today - 20 - ((n as i64 * 29) % 340);
            let due = match target {
                Target::Overdue => today - 1 - (n as i64 % 20),
                Target::Sent | Target::PartlyPaid | Target::PartlyCredited | Target::Draft => {
                    today + 10 + k as i64
                }
                _ => issued + 30,
            };
            let issued = issued.min(due);
            let amount = 40_000 + ((n as i64 * 7_919) % 160_000);
            let (invoice, created) = api.invoice(n, &client, currency, issued, due, amount)?;
            summary.invoices_created += usize::from(created);
            summary.actions += api.bring_to(n, &invoice, target)?;
            if target == Target::Sent {
                let number = invoice["number"].as_str().unwrap_or_default().to_owned();
                let id = invoice["id"].as_str().unwrap_or_default().to_owned();
                if newest_sent
                    .as_ref()
                    .is_none_or(|(newest, _)| number > *newest)
                {
                    newest_sent = Some((number, id));
                }
            }
            n += 1;
        }
    }
    if let Some((_, id)) = newest_sent {
        summary.share_url = Some(api.share(&id)?);
    }
    summary.actions += api.retainer(today)?;
    summary.actions += api.quotes(today)?;
    Ok(summary)
}

struct Api {
    http: Client,
    token: String,
}

impl Api {
    /// Opens the link of the verification e-mail (the newest in the stand-in's outbox)
    /// unless the address is confirmed already: an account sends invoices and takes card
    /// payments only then. The action taken, if any.
    fn confirm_address(&self, mail_url: &str) -> Result<usize, String> {
        let me = self.send("GET", "/auth/profile", None, None);
        if me.json()["email_verified"] == true {
            return Ok(0);
        }
        let outbox = Client::new(mail_url);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let token = loop {
            let messages = outbox.get("/_standin/messages").send().json();
            let link = messages
                .as_array()
                .into_iter()
                .flatten()
                .rev()
                .find_map(|m| {
                    let to_demo = m["to"]
                        .as_array()
                        .is_some_and(|to| to.iter().any(|t| t == EMAIL));
                    let text = m["text"].as_str().filter(|_| to_demo)?;
                    let at =
                        text.find("/app/verify-email#token=")? + "/app/verify-email#token=".len();
                    text.get(at..at + 43).map(str::to_owned)
                });
            match link {
                Some(token) => break token,
                None if std::time::Instant::now() > deadline => {
                    return Err(format!(
                        "the demo account's address is not confirmed, and no verification \
                         e-mail reached {mail_url} (is `make up` running, with its mailer?)"
                    ))
                }
                None => std::thread::sleep(std::time::Duration::from_millis(300)),
            }
        };
        let verified = self.send(
            "POST",
            "/auth/verify-email",
            Some(&json!({"token": token})),
            None,
        );
        if verified.status != 204 {
            return Err(format!(
                "confirming the address: {} {}",
                verified.status, verified.body
            ));
        }
        Ok(1)
    }

    fn send(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> crate::Reply {
        let mut call = self.http.request(method, path).bearer(&self.token);
        if let Some(key) = key {
            call = call.header("idempotency-key", key);
        }
        match body {
            Some(body) => call.json(body).send(),
            None => call.send(),
        }
    }

    /// A monthly retainer for the first client, from the first of next month, where there
    /// is no recurring invoice yet; the actions taken.
    fn retainer(&self, today: i64) -> Result<usize, String> {
        let listed = self.send("GET", "/recurring-invoices", None, None);
        if listed.status != 200 {
            return Err(format!("list recurring: {} {}", listed.status, listed.body));
        }
        if listed.json()["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
        {
            return Ok(0);
        }
        let clients = self.send("GET", "/clients?sort=created_at&limit=1", None, None);
        let client = clients.json()["items"][0]["id"]
            .as_str()
            .ok_or_else(|| format!("no client for the retainer: {}", clients.body))?
            .to_owned();
        let (year, month, _) = civil(today);
        let start = match month {
            12 => format!("{:04}-01-01", year + 1),
            _ => format!("{year:04}-{:02}-01", month + 1),
        };
        let body = json!({"name": "Monthly retainer", "client_id": client, "frequency": "monthly",
            "start_date": start, "time_zone": "Europe/Berlin", "send": true,
            "lines": [{"description": "Retainer: design and development, up to 20 hours",
                       "quantity": "1", "unit_price": 240_000, "tax_rate": "19"}]});
        let created = self.send("POST", "/recurring-invoices", Some(&body), None);
        if created.status != 201 {
            return Err(format!("retainer: {} {}", created.status, created.body));
        }
        Ok(1)
    }

    /// The catalogue's items, where the catalogue is still empty; the actions taken.
    fn catalogue(&self) -> Result<usize, String> {
        let listed = self.send("GET", "/items", None, None);
        if listed.status != 200 {
            return Err(format!("list items: {} {}", listed.status, listed.body));
        }
        if listed.json()["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
        {
            return Ok(0);
        }
        for item in ITEMS {
            let (name, description, unit_price, tax_rate) = item;
            let body = json!({"name": name, "description": description, "unit_price": unit_price,
                              "currency": "EUR", "tax_rate": tax_rate});
            let created = self.send("POST", "/items", Some(&body), None);
            if created.status != 201 {
                return Err(format!("item {name}: {} {}", created.status, created.body));
            }
        }
        Ok(ITEMS.len())
    }

    /// Puts the business profile, and its logo, where there are none yet; the actions
    /// taken.
    fn profile(&self) -> Result<usize, String> {
        let current = self.send("GET", "/business-profile", None, None);
        let mut actions = 0;
        let current = match current.status {
            200 => current.json(),
            404 => {
                let put = self.send("PUT", "/business-profile", Some(&profile()), None);
                if put.status != 201 {
                    return Err(format!("business profile: {} {}", put.status, put.body));
                }
                actions += 1;
                put.json()
            }
            status => return Err(format!("business profile: {status} {}", current.body)),
        };
        if current["logo"].is_null() {
            let put = self
                .http
                .request("PUT", "/business-profile/logo")
                .bearer(&self.token)
                .raw("image/png", crate::images::demo_logo())
                .send();
            if put.status != 200 {
                return Err(format!("logo: {} {}", put.status, put.body));
            }
            actions += 1;
        }
        Ok(actions)
    }

    /// Stripe connected with a test key (the stand-in `make up` runs takes any) and
    /// reminders on, where they are not yet; the actions taken. A server without
    /// `payments_encryption_key` takes no card payments: the demo goes on without.
    fn card_payments_and_reminders(&self) -> Result<usize, String> {
        let mut actions = 0;
        let connection = self.send("GET", "/payments/stripe-connection", None, None);
        if connection.status != 200 {
            return Err(format!(
                "stripe connection: {} {}",
                connection.status, connection.body
            ));
        }
        if connection.json()["connected"] != true {
            let key = json!({"secret_key": DEMO_STRIPE_KEY});
            let put = self.send("PUT", "/payments/stripe-connection", Some(&key), None);
            match put.status {
                200 => actions += 1,
                501 => {}
                status => return Err(format!("stripe connection: {status} {}", put.body)),
            }
        }
        let settings = self.send("GET", "/delivery-settings", None, None);
        if settings.status != 200 {
            return Err(format!(
                "delivery settings: {} {}",
                settings.status, settings.body
            ));
        }
        let mut settings = settings.json();
        if settings["reminders_enabled"] != true {
            settings["reminders_enabled"] = json!(true);
            settings["final_notice"] =
                json!("This is our last reminder: please settle the balance within seven days.");
            let put = self.send("PUT", "/delivery-settings", Some(&settings), None);
            if put.status != 200 {
                return Err(format!("delivery settings: {} {}", put.status, put.body));
            }
            actions += 1;
        }
        Ok(actions)
    }

    /// A fresh share link to invoice `id`, every earlier one revoked: its `url`.
    fn share(&self, id: &str) -> Result<String, String> {
        let links = self.send("GET", &format!("/invoices/{id}/share-links"), None, None);
        if links.status != 200 {
            return Err(format!("share links: {} {}", links.status, links.body));
        }
        for link in links.json()["items"].as_array().into_iter().flatten() {
            if link["state"] == "active" {
                let link_id = link["id"].as_str().unwrap_or_default();
                let path = format!("/invoices/{id}/share-links/{link_id}");
                let revoked = self.send("DELETE", &path, None, None);
                if revoked.status != 204 {
                    return Err(format!("revoke: {} {}", revoked.status, revoked.body));
                }
            }
        }
        let made = self.send("POST", &format!("/invoices/{id}/share"), None, None);
        if made.status != 201 {
            return Err(format!("share: {} {}", made.status, made.body));
        }
        made.json()["url"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "share: no url".to_owned())
    }

    /// The client of that name, created if there is none yet.
    fn client(
        &self,
        name: &str,
        domain: &str,
        country: &str,
        currency: &str,
    ) -> Result<(String, bool), String> {
        let query: String = name.chars().take(12).collect();
        let found = self.send(
            "GET",
            &format!("/clients?limit=100&q={}", encode(&query)),
            None,
            None,
        );
        if found.status != 200 {
            return Err(format!("list clients: {} {}", found.status, found.body));
        }
        if let Some(existing) = found.json()["items"]
            .as_array()
            .and_then(|items| items.iter().find(|c| c["name"] == name))
        {
            return Ok((
                existing["id"].as_str().unwrap_or_default().to_owned(),
                false,
            ));
        }
        let tax_id = VAT_IDS
            .iter()
            .find(|(c, _)| c == &country)
            .map(|(_, id)| *id);
        let peppol_id = PEPPOL_IDS
            .iter()
            .find(|(c, _)| c == &country)
            .map(|(_, id)| *id);
        let created = self.send(
            "POST",
            "/clients",
            Some(&json!({"name": name, "email": format!("accounts@{domain}"),
                "company": name, "default_currency": currency, "tax_id": tax_id,
                "peppol_id": peppol_id,
                "address": {"line1": "1 Demo Street", "postal_code": "12345",
                            "city": "Demo City", "country": country}})),
            None,
        );
        if created.status != 201 {
            return Err(format!(
                "create client {name}: {} {}",
                created.status, created.body
            ));
        }
        Ok((
            created.json()["id"].as_str().unwrap_or_default().to_owned(),
            true,
        ))
    }

    /// The n-th demo invoice (created once: its `Idempotency-Key` replays it).
    fn invoice(
        &self,
        n: usize,
        client: &str,
        currency: &str,
        issued: i64,
        due: i64,
        amount: i64,
    ) -> Result<(Value, bool), String> {
        // Yen have no cents, and EN 16931 reckons VAT to the cent: whole hundreds of yen
        // keep 19 % of them whole, so the yen invoices are e-invoices too.
        let (amount, key) = match currency {
            "JPY" => (amount / 100 * 100, format!("demo-invoice-{n}-yen")),
            _ => (amount, format!("demo-invoice-{n}")),
        };
        let reply = self.send(
            "POST",
            "/invoices",
            Some(&json!({"client_id": client, "issue_date": date(issued), "due_date": date(due),
                "notes": "Thank you for your business.",
                "lines": [
                    {"description": "Design and development", "quantity": "1", "unit_price": amount, "tax_rate": "19"},
                    {"description": "Project management", "quantity": "2.5", "unit_price": amount / 10}
                ]})),
            Some(&key),
        );
        if reply.status != 201 {
            return Err(format!("invoice {n}: {} {}", reply.status, reply.body));
        }
        let replayed = reply.header("idempotent-replayed") == Some("true");
        Ok((reply.json(), !replayed))
    }

    /// Moves the invoice towards `target` from wherever it is; returns the actions taken.
    fn bring_to(&self, n: usize, invoice: &Value, target: Target) -> Result<usize, String> {
        let id = invoice["id"].as_str().unwrap_or_default();
        let status = invoice["status"].as_str().unwrap_or_default();
        let total = invoice["total"].as_i64().unwrap_or(0);
        let mut actions = 0;
        let mut act =
            |path: String, body: Option<Value>, key: Option<String>| -> Result<(), String> {
                let reply = self.send("POST", &path, body.as_ref(), key.as_deref());
                if !(200..300).contains(&reply.status) {
                    return Err(format!("{path}: {} {}", reply.status, reply.body));
                }
                if reply.header("idempotent-replayed") != Some("true") {
                    actions += 1;
                }
                Ok(())
            };
        let base = format!("/invoices/{id}");
        match (target, status) {
            (Target::Draft, _) => {}
            (Target::Void, "draft" | "sent" | "overdue") => {
                act(format!("{base}/void"), None, None)?
            }
            (Target::Void, _) => {}
            (_, "draft") => act(format!("{base}/send"), None, None)?,
            _ => {}
        }
        let paid = match target {
            Target::PartlyPaid => total / 3,
            Target::Paid => total,
            _ => 0,
        };
        if target == Target::PartlyCredited {
            act(
                format!("{base}/credit-notes"),
                Some(json!({"lines": [{"line": 2}],
                            "reason": "Project management was not needed after all"})),
                Some(format!("demo-credit-{n}")),
            )?;
        }
        if paid > 0 {
            // The key makes a second run replay the payment instead of paying again.
            act(
                format!("{base}/payments"),
                Some(json!({"amount": paid, "method": "bank transfer",
                            "reference": format!("DEMO-{n:03}")})),
                Some(format!("demo-payment-{n}")),
            )?;
        }
        Ok(actions)
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
