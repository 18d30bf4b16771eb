//! `make demo`: seeds the demo account through the public API and says how to look.
//!   fin-demo [BASE_URL]   (default http://127.0.0.1:3000)
//! `MAIL_URL` is the e-mail stand-in the account's verification e-mail is read from
//! (default http://127.0.0.1:3025, the one `make up` runs).

use fin_e2e::demo;

fn main() {
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:3000".to_owned());
    let mail = std::env::var("MAIL_URL").unwrap_or_else(|_| "http://127.0.0.1:3025".to_owned());
    match demo::seed(&base, &mail) {
        Ok(summary) => {
            println!(
                "demo: {} client(s) and {} invoice(s) created, {} action(s) taken \
                 (0 of each on a second run)",
                summary.clients_created, summary.invoices_created, summary.actions
            );
            println!(
                "\nOpen {base}/ and sign in as {} / {}\n",
                demo::EMAIL,
                demo::PASSWORD
            );
            println!("Or the API:");
            println!("  export TOKEN={}", summary.token);
            println!("  curl -s {base}/dashboard -H \"authorization: Bearer $TOKEN\"");
            println!(
                "  curl -s '{base}/invoices?status=overdue' -H \"authorization: Bearer $TOKEN\""
            );
            println!("  curl -s '{base}/clients?sort=name' -H \"authorization: Bearer $TOKEN\"");
            println!("  curl -s {base}/auth/profile -H \"authorization: Bearer $TOKEN\"");
            println!("An invoice as its client gets it (the newest; open invoice.pdf):");
            println!(
                "  ID=$(curl -s '{base}/invoices?limit=1' -H \"authorization: Bearer $TOKEN\" \\\n    \
                 | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"items\"][0][\"id\"])')"
            );
            println!(
                "  curl -s -o invoice.pdf {base}/invoices/$ID/pdf -H \"authorization: Bearer $TOKEN\""
            );
            println!("The same invoice as an EN 16931 e-invoice (UBL 2.1 XML):");
            println!(
                "  curl -s -o invoice.xml {base}/invoices/$ID -H 'accept: application/xml' -H \"authorization: Bearer $TOKEN\""
            );
            if let Some(url) = &summary.share_url {
                println!("\nWhat a client opens, no login (the newest sent invoice; a new link each run):");
                println!("  {url}");
                println!("Its \"Pay now\" goes to the local Stripe stand-in (http://127.0.0.1:3026/), whose Pay");
                println!("button sends the webhook that marks the invoice paid. The e-mails the demo's sent");
                println!("invoices got are on http://127.0.0.1:3025/ (reminders are on for the overdue ones).");
            }
        }
        Err(reason) => {
            eprintln!("demo: {reason}\n(is the app running? `make up` serves it on {base})");
            std::process::exit(1);
        }
    }
}
