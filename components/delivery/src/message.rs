//! The e-mail a client receives: subject and body in the client's language, from the
//! freelancer's own wording when they gave one, as text and as (escaped) HTML.

use html_escape::encode_quoted_attribute;

use crate::domain::Kind;

pub use fin_address::Language;

/// What an e-mail says of its invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub number: String,
    pub total: i64,
    pub balance: i64,
    pub currency: String,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    pub seller: String,
    pub client: String,
    /// The share link, when there is one.
    pub link: Option<String>,
    /// "Pay now" (the share link's card payment), when the freelancer takes card
    /// payments and there is a balance.
    pub pay_link: Option<String>,
}

/// The freelancer's own wording; `None` takes the default of the client's language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wording {
    pub subject: Option<String>,
    pub body: Option<String>,
    /// Added to the last reminder.
    pub final_notice: Option<String>,
}

/// A written e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 7] = [
    "{number}",
    "{amount}",
    "{balance}",
    "{due_date}",
    "{seller}",
    "{client}",
    "{link}",
];

/// A template names only the placeholders there are (a typo would reach the client).
pub fn check_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let tail = &rest[open..];
        let close = tail
            .find('}')
            .ok_or_else(|| "has a `{` that is never closed".to_owned())?;
        let name = &tail[..=close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "names {name}, which is not one of {}",
                PLACEHOLDERS.join(", ")
            ));
        }
        rest = &tail[close + 1..];
    }
    Ok(())
}

pub fn write(
    kind: Kind,
    facts: &Facts,
    language: Language,
    wording: &Wording,
    last_step: bool,
) -> Written {
    let (subject, body) = defaults(kind, language);
    let subject = wording.subject.as_deref().unwrap_or(subject);
    let mut body = wording.body.as_deref().unwrap_or(body).to_owned();
    if let (Kind::Reminder { .. }, true, Some(notice)) = (kind, last_step, &wording.final_notice) {
        body = format!("{body}\n\n{notice}");
    }
    // Not a placeholder: whatever the freelancer wrote, a payable invoice says how to pay
    // — after the paragraph with the link to the invoice, or else at the end.
    if facts.pay_link.is_some() {
        let mut paragraphs: Vec<&str> = body.split("\n\n").collect();
        let at = paragraphs
            .iter()
            .position(|p| p.contains("{link}"))
            .map_or(paragraphs.len(), |n| n + 1);
        paragraphs.insert(at, pay_paragraph(language));
        body = paragraphs.join("\n\n");
    }
    let text = fill(&body, facts, language);
    let links = [facts.link.as_deref(), facts.pay_link.as_deref()];
    Written {
        subject: fill(subject, facts, language).replace(['\r', '\n'], " "),
        html: html(&text, &links),
        text,
    }
}

fn pay_paragraph(language: Language) -> &'static str {
    match language {
        Language::English => "Pay {balance} now by card: {pay_link}",
        Language::German => "Jetzt {balance} mit Karte bezahlen: {pay_link}",
    }
}

fn defaults(kind: Kind, language: Language) -> (&'static str, &'static str) {
    match (kind, language) {
        (Kind::Invoice, Language::English) => (
            "Invoice {number} from {seller}",
            "Hello {client},\n\nplease find attached invoice {number} for {amount}, due on {due_date}.\n\nYou can also view it online: {link}\n\nKind regards,\n{seller}",
        ),
        (Kind::Invoice, Language::German) => (
            "Rechnung {number} von {seller}",
            "Guten Tag {client},\n\nanbei erhalten Sie die Rechnung {number} über {amount}, fällig am {due_date}.\n\nSie können sie auch online ansehen: {link}\n\nMit freundlichen Grüßen\n{seller}",
        ),
        (Kind::Reminder { .. }, Language::English) => (
            "Reminder: invoice {number} is overdue",
            "Hello {client},\n\ninvoice {number} for {amount} was due on {due_date}, and {balance} of it is still open. If you have paid it in the meantime, please disregard this message.\n\nView it online: {link}\n\nKind regards,\n{seller}",
        ),
        (Kind::Reminder { .. }, Language::German) => (
            "Zahlungserinnerung: Rechnung {number}",
            "Guten Tag {client},\n\ndie Rechnung {number} über {amount} war am {due_date} fällig; offen sind noch {balance}. Sollten Sie inzwischen bezahlt haben, betrachten Sie diese Nachricht bitte als gegenstandslos.\n\nOnline ansehen: {link}\n\nMit freundlichen Grüßen\n{seller}",
        ),
    }
}

