//! Invoices checked as a reader sees them: poppler's `pdftotext` finds every field and
//! figure, `pdffonts` shows the fonts embedded and subset, `qpdf --check` finds the file
//! well formed — and the same invoice gives the same bytes.
//!
//! Needs poppler-utils and qpdf (`make setup` installs them); a missing tool fails.

use std::path::PathBuf;
use std::process::Command;

use fin_documents::model::{
    Bank, Currency, Discount, Invoice, Line, Party, Payment, Status, TaxSubtotal,
};
use fin_documents::{render, Paper};

fn currency(code: &str, minor_digits: u8) -> Currency {
    Currency {
        code: code.into(),
        minor_digits,
    }
}

fn sample() -> Invoice {
    Invoice {
        number: "INV-2026-0042".into(),
        status: Status::Sent,
        issue_date: "2026-11-30".into(),
        due_date: "2026-12-30".into(),
        currency: currency("EUR", 2),
        seller: Party {
            name: "Zoë Ørsted Design".into(),
            address: vec!["Nørrebrogade 12".into(), "2200 København N".into()],
            country: Some("DK".into()),
            tax_id: Some("DK12345678".into()),
            email: Some("zoe@orsted.example".into()),
        },
        buyer: Party {
            name: "Σοφία & Дмитрий GmbH".into(),
            address: vec!["Hauptstraße 1".into(), "10115 Berlin".into()],
            country: Some("DE".into()),
            tax_id: Some("DE987654321".into()),
            email: None,
        },
        lines: vec![
            Line {
                description: "Logo design, three rounds of revisions".into(),
                quantity: "12.5".into(),
                unit_price: 8_000,
                tax_rate: "19".into(),
                net: 100_000,
            },
            Line {
                description: "Printing (reduced rate)".into(),
                quantity: "1".into(),
                unit_price: 20_000,
                tax_rate: "7".into(),
                net: 20_000,
            },
        ],
        subtotal: 120_000,
        discount: Some(Discount {
            label: "Discount 5 %".into(),
            amount: 6_000,
        }),
        taxes: vec![
            TaxSubtotal {
                rate: "19".into(),
                taxable: 95_000,
                tax: 18_050,
            },
            TaxSubtotal {
                rate: "7".into(),
                taxable: 19_000,
                tax: 1_330,
            },
        ],
        total: 133_380,
        payments: vec![Payment {
            paid_on: "2026-12-01".into(),
            amount: 33_380,
            method: Some("bank transfer".into()),
        }],
        amount_paid: 33_380,
        balance_due: 100_000,
        notes: Some("Thank you! Ευχαριστώ! Спасибо!".into()),
        payment_terms: Some("Payable within 30 days, no deduction.".into()),
        bank: Some(Bank {
            iban: "DK50 0040 0440 1162 43".into(),
            bic: Some("NDEADKKK".into()),
        }),
    }
}

