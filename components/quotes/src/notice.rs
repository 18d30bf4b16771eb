//! The e-mail telling a freelancer that a client answered their quote. It is written in
//! the statement that records the answer, so one answer is one e-mail; the delivery
//! context sends it to the account's address (docs/documents.md).

use crate::domain::Answer;
use crate::quote::Quote;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub body: String,
}

/// The notice of `answer` to `quote`; `app_url` is where the freelancer's web app is
/// (`https://app.example`), for the link to the quote's page.
pub fn notice(quote: &Quote, answer: &Answer, app_url: &str) -> Notice {
    let total = quote.fields.totals().map(|t| t.total).unwrap_or_default();
    let currency = quote.fields.currency;
    let digits = currency.map_or(2, |c| c.minor_digits()) as u8;
    let amount = format!(
        "{} {}",
        fin_amount::format(total, digits),
        currency.map_or("", |c| c.code())
    );
    let number = quote.number();
    let page = format!("{}/app/quotes/{}", app_url.trim_end_matches('/'), quote.id);
    let said = |label: &str, text: &Option<String>| match text {
        Some(text) => format!("{label}\n\n{text}\n\n"),
        None => String::new(),
    };
    match answer {
        Answer::Accept { name, note } => Notice {
            subject: format!("Quote {number} accepted by {name}"),
            body: format!(
                "{name} accepted your quote {number} for {amount}.\n\n{}\
                 Make it an invoice from the quote's page: {page}\n",
                said("Their note:", note)
            ),
        },
        Answer::Decline { reason } => Notice {
            subject: format!("Quote {number} declined"),
            body: format!(
                "Your quote {number} for {amount} was declined.\n\n{}The quote's page: {page}\n",
                said("Their reason:", reason)
            ),
        },
    }
}
