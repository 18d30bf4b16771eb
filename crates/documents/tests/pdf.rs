//! Invoices checked as a reader sees them: poppler's `pdftotext` finds every field and
//! figure, `pdffonts` shows the fonts embedded and subset, `qpdf --check` finds the file
//! well formed — and the same invoice gives the same bytes.
//!
//! Needs poppler-utils and qpdf (`make setup` installs them); a missing tool fails.

mod support;

use fin_documents::model::{Line, Status};
use fin_documents::{render, Paper};
use support::{credit_note, currency, file, logo, run, sample, text};

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
fn a_credit_note_says_so_and_names_the_invoice_it_credits() {
    let path = file(
        "credit-note",
        &render(&credit_note(), Paper::A4).expect("pdf"),
    );
    let page = text(&path, Some(1));
    for expected in [
        "CREDIT NOTE",
        "CN-2026-0001",
        "Credits invoice",
        "INV-2026-0042",
        "Credited EUR",
        "214.00",
    ] {
        assert!(page.contains(expected), "{expected:?} not in:\n{page}");
    }
    assert!(
        !page.contains("Balance due") && !page.contains("INVOICE"),
        "{page}"
    );
    run("qpdf", &["--check", path.to_str().expect("path")]);
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

#[test]
fn the_logo_is_drawn_above_the_seller_and_a_broken_one_is_left_out() {
    let mut invoice = sample();
    invoice.logo = Some(logo(300, 100));
    let path = file("logo", &render(&invoice, Paper::A4).expect("pdf"));
    let images = run("pdfimages", &["-list", path.to_str().expect("path")]);
    let rows: Vec<&str> = images.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "one image:\n{images}");
    let columns: Vec<&str> = rows[0].split_whitespace().collect();
    assert_eq!(
        &columns[3..5],
        ["300", "100"],
        "drawn from its own pixels: {images}"
    );
    assert!(
        text(&path, None).contains("Zoë Ørsted Design"),
        "the seller still reads"
    );
    run("qpdf", &["--check", path.to_str().expect("path")]);

    let mut broken = sample();
    let mut bad = logo(300, 100);
    bad.data.truncate(40);
    broken.logo = Some(bad);
    let path = file("logo-broken", &render(&broken, Paper::A4).expect("pdf"));
    let images = run("pdfimages", &["-list", path.to_str().expect("path")]);
    assert_eq!(images.lines().skip(2).count(), 0, "{images}");
}

#[test]
fn a_quote_reads_as_an_offer_valid_until_its_day() {
    let invoice = sample();
    let quote = fin_documents::Invoice {
        kind: fin_documents::model::Kind::Quote {
            valid_until: "2027-01-15".into(),
        },
        number: "QUO-2026-0007".into(),
        payments: Vec::new(),
        amount_paid: 0,
        balance_due: 0,
        payment_terms: None,
        bank: None,
        ..invoice
    };
    let pdf = render(&quote, Paper::A4).expect("pdf");
    let text = text(&file("quote", &pdf), None);
    for expected in [
        "QUOTE",
        "QUO-2026-0007",
        "Valid until",
        "2027-01-15",
        "Prepared for",
        "Logo design, three rounds of revisions",
        "Total EUR",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    for absent in [
        "INVOICE",
        "Bill to",
        "Balance due",
        "Due date",
        "Paid ",
        "DK50 0040",
    ] {
        assert!(!text.contains(absent), "{absent:?} on a quote:\n{text}");
    }
}
