//! The pure work of an invoice request: parsing and checking the body, the totals, and
//! a page of `GET /invoices` from the rows Postgres sends to the JSON the API answers.

use billing::domain::{InvoiceFields, InvoiceInput};
use billing::store;
use criterion::{criterion_group, criterion_main, Criterion};
use fin_commercial::totals::{compute, Discount, Line};
use fin_paging::Page;
use spin_sdk::pg4::DbValue;
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

/// A row of `store::COLUMNS` as the load script's invoices come back: one line, no
/// payments, a draft (no seller or buyer frozen yet).
fn row(n: i64) -> Vec<DbValue> {
    let s = |v: &str| DbValue::Str(v.to_owned());
    vec![
        s(&format!("f0c02ae6-4b6c-4045-88ed-{n:012}")),
        DbValue::Int64(2026),
        DbValue::Int64(n),
        s("draft"),
        s("cd4042e9-e9a7-4212-b052-ece300bada20"),
        s("2026-12-02"),
        s("2027-01-01"),
        s("EUR"),
        s(
            r#"[{"description": "Work", "unit_price": 8000, "tax_rate_bp": 1900, "quantity_milli": 1500}]"#,
        ),
        DbValue::DbNull,
        DbValue::DbNull,
        DbValue::DbNull,
        DbValue::Int64(12_000),
        DbValue::Int64(0),
        DbValue::Int64(2_280),
        DbValue::Int64(14_280),
        DbValue::Int64(0),
        DbValue::Int64(1),
        s("[]"),
        DbValue::DbNull,
        DbValue::DbNull,
        DbValue::DbNull,
        s("2026-12-02T17:05:13Z"),
        s("2026-12-02T17:05:13Z"),
        DbValue::Int64(0),
        DbValue::DbNull,
        DbValue::DbNull,
    ]
}

fn page(c: &mut Criterion) {
    let rows: Vec<Vec<DbValue>> = (1..=21).map(row).collect();
    let today = date!(2026 - 12 - 02);
    c.bench_function("page/20-invoices/decode", |b| {
        b.iter(|| {
            black_box(&rows)
                .iter()
                .map(|r| store::invoice(r))
                .collect::<Result<Vec<_>, _>>()
                .expect("rows decode")
        })
    });
    c.bench_function("page/20-invoices/decode+json", |b| {
        b.iter(|| {
            let invoices = black_box(&rows)
                .iter()
                .take(20)
                .map(|r| store::invoice(r))
                .collect::<Result<Vec<_>, _>>()
                .expect("rows decode");
            let page = Page {
                items: invoices.iter().map(|i| i.view(today)).collect(),
                next_cursor: Some("MjAyNi0wMDAx".to_owned()),
            };
            serde_json::to_vec(&page).expect("serialises")
        })
    });
}

criterion_group!(benches, invoice, page);
criterion_main!(benches);
