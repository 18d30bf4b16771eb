//! What every webhook delivery costs before any I/O: the signature check and reading the
//! event, on a Checkout event of the size Stripe sends (about 3 KB).

use criterion::{criterion_group, criterion_main, Criterion};
use payments::{event, signature};
use serde_json::json;
use std::hint::black_box;

fn webhook(c: &mut Criterion) {
    let secret = b"whsec_bench_0123456789abcdef";
    let now = 1_800_000_000;
    let mut object = json!({"id": "cs_test_a1", "object": "checkout.session",
        "amount_total": 125_000, "currency": "eur", "payment_status": "paid",
        "payment_intent": "pi_3Q0", "mode": "payment", "status": "complete",
        "metadata": {"invoice_id": "6154a701-ee57-4e40-930a-b5b2d324667c",
                     "owner_id": "705620df-027f-4efe-913a-18db7278d1fe"}});
    // Stripe's sessions carry many more fields than we read.
    for n in 0..60 {
        object[format!("field_{n}")] = json!({"value": "x".repeat(24), "n": n});
    }
    let body = json!({"id": "evt_1", "object": "event", "type": "checkout.session.completed",
        "created": now, "livemode": false, "data": {"object": object}})
    .to_string()
    .into_bytes();
    let header = signature::sign(secret, now, &body);
    c.bench_function("webhook/verify", |b| {
        b.iter(|| signature::verify(Some(black_box(&header)), &body, secret, now, 300))
    });
    c.bench_function("webhook/parse", |b| {
        b.iter(|| event::parse(black_box(&body)))
    });
    println!("webhook body: {} bytes", body.len());
}

criterion_group!(benches, webhook);
criterion_main!(benches);
