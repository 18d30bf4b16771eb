//! Token issue and verify: the work every authenticated request pays before its own.

use criterion::{criterion_group, criterion_main, Criterion};
use fin_tokens::claims::TokenConfig;
use std::hint::black_box;

fn config() -> TokenConfig {
    TokenConfig {
        secret: b"bench-secret-bench-secret-bench-secret".to_vec(),
        issuer: "fin-freelancer".into(),
        audience: "fin-freelancer-api".into(),
        ttl_seconds: 900,
    }
}

/// Every access token names its session now: the benches measure one that does.
const SESSION: &str = "0b7c6f1e-3a3d-4c55-9a0e-7f6d2c1b9e10";

fn claims(c: &mut Criterion) {
    let cfg = config();
    let now = 1_800_000_000;
    let (token, _) = cfg
        .issue(
            "5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11",
            Some(SESSION),
            "jti",
            now,
        )
        .expect("issue");
    c.bench_function("tokens/issue", |b| {
        b.iter(|| {
            cfg.issue(
                black_box("5f0c3a52-7a0e-4c1b-9a59-2f1f3c1c8d11"),
                Some(SESSION),
                "jti",
                now,
            )
        })
    });
    c.bench_function("tokens/verify", |b| {
        b.iter(|| cfg.verify(black_box(&token), now))
    });
    let forged = format!("{token}x");
    c.bench_function("tokens/verify-forged", |b| {
        b.iter(|| cfg.verify(black_box(&forged), now))
    });
}

criterion_group!(benches, claims);
criterion_main!(benches);