/// The template with its placeholders filled; a paragraph naming `{link}` is left out
/// when there is no link.
fn fill(template: &str, facts: &Facts, language: Language) -> String {
    let notation = language.notation();
    let digits = iso_currency::Currency::from_code(&facts.currency)
        .and_then(|c| c.exponent())
        .and_then(|e| u8::try_from(e).ok())
        .unwrap_or(2);
    let money = |minor| {
        format!(
            "{} {}",
            fin_amount::format_in(minor, digits, notation),
            facts.currency
        )
    };
    let due = language.date(&facts.due_date);
    let paragraphs: Vec<&str> = template
        .split("\n\n")
        .filter(|p| facts.link.is_some() || !p.contains("{link}"))
        .collect();
    paragraphs
        .join("\n\n")
        .replace("{number}", &facts.number)
        .replace("{amount}", &money(facts.total))
        .replace("{balance}", &money(facts.balance))
        .replace("{due_date}", &due)
        .replace("{seller}", &facts.seller)
        .replace("{client}", &facts.client)
        .replace("{link}", facts.link.as_deref().unwrap_or_default())
        .replace("{pay_link}", facts.pay_link.as_deref().unwrap_or_default())
}

/// The `From` header: `name` shown with the address the provider lets the app send
/// from. The name is the freelancer's own text; quotes, angle brackets and line breaks
/// in it would change what the header says, so they are dropped.
pub(crate) fn from_header(name: &str, address: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| !matches!(c, '"' | '<' | '>' | '\r' | '\n'))
        .collect();
    format!("\"{name}\" <{address}>")
}

