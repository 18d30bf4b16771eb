//! The dashboard as billing's own tables say it should be: the oracle the events suite
//! holds the read model to.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::dates::{civil, date, today};

/// A user's dashboard recomputed from billing's tables — `invoices` and `payments`, not
/// the read model — by the definitions in components/analytics/src/dashboard.rs
/// (docs/events.md). Freshness, which has no source-table equivalent, is taken from
/// `shown`.
pub fn dashboard(db: &mut postgres::Client, owner: &str, shown: &Value) -> Value {
    let today = today();
    let invoices = db
        .query(
            "SELECT status, currency::text, client_id::text, total, amount_paid, amount_credited,
                    (due_date - DATE '1970-01-01')::int8, (issue_date - DATE '1970-01-01')::int8
             FROM invoices WHERE owner_id = $1::text::uuid AND deleted_at IS NULL",
            &[&owner],
        )
        .expect("invoices");
    let payments = db
        .query(
            "SELECT i.currency::text, p.amount, (p.paid_on - DATE '1970-01-01')::int8
             FROM payments p JOIN invoices i ON i.id = p.invoice_id
             WHERE p.owner_id = $1::text::uuid",
            &[&owner],
        )
        .expect("payments");
    let months = month_window(today);
    let mut counts = BTreeMap::from([
        ("draft", 0),
        ("sent", 0),
        ("overdue", 0),
        ("paid", 0),
        ("void", 0),
    ]);
    let mut outstanding: BTreeMap<String, (i64, i64, i64, i64)> = BTreeMap::new();
    let mut clients: BTreeMap<String, BTreeMap<String, (i64, i64)>> = BTreeMap::new();
    let mut series: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    let mut received30: BTreeMap<String, i64> = BTreeMap::new();
    for row in &invoices {
        let (status, currency, client): (String, String, String) =
            (row.get(0), row.get(1), row.get(2));
        let (total, paid, credited, due, issued): (i64, i64, i64, i64, i64) =
            (row.get(3), row.get(4), row.get(5), row.get(6), row.get(7));
        let owed = total - credited - paid;
        let overdue = status == "sent" && due < today;
        *counts
            .entry(if overdue { "overdue" } else { leak(&status) })
            .or_default() += 1;
        if status == "sent" {
            let o = outstanding.entry(currency.clone()).or_default();
            o.0 += owed;
            o.1 += 1;
            if overdue {
                o.2 += owed;
                o.3 += 1;
            }
            let c = clients
                .entry(currency.clone())
                .or_default()
                .entry(client)
                .or_default();
            c.0 += owed;
            c.1 += 1;
        }
        if status == "sent" || status == "paid" {
            if let Some(m) = months.iter().position(|m| *m == month_of(issued)) {
                series.entry(currency).or_insert_with(|| vec![(0, 0); 12])[m].0 += total - credited;
            }
        }
    }
    for row in &payments {
        let (currency, amount, paid_on): (String, i64, i64) = (row.get(0), row.get(1), row.get(2));
        if let Some(m) = months.iter().position(|m| *m == month_of(paid_on)) {
            series
                .entry(currency.clone())
                .or_insert_with(|| vec![(0, 0); 12])[m]
                .1 += amount;
        }
        if (today - 29..=today).contains(&paid_on) {
            *received30.entry(currency).or_default() += amount;
        }
    }
    json!({
        "today": date(today),
        "counts": counts,
        "outstanding": outstanding.iter()
            .map(|(c, o)| json!({"currency": c, "amount": o.0, "invoices": o.1})).collect::<Vec<_>>(),
        "overdue": outstanding.iter().filter(|(_, o)| o.3 > 0)
            .map(|(c, o)| json!({"currency": c, "amount": o.2, "invoices": o.3})).collect::<Vec<_>>(),
        "paid_last_30_days": received30.iter()
            .map(|(c, a)| json!({"currency": c, "amount": a})).collect::<Vec<_>>(),
        "revenue_by_month": series.iter().map(|(c, points)| json!({
            "currency": c,
            "months": months.iter().zip(points)
                .map(|(m, p)| json!({"month": m, "invoiced": p.0, "received": p.1})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "top_clients": clients.iter().map(|(c, by_client)| {
            let mut ranked: Vec<_> = by_client.iter().collect();
            ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(b.0)));
            json!({"currency": c, "clients": ranked.iter().take(5)
                .map(|(id, (amount, n))| json!({"client_id": id, "outstanding": amount, "invoices": n}))
                .collect::<Vec<_>>()})
        }).collect::<Vec<_>>(),
        "failed_deliveries": db
            .query_one(
                "SELECT count(*) FROM deliveries WHERE owner_id = $1::text::uuid AND status = 'failed'",
                &[&owner],
            )
            .expect("failed deliveries")
            .get::<_, i64>(0),
        "freshness": shown["freshness"].clone(),
    })
}

fn leak(status: &str) -> &'static str {
    match status {
        "draft" => "draft",
        "sent" => "sent",
        "paid" => "paid",
        _ => "void",
    }
}

fn month_of(days: i64) -> String {
    date(days)[..7].to_owned()
}

/// The twelve months ending with this one, oldest first.
fn month_window(today: i64) -> Vec<String> {
    let (mut y, mut m, _) = civil(today);
    let mut months = Vec::new();
    for _ in 0..12 {
        months.push(format!("{y:04}-{m:02}"));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    months.reverse();
    months
}