/// The PDF written to a file of its own under target/, for the tools to read.
fn file(name: &str, pdf: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("documents");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write");
    path
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e} (make setup installs poppler-utils and qpdf)"));
    assert!(out.status.success(), "{tool} {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of `pages` (all when `None`), as pdftotext reads it, in reading order.
fn text(path: &std::path::Path, page: Option<usize>) -> String {
    let path = path.to_str().expect("path");
    match page {
        None => run("pdftotext", &["-layout", path, "-"]),
        Some(n) => {
            let n = n.to_string();
            run("pdftotext", &["-layout", "-f", &n, "-l", &n, path, "-"])
        }
    }
}

fn pages(path: &std::path::Path) -> usize {
    let info = run("pdfinfo", &[path.to_str().expect("path")]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("Pages:")
}

#[test]
fn a_reader_finds_every_field_and_figure() {
    let pdf = render(&sample(), Paper::A4).expect("pdf");
    let path = file("sample", &pdf);
    let text = text(&path, None);
    for expected in [
        "INVOICE",
        "INV-2026-0042",
        "2026-11-30",
        "2026-12-30",
        "Zoë Ørsted Design",
        "Nørrebrogade 12",
        "DK12345678",
        "zoe@orsted.example",
        "Σοφία & Дмитрий GmbH",
        "DE987654321",
        "Logo design, three rounds of revisions",
        "12.5",
        "80.00",
        "1,000.00",
        "Tax 19 % on 950.00",
        "180.50",
        "Tax 7 % on 190.00",
        "13.30",
        "Discount 5 %",
        "-60.00",
        "1,333.80",
        "Paid 2026-12-01 (bank transfer)",
        "Balance due EUR",
        "Ευχαριστώ! Спасибо!",
        "Payable within 30 days",
        "DK50 0040 0440 1162 43",
        "Page 1 of 1",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    assert!(!text.contains("DRAFT") && !text.contains("PAID") && !text.contains("VOID"));

    let check = run("qpdf", &["--check", path.to_str().expect("path")]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    let fonts = run("pdffonts", &[path.to_str().expect("path")]);
    let embedded: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(embedded.len(), 2, "regular and bold:\n{fonts}");
    for font in embedded {
        let columns: Vec<&str> = font.split_whitespace().collect();
        // name type… encoding emb sub uni object generation
        let flags = &columns[columns.len() - 5..columns.len() - 2];
        assert_eq!(
            flags,
            ["yes", "yes", "yes"],
            "embedded, subset, mapped: {font}"
        );
        assert!(columns[0].contains("DejaVuSans"), "{font}");
    }
    assert!(pdf.len() < 60_000, "{} bytes: fonts not subset?", pdf.len());
}

#[test]
fn the_same_invoice_gives_the_same_bytes_and_a_change_others() {
    let first = render(&sample(), Paper::A4).expect("pdf");
    assert_eq!(first, render(&sample(), Paper::A4).expect("pdf"));
    let mut changed = sample();
    changed.due_date = "2027-01-15".into();
    assert_ne!(first, render(&changed, Paper::A4).expect("pdf"));
    assert_ne!(first, render(&sample(), Paper::LETTER).expect("pdf"));
}

#[test]
fn amounts_take_the_currencys_minor_digits() {
    for (code, digits, expected) in [
        ("JPY", 0, "8,000"),
        ("BHD", 3, "8.000"),
        ("EUR", 2, "80.00"),
    ] {
        let mut invoice = sample();
        invoice.currency = currency(code, digits);
        invoice.lines.truncate(1);
        invoice.lines[0].unit_price = 8_000;
        invoice.lines[0].quantity = "1".into();
        invoice.lines[0].net = 8_000;
        let path = file(
            &format!("digits-{code}"),
            &render(&invoice, Paper::A4).expect("pdf"),
        );
        let text = text(&path, None);
        assert!(text.contains(expected), "{code}: {expected} not in\n{text}");
        assert!(text.contains(&format!("Total {code}")), "{text}");
    }
}

#[test]
fn draft_void_and_paid_are_marked() {
    for (status, mark) in [
        (Status::Draft, "DRAFT"),
        (Status::Void, "VOID"),
        (Status::Paid, "PAID"),
    ] {
        let mut invoice = sample();
        invoice.status = status;
        let path = file(mark, &render(&invoice, Paper::A4).expect("pdf"));
        assert!(text(&path, Some(1)).contains(mark), "{mark}");
    }
}

#[test]
fn a_500_line_invoice_breaks_across_pages_with_the_header_repeated() {
    let mut invoice = sample();
    invoice.lines = (1..=500)
        .map(|i| Line {
            description: format!("Line {i}: consulting hour, with a description long enough to wrap onto a second line of the column"),
            quantity: "1".into(),
            unit_price: 10_000,
            tax_rate: "19".into(),
            net: 10_000,
        })
        .collect();
    let started = std::time::Instant::now();
    let pdf = render(&invoice, Paper::A4).expect("pdf");
    let took = started.elapsed();
    let path = file("long", &pdf);
    let count = pages(&path);
    assert!(count > 10, "{count} pages");
    let all = text(&path, None);
    for i in [1, 250, 500] {
        assert!(all.contains(&format!("Line {i}:")), "line {i} missing");
    }
    for page in 1..=count {
        let text = text(&path, Some(page));
        assert!(
            text.contains(&format!("Page {page} of {count}")),
            "page {page}"
        );
        if page > 1 {
            assert!(
                text.contains("INV-2026-0042 — Zoë Ørsted Design (continued)"),
                "page {page}"
            );
        }
        if page < count {
            assert!(
                text.contains("Description") && text.contains("Unit price"),
                "page {page}"
            );
        }
    }
    assert!(text(&path, Some(count)).contains("Balance due"));
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    eprintln!(
        "500 lines: {count} pages, {} bytes, rendered in {took:?} ({build} build)",
        pdf.len()
    );
}

#[test]
fn hostile_text_stays_inside_the_layout() {
    let mut invoice = sample();
    invoice.buyer.name = format!("{}\u{202E}evil\u{200B}\u{301}", "W".repeat(200));
    invoice.notes = Some(format!("{}\nsecond line\ttabbed", "word ".repeat(400)));
    invoice.lines[0].description = "x".repeat(1000);
    let path = file("hostile", &render(&invoice, Paper::LETTER).expect("pdf"));
    let text = text(&path, None);
    assert!(text.contains("second line tabbed"), "{text}");
    assert!(text.contains("Balance due"));
    run("qpdf", &["--check", path.to_str().expect("path")]);
}