/// The text as HTML: every character escaped, paragraphs kept, the links made links
/// (the longest first: the share link is the start of the pay link).
pub(crate) fn html(text: &str, links: &[Option<&str>]) -> String {
    let mut links: Vec<&str> = links
        .iter()
        .flatten()
        .copied()
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .collect();
    links.sort_by_key(|url| std::cmp::Reverse(url.len()));
    let mut linked = encode_quoted_attribute(text).into_owned();
    let anchors: Vec<String> = links
        .iter()
        .map(|url| {
            let url = encode_quoted_attribute(url);
            format!("<a href=\"{url}\">{url}</a>")
        })
        .collect();
    // Each link is first a mark no text has (U+0000 cannot reach a template), so a
    // shorter link is not found again inside a longer one's anchor.
    for (n, url) in links.iter().enumerate() {
        linked = linked.replace(encode_quoted_attribute(url).as_ref(), &format!("\0{n}\0"));
    }
    for (n, anchor) in anchors.iter().enumerate() {
        linked = linked.replace(&format!("\0{n}\0"), anchor);
    }
    let paragraphs: Vec<String> = linked
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>")))
        .collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"></head><body>{}</body></html>",
        paragraphs.join("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default wording, not the last step.
    fn plain(kind: Kind, facts: &Facts, language: Language) -> Written {
        write(kind, facts, language, &Wording::default(), false)
    }

    fn facts() -> Facts {
        Facts {
            number: "INV-2026-0042".into(),
            total: 123_456,
            balance: 23_456,
            currency: "EUR".into(),
            due_date: "2026-12-31".into(),
            seller: "Ada Lovelace Consulting".into(),
            client: "Acme GmbH".into(),
            link: Some("https://app.example/share/abc".into()),
            pay_link: None,
        }
    }

    #[test]
    fn a_payable_invoice_says_how_to_pay_by_card_in_the_clients_language() {
        let pay = Facts {
            pay_link: Some("https://app.example/share/abc/pay".into()),
            ..facts()
        };
        let en = plain(Kind::Invoice, &pay, Language::English);
        assert!(
            en.text.contains("You can also view it online: https://app.example/share/abc\n\nPay 234.56 EUR now by card: https://app.example/share/abc/pay\n\nKind regards"),
            "after the link, before the greeting: {}",
            en.text
        );
        assert!(
            en.html
                .contains("<a href=\"https://app.example/share/abc/pay\">"),
            "{}",
            en.html
        );
        assert!(en.html.contains("<meta charset=\"utf-8\">"));
        let custom = Wording {
            body: Some("Hi {client}, see {link}".into()),
            ..Wording::default()
        };
        let de = write(
            Kind::Reminder { days: 10 },
            &pay,
            Language::German,
            &custom,
            false,
        );
        assert!(
            de.text
                .contains("Jetzt 234,56 EUR mit Karte bezahlen: https://app.example/share/abc/pay"),
            "{}",
            de.text
        );
        let none = plain(Kind::Invoice, &facts(), Language::English);
        assert!(!none.text.contains("by card"));
    }

    #[test]
    fn an_invoice_mail_in_english_names_number_amount_due_date_and_link() {
        let m = plain(Kind::Invoice, &facts(), Language::English);
        assert_eq!(
            m.subject,
            "Invoice INV-2026-0042 from Ada Lovelace Consulting"
        );
        assert!(
            m.text
                .contains("invoice INV-2026-0042 for 1,234.56 EUR, due on 2026-12-31"),
            "{}",
            m.text
        );
        assert!(m.text.contains("https://app.example/share/abc"));
        assert!(m
            .html
            .contains("<a href=\"https://app.example/share/abc\">"));
    }

    #[test]
    fn german_clients_get_german_with_german_numbers_and_dates() {
        assert_eq!(Language::for_country(Some("de")), Language::German);
        assert_eq!(Language::for_country(Some("AT")), Language::German);
        assert_eq!(Language::for_country(Some("FR")), Language::English);
        assert_eq!(Language::for_country(None), Language::English);
        let m = plain(Kind::Invoice, &facts(), Language::German);
        assert_eq!(
            m.subject,
            "Rechnung INV-2026-0042 von Ada Lovelace Consulting"
        );
        assert!(
            m.text.contains("über 1.234,56 EUR, fällig am 31.12.2026"),
            "{}",
            m.text
        );
        let r = plain(Kind::Reminder { days: 10 }, &facts(), Language::German);
        assert!(r.text.contains("offen sind noch 234,56 EUR"), "{}", r.text);
    }

    #[test]
    fn the_freelancers_wording_wins_and_the_final_notice_ends_the_last_reminder() {
        let wording = Wording {
            subject: Some("{seller}: {number}".into()),
            body: Some("Dear {client}, {balance} is open.".into()),
            final_notice: Some("This is the final notice before collection.".into()),
        };
        let m = write(
            Kind::Reminder { days: 30 },
            &facts(),
            Language::English,
            &wording,
            true,
        );
        assert_eq!(m.subject, "Ada Lovelace Consulting: INV-2026-0042");
        assert!(m.text.starts_with("Dear Acme GmbH, 234.56 EUR is open."));
        assert!(m
            .text
            .ends_with("This is the final notice before collection."));
        let earlier = write(
            Kind::Reminder { days: 3 },
            &facts(),
            Language::English,
            &wording,
            false,
        );
        assert!(!earlier.text.contains("final notice"));
    }

    #[test]
    fn no_link_leaves_its_paragraph_out() {
        let mut f = facts();
        f.link = None;
        let m = plain(Kind::Invoice, &f, Language::English);
        assert!(!m.text.contains("online"), "{}", m.text);
        assert!(!m.text.contains("{link}"));
    }

    #[test]
    fn what_people_typed_is_escaped_in_html_and_kept_off_the_subject_line() {
        let mut f = facts();
        f.client = "<script>alert(1)</script>".into();
        f.seller = "Evil\r\nBcc: all@example.com".into();
        let m = plain(Kind::Invoice, &f, Language::English);
        assert!(m.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!m.html.contains("<script>"));
        assert!(
            !m.subject.contains('\n') && !m.subject.contains('\r'),
            "no header injection"
        );
    }

    #[test]
    fn templates_may_name_only_the_placeholders_there_are() {
        assert_eq!(
            check_template("Invoice {number} for {amount} — {link}"),
            Ok(())
        );
        assert!(check_template("Invoice {nummer}").is_err());
        assert!(check_template("Invoice {number").is_err());
        assert_eq!(check_template("no placeholders"), Ok(()));
    }

    #[test]
    fn yen_have_no_decimals() {
        let mut f = facts();
        f.currency = "JPY".into();
        f.total = 160_128;
        let m = plain(Kind::Invoice, &f, Language::English);
        assert!(m.text.contains("160,128 JPY"), "{}", m.text);
    }
}
