//! What the document tests share: a sample invoice with Danish, Greek and Cyrillic names,
//! and the poppler and qpdf tools run on files written under target/.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use fin_documents::model::{
    Address, Bank, Currency, Discount, Invoice, Kind, Line, Party, Payment, Status, TaxSubtotal,
};

pub fn address(street: &str, postal_code: &str, city: &str, country: &str) -> Address {
    Address {
        line1: Some(street.into()),
        line2: None,
        city: Some(city.into()),
        region: None,
        postal_code: Some(postal_code.into()),
        country: country.into(),
    }
}

pub fn currency(code: &str, minor_digits: u8) -> Currency {
    Currency {
        code: code.into(),
        minor_digits,
    }
}

pub fn sample() -> Invoice {
    Invoice {
        kind: Kind::Invoice,
        number: "INV-2026-0042".into(),
        status: Status::Sent,
        issue_date: "2026-11-30".into(),
        due_date: "2026-12-30".into(),
        currency: currency("EUR", 2),
        seller: Party {
            name: "Zoë Ørsted Design".into(),
            legal_name: "Zoë Ørsted Design".into(),
            address: Some(address("Nørrebrogade 12", "2200", "København N", "DK")),
            tax_id: Some("DK12345678".into()),
            // A CVR (DK-R-002) and where Peppol reaches the studio: a Peppol document.
            registration_id: Some("12345678".into()),
            peppol_id: "0184:DK12345678".parse().ok(),
            email: Some("zoe@orsted.example".into()),
            ..Party::default()
        },
        buyer: Party {
            name: "Σοφία & Дмитрий GmbH".into(),
            legal_name: "Σοφία & Дмитрий GmbH".into(),
            address: Some(address("Hauptstraße 1", "10115", "Berlin", "DE")),
            tax_id: Some("DE987654321".into()),
            email: Some("ap@sofia-dmitry.example".into()),
            ..Party::default()
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
        amount_credited: 0,
        balance_due: 100_000,
        notes: Some("Thank you! Ευχαριστώ! Спасибо!".into()),
        payment_terms: Some("Payable within 30 days, no deduction.".into()),
        bank: Some(Bank {
            iban: "DK50 0040 0440 1162 43".into(),
            bic: Some("NDEADKKK".into()),
        }),
        logo: None,
    }
}

/// A credit note against the sample invoice for its second line: 200.00 at 7 %.
pub fn credit_note() -> Invoice {
    let invoice = sample();
    Invoice {
        kind: Kind::CreditNote {
            invoice_number: invoice.number.clone(),
            invoice_issue_date: invoice.issue_date.clone(),
        },
        number: "CN-2026-0001".into(),
        issue_date: "2026-12-05".into(),
        due_date: "2026-12-05".into(),
        lines: vec![invoice.lines[1].clone()],
        subtotal: 20_000,
        discount: None,
        taxes: vec![TaxSubtotal {
            rate: "7".into(),
            taxable: 20_000,
            tax: 1_400,
        }],
        total: 21_400,
        payments: Vec::new(),
        amount_paid: 0,
        amount_credited: 0,
        balance_due: 21_400,
        notes: Some("The printing was cancelled.".into()),
        ..invoice
    }
}

/// The PDF written to a file of its own under target/, for the tools to read.
pub fn file(name: &str, pdf: &[u8]) -> PathBuf {
    write(&format!("{name}.pdf"), pdf)
}

/// `bytes` as `file_name` in a folder of the tests' own under target/.
pub fn write(file_name: &str, bytes: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("documents");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(file_name);
    std::fs::write(&path, bytes).expect("write");
    path
}

pub fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e} (make setup installs poppler-utils and qpdf)"));
    assert!(out.status.success(), "{tool} {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of `pages` (all when `None`), as pdftotext reads it, in reading order.
pub fn text(path: &std::path::Path, page: Option<usize>) -> String {
    let path = path.to_str().expect("path");
    match page {
        None => run("pdftotext", &["-layout", path, "-"]),
        Some(n) => {
            let n = n.to_string();
            run("pdftotext", &["-layout", "-f", &n, "-l", &n, path, "-"])
        }
    }
}

/// A `width` × `height` PNG logo (a gradient), as the documents get it.
pub fn logo(width: u32, height: u32) -> fin_documents::model::Logo {
    let mut data = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut data, width, height);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().expect("header");
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
        writer.write_image_data(&pixels).expect("pixels");
    }
    fin_documents::model::Logo {
        sha256: "0".repeat(64),
        content_type: "image/png".into(),
        width,
        height,
        data,
    }
}
