//! `fin-mail-standin [--port 3025] [--outbox .dev/outbox]`: the local Resend stand-in
//! that `make up` runs (docs/delivery.md).

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut port = 3025;
    let mut outbox = Some(PathBuf::from(".dev/outbox"));
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => port = p.parse().unwrap_or(port),
            ("--outbox", Some(dir)) => outbox = Some(PathBuf::from(dir)),
            _ => {
                eprintln!("usage: fin-mail-standin [--port N] [--outbox DIR]");
                std::process::exit(2);
            }
        }
    }
    match fin_mail_standin::Standin::start(port, outbox.clone()) {
        Ok(standin) => {
            eprintln!(
                "[mail] Resend stand-in on {} (the outbox page), e-mails also under {}",
                standin.url(),
                outbox.map(|d| d.display().to_string()).unwrap_or_default()
            );
            loop {
                std::thread::park();
            }
        }
        Err(e) => {
            eprintln!("[mail] cannot serve on port {port}: {e}");
            std::process::exit(1);
        }
    }
}
