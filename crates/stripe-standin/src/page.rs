//! The stand-in's pages: the sessions it holds, and a session's pay page — every value
//! escaped (metadata and product names are what other people typed).

use html_escape::encode_double_quoted_attribute as attr;
use html_escape::encode_text as text;

use crate::checkout::Session;

fn money(session: &Session) -> String {
    format!(
        "{}.{:02} {}",
        session.amount_total / 100,
        session.amount_total % 100,
        session.currency.to_uppercase()
    )
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} — Stripe stand-in</title>\
         <body style=\"font-family:system-ui;max-width:40rem;margin:auto;padding:1rem\">{body}</body></html>",
        text(title)
    )
}

/// What a payer sees at the session's `url`.
pub fn pay(session: &Session) -> String {
    let action = match session.status {
        "open" => format!(
            "<form method=\"post\" action=\"/c/pay/{}\"><button type=\"submit\" \
             style=\"font-size:1.2rem;padding:.6rem 2rem\">Pay {}</button></form>",
            attr(&session.id),
            text(&money(session))
        ),
        _ => "<p><strong>Paid.</strong> This session is complete.</p>".to_owned(),
    };
    let back = session
        .cancel_url
        .as_deref()
        .map(|url| format!("<p><a href=\"{}\">Back without paying</a></p>", attr(url)))
        .unwrap_or_default();
    document(
        "Checkout",
        &format!(
            "<h1>{}</h1><p>{}</p><p>A local stand-in of Stripe Checkout: no card is asked for \
             and no money moves. Pressing Pay sends the app the webhook Stripe would.</p>{action}{back}",
            text(&session.product),
            text(&money(session))
        ),
    )
}

/// The sessions the app created, newest first.
pub fn list(sessions: &[Session]) -> String {
    let rows: String = sessions
        .iter()
        .rev()
        .map(|s| {
            format!(
                "<li><a href=\"/c/pay/{}\">{}</a> · {} · {} · invoice {}</li>",
                attr(&s.id),
                text(&s.product),
                text(&money(s)),
                s.status,
                text(s.metadata.get("invoice_id").map_or("—", String::as_str))
            )
        })
        .collect();
    let rows = match rows.is_empty() {
        true => "<p>No Checkout Session yet. Press “Pay now” on a shared invoice.</p>".to_owned(),
        false => format!("<ul>{rows}</ul>"),
    };
    document(
        "Sessions",
        &format!("<h1>Checkout Sessions at the local Stripe stand-in</h1>{rows}"),
    )
}

pub fn missing() -> String {
    document("Not found", "<h1>No such Checkout Session</h1>")
}
