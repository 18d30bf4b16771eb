//! `fin-stripe-standin [--port 3026] [--webhook URL --webhook-secret whsec_…]`: the local
//! Stripe Checkout stand-in that `make up` runs (docs/delivery.md).

use fin_stripe_standin::webhook::Endpoint;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut port = 3026;
    let (mut url, mut secret) = (None, None);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => port = p.parse().unwrap_or(port),
            ("--webhook", Some(u)) => url = Some(u),
            ("--webhook-secret", Some(s)) => secret = Some(s),
            _ => {
                eprintln!(
                    "usage: fin-stripe-standin [--port N] [--webhook URL --webhook-secret SECRET]"
                );
                std::process::exit(2);
            }
        }
    }
    let endpoint = url
        .zip(secret)
        .map(|(url, secret)| Endpoint { url, secret });
    match fin_stripe_standin::Standin::start(port, endpoint.clone()) {
        Ok(standin) => {
            eprintln!(
                "[stripe] Checkout stand-in on {} (its sessions), webhook to {}",
                standin.url(),
                endpoint.map_or_else(|| "nowhere".to_owned(), |e| e.url)
            );
            loop {
                std::thread::park();
            }
        }
        Err(e) => {
            eprintln!("[stripe] cannot serve on port {port}: {e}");
            std::process::exit(1);
        }
    }
}
