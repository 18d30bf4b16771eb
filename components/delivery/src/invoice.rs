//! An invoice as the API answers it (`GET /invoices/{id}`), read into what its e-mail
//! says and whom it goes to. Sent invoices name the buyer and seller they froze.

use serde_json::Value;

use crate::message::{Facts, Language};
use crate::service::{Fetch, Invoice};

/// The invoice's answer as an e-mail's facts; `account_name` names the seller of an
/// invoice sent before there was a business profile.
pub fn read_invoice(
    json: &Value,
    account_name: impl FnOnce() -> Option<String>,
) -> Result<Invoice, Fetch> {
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let status = s(&json["status"]).unwrap_or_default();
    let buyer = &json["buyer"];
    let recipient = s(&buyer["email"])
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| Fetch::Refused("the client has no e-mail address".into()))?;
    let seller = &json["seller"];
    let seller_name = s(&seller["trading_name"])
        .or_else(|| s(&seller["legal_name"]))
        .or_else(account_name)
        .unwrap_or_else(|| "Your supplier".into());
    let facts = Facts {
        number: s(&json["number"]).unwrap_or_default(),
        total: json["total"].as_i64().unwrap_or_default(),
        balance: json["balance_due"].as_i64().unwrap_or_default(),
        currency: s(&json["currency"]).unwrap_or_default(),
        due_date: s(&json["due_date"]).unwrap_or_default(),
        seller: seller_name,
        client: s(&buyer["name"]).unwrap_or_default(),
        link: None,
        pay_link: None,
    };
    Ok(Invoice {
        status,
        facts,
        recipient,
        reply_to: s(&seller["email"]),
        card_payments: false,
        language: Language::for_country(buyer["address"]["country"].as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sent() -> Value {
        json!({
            "status": "sent", "number": "INV-2026-0001", "total": 88411, "balance_due": 58411,
            "currency": "EUR", "due_date": "2026-12-31",
            "buyer": {"name": "Acme GmbH", "email": "billing@acme.example", "address": {"country": "DE"}},
            "seller": {"legal_name": "Ada Lovelace", "trading_name": "Lovelace Analytics", "email": "ada@example.com"}
        })
    }

    #[test]
    fn a_sent_invoice_names_recipient_language_and_seller() {
        let i = read_invoice(&sent(), || None).expect("readable");
        assert_eq!(i.recipient, "billing@acme.example");
        assert_eq!(i.language, Language::German);
        assert_eq!(i.facts.seller, "Lovelace Analytics");
        assert_eq!(i.facts.client, "Acme GmbH");
        assert_eq!((i.facts.total, i.facts.balance), (88411, 58411));
        assert_eq!(i.reply_to.as_deref(), Some("ada@example.com"));
    }

    #[test]
    fn no_address_is_refused_the_status_is_kept_and_no_profile_falls_back_to_the_account() {
        let mut no_email = sent();
        no_email["buyer"]["email"] = Value::Null;
        assert_eq!(
            read_invoice(&no_email, || None).err(),
            Some(Fetch::Refused("the client has no e-mail address".into()))
        );
        let mut void = sent();
        void["status"] = json!("void");
        assert_eq!(
            read_invoice(&void, || None).map(|i| i.status),
            Ok("void".into()),
            "the mailer decides"
        );
        let mut no_seller = sent();
        no_seller["seller"] = Value::Null;
        let i = read_invoice(&no_seller, || Some("Ada".into())).expect("readable");
        assert_eq!(i.facts.seller, "Ada");
        assert_eq!(i.reply_to, None);
    }
}
