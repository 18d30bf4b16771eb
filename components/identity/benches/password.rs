//! argon2id at OWASP cost: the price of every login and registration, by design.

use criterion::{criterion_group, criterion_main, Criterion};
use identity::domain::Password;
use identity::password;
use std::hint::black_box;

fn argon2(c: &mut Criterion) {
    let chosen = Password::parse("correct horse battery").expect("valid");
    let stored = password::hash(&chosen).expect("hash");
    let mut group = c.benchmark_group("password");
    group.sample_size(20);
    group.bench_function("hash", |b| b.iter(|| password::hash(black_box(&chosen))));
    group.bench_function("verify", |b| {
        b.iter(|| password::verify(black_box("correct horse battery"), Some(&stored)))
    });
    group.bench_function("verify-unknown-user", |b| {
        b.iter(|| password::verify(black_box("correct horse battery"), None))
    });
    group.finish();
}

criterion_group!(benches, argon2);
criterion_main!(benches);
