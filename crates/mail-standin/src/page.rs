//! The page at `/`: what arrived, newest first, every value escaped (it is what other
//! people typed).

use html_escape::encode_quoted_attribute as escape;

use crate::Received;

pub fn render(messages: &[Received]) -> String {
    let mut rows = String::new();
    for m in messages.iter().rev() {
        let attachments: Vec<String> = m
            .email
            .attachments
            .iter()
            .enumerate()
            .map(|(n, a)| {
                format!(
                    "<a href=\"/_standin/messages/{}/attachments/{n}\">{}</a> ({} bytes)",
                    escape(&m.id),
                    escape(&a.filename),
                    a.size
                )
            })
            .collect();
        rows.push_str(&format!(
            "<article><h2>{}</h2><p><b>From</b> {} · <b>To</b> {} · <b>Idempotency-Key</b> {}</p>\
             <p>{}</p><pre>{}</pre></article>",
            escape(&m.email.subject),
            escape(&m.email.from),
            escape(&m.email.to.join(", ")),
            escape(m.idempotency_key.as_deref().unwrap_or("—")),
            attachments.join(" · "),
            escape(m.email.text.as_deref().unwrap_or("(HTML only)")),
        ));
    }
    if rows.is_empty() {
        rows.push_str("<p>No e-mail yet. Send an invoice in the app.</p>");
    }
    format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Outbox — mail stand-in</title>\
         <body style=\"font-family:system-ui;max-width:60rem;margin:auto\">\
         <h1>Outbox of the local Resend stand-in</h1>\
         <p>What the app sent through the e-mail API (nothing leaves this machine).</p>{rows}</body></html>"
    )
}
