//! A quote's two e-mails: the one that brings a sent quote to its client with a link of
//! its own, and the one telling the freelancer that the client answered. Each is
//! written in the statement that makes it owed — the sending, the answer — so one of
//! those is one e-mail; the delivery context sends them (docs/documents.md).

use crate::domain::Answer;
use crate::quote::Quote;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub body: String,
}

/// The e-mail a sent quote goes to its client with. The link's token is in the e-mail
/// alone; the quote keeps its digest, like any link's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub digest: String,
    /// The freelancer's name, shown as the sender's.
    pub from_name: String,
    pub mail: Notice,
}

/// The quote's total as the e-mails say it: `2,262.00 EUR`.
fn amount(quote: &Quote) -> String {
    let total = quote.fields.totals().map(|t| t.total).unwrap_or_default();
    let currency = quote.fields.currency;
    let digits = currency.map_or(2, |c| c.minor_digits()) as u8;
    format!(
        "{} {}",
        fin_amount::format(total, digits),
        currency.map_or("", |c| c.code())
    )
}

/// The e-mail bringing `quote` to its client; `seller` and `client` are the names the
/// directories publish, `url` the link (`https://app.example/share/quotes/<token>`), on
/// a line of its own so the e-mail's HTML makes it a link.
pub fn invitation(
    quote: &Quote,
    (seller, client): (Option<&str>, Option<&str>),
    url: &str,
    digest: String,
) -> Invitation {
    let seller = seller.unwrap_or("Your supplier");
    let greeting = client.map_or_else(|| "Hello,".to_owned(), |c| format!("Hello {c},"));
    let number = quote.number();
    Invitation {
        digest,
        from_name: seller.to_owned(),
        mail: Notice {
            subject: format!("Quote {number} from {seller}"),
            body: format!(
                "{greeting}\n\n{seller} sent you the quote {number} for {}, valid until {}.\n\n\
                 Read it, and accept or decline it, on its page:\n\n{url}\n\n\
                 Reply to this e-mail to reach {seller}.\n",
                amount(quote),
                quote.fields.valid_until
            ),
        },
    }
}

/// The notice of `answer` to `quote`; `app_url` is where the freelancer's web app is
/// (`https://app.example`), for the link to the quote's page.
pub fn notice(quote: &Quote, answer: &Answer, app_url: &str) -> Notice {
    let amount = amount(quote);
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
