//! The pure work of an invoice request: parsing and checking the body, and the totals.

use billing::domain::{InvoiceFields, InvoiceInput};
use billing::totals::{compute, Discount, Line};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use time::macros::date;

/// `n` lines over three tax rates, quantities with decimals.
fn lines(n: usize) -> Vec<Line> {
    (0..n)
        .map(|i| Line {
            quantity_milli: 1_250 + i as i64,
            unit_price: 3_333 + i as i64 * 17,
            tax_rate_bp: [0, 700, 1900][i % 3],
        })
        .collect()
}

fn body(n: usize) -> String {
    let lines: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "description": format!("Consulting, week {i}"),
                "quantity": 1.25,
                "unit_price": 12_000,
                "tax_rate": "19",
            })
        })
        .collect();
    serde_json::json!({
        "client_id": "6f1c2b1e-8a7d-4c7e-9f55-0d2b6d0e4a11",
        "issue_date": "2026-03-01",
        "lines": lines,
        "discount": {"percent": "5"},
        "notes": "Thank you for your business.",
    })
    .to_string()
}

fn invoice(c: &mut Criterion) {
    for n in [1, 20, 200] {
        let priced = lines(n);
        c.bench_function(&format!("totals/{n}-lines"), |b| {
            b.iter(|| compute(black_box(&priced), Discount::Percent(500)))
        });
    }
    for n in [1, 20] {
        let raw = body(n);
        c.bench_function(&format!("parse/{n}-lines"), |b| {
            b.iter(|| {
                let input: InvoiceInput =
                    serde_json::from_str(black_box(&raw)).expect("valid json");
                InvoiceFields::create(input, date!(2026 - 03 - 01)).expect("valid invoice")
            })
        });
    }
}

criterion_group!(benches, invoice);
criterion_main!(benches);
