//! A quote's two e-mails: the one that brings a sent quote to its client with a link of
//! its own (and its PDF), and the one telling the freelancer that the client answered. Each is
//! written in the statement that makes it owed — the sending, the answer — so one of
//! those is one e-mail; the delivery context sends them (docs/documents.md).

use fin_address::Language;

use crate::domain::Answer;
use crate::quote::{Parties, Quote};

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
    /// The file name the quote's PDF goes with the e-mail under (`QUO-2026-0001.pdf`);
    /// the mailer prints it when it sends the e-mail.
    pub attachment: String,
}

/// The quote's total as an e-mail in `language` says it: `2,262.00 EUR`, `2.262,00 EUR`.
fn amount(quote: &Quote, language: Language) -> String {
    let total = quote.fields.totals().map(|t| t.total).unwrap_or_default();
    let currency = quote.fields.currency;
    let digits = currency.map_or(2, |c| c.minor_digits()) as u8;
    format!(
        "{} {}",
        fin_amount::format_in(total, digits, language.notation()),
        currency.map_or("", |c| c.code())
    )
}

/// The e-mail bringing `quote` to its client, in the client's language (as for an
/// invoice's e-mail: German to German-speaking countries, else English) and from the
/// names the directories publish; `url` is the link
/// (`https://app.example/share/quotes/<token>`), on a line of its own so the e-mail's
/// HTML makes it a link.
pub fn invitation(quote: &Quote, parties: &Parties, url: &str, digest: String) -> Invitation {
    let language = Language::for_country(parties.client_country.as_deref());
    let number = quote.number();
    let amount = amount(quote, language);
    let until = language.date(&quote.fields.valid_until.to_string());
    let client = parties.client.as_deref();
    let (seller, subject, body) = match language {
        Language::German => {
            let seller = parties.seller.as_deref().unwrap_or("Ihr Anbieter");
            let greeting =
                client.map_or_else(|| "Guten Tag,".to_owned(), |c| format!("Guten Tag {c},"));
            (
                seller,
                format!("Angebot {number} von {seller}"),
                format!(
                    "{greeting}\n\nanbei erhalten Sie das Angebot {number} von {seller} über \
                     {amount}, gültig bis {until}.\n\n\
                     Auf seiner Seite können Sie es lesen und annehmen oder ablehnen:\n\n{url}\n\n\
                     Antworten Sie auf diese E-Mail, um {seller} zu erreichen.\n"
                ),
            )
        }
        Language::English => {
            let seller = parties.seller.as_deref().unwrap_or("Your supplier");
            let greeting = client.map_or_else(|| "Hello,".to_owned(), |c| format!("Hello {c},"));
            (
                seller,
                format!("Quote {number} from {seller}"),
                format!(
                    "{greeting}\n\nplease find attached the quote {number} from {seller} for \
                     {amount}, valid until {until}.\n\n\
                     Read it, and accept or decline it, on its page:\n\n{url}\n\n\
                     Reply to this e-mail to reach {seller}.\n"
                ),
            )
        }
    };
    Invitation {
        digest,
        from_name: seller.to_owned(),
        mail: Notice { subject, body },
        attachment: format!("{number}.pdf"),
    }
}

/// The notice of `answer` to `quote`; `app_url` is where the freelancer's web app is
/// (`https://app.example`), for the link to the quote's page.
pub fn notice(quote: &Quote, answer: &Answer, app_url: &str) -> Notice {
    let amount = amount(quote, Language::English);
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
