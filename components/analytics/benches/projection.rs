//! The CPU side of a catch-up: reading a batch of 500 events (the default
//! `projector_batch_size`) into the rows one statement writes.

use analytics::catch_up::batch;
use analytics::event::{FeedEvent, Position};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::hint::black_box;

fn events(n: i64) -> Vec<FeedEvent> {
    (1..=n)
        .map(|seq| {
            let invoice = format!("00000000-0000-4000-8000-{seq:012}");
            let payload = json!({"invoice": {"id": invoice, "number": "INV-2026-0001",
                "client_id": "38f90b43-4bc0-4c3b-b980-49c582b3b268", "status": "sent",
                "issue_date": "2026-11-26", "due_date": "2026-12-26", "currency": "EUR",
                "subtotal": 1000, "discount_amount": 0, "tax": 190, "total": 1190,
                "amount_paid": 400, "amount_overpaid": 0, "version": 3,
                "sent_at": "2026-11-26T07:09:39Z", "paid_at": null, "voided_at": null,
                "deleted_at": null},
                "payment": {"id": "a1c3", "amount": 400, "overpaid": 0,
                "paid_on": "2026-11-26", "method": null, "reference": null, "source": "manual"}});
            FeedEvent {
                id: format!("e{seq}"),
                event_type: "payment.recorded".into(),
                occurred_at: "2026-11-26T07:09:39Z".into(),
                owner_id: format!("owner-{}", seq % 7),
                aggregate_id: invoice,
                aggregate_version: 3,
                payload: payload.to_string(),
                position: Position { tx: 10, seq },
                traceparent: None,
            }
        })
        .collect()
}

fn projection(c: &mut Criterion) {
    let events = events(500);
    let last = Position { tx: 10, seq: 500 };
    c.bench_function("projection/batch-500", |b| {
        b.iter(|| batch(black_box(&events), last))
    });
}

criterion_group!(benches, projection);
criterion_main!(benches);
