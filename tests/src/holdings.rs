//! What an account holds in Postgres, for the suites that take it away (erasure) or
//! hand it over (export): every table with an owner column, read directly.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::contract::spec;
use crate::{App, Fixture};

impl App {
    /// Every base table with an owner column, and that column.
    pub fn owned_tables(&self) -> Vec<(String, String)> {
        self.db()
            .query(
                "SELECT c.table_name::text, c.column_name::text
                 FROM information_schema.columns c
                 JOIN information_schema.tables t
                   ON t.table_name = c.table_name AND t.table_schema = c.table_schema
                 WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                   AND c.column_name IN ('owner_id', 'user_id')
                 ORDER BY 1",
                &[],
            )
            .expect("tables")
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect()
    }

    /// Waits until the projector and the delivery context have applied every event in
    /// the outbox (so no row of an account is still to come).
    pub fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let behind: i64 = self
                .db()
                .query_one(
                    "SELECT (SELECT count(*) FROM outbox o, analytics_checkpoint c
                             WHERE (o.tx::text::bigint, o.seq) > (c.tx, c.seq))
                          + (SELECT count(*) FROM outbox o, delivery_checkpoint c
                             WHERE (o.tx::text::bigint, o.seq) > (c.tx, c.seq))",
                    &[],
                )
                .expect("lag")
                .get(0);
            if behind == 0 {
                return;
            }
            assert!(Instant::now() < deadline, "{behind} event(s) not applied");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Fixture {
    /// A freelancer with one of everything: profile and logo, a client, a draft, a sent
    /// invoice (e-mailed when the app has a mailer, shared, partly paid), delivery
    /// settings and the security log.
    pub fn busy(app: &App, tag: &str) -> Fixture {
        let fixture = Fixture::new(app, tag);
        let user = &fixture.user;
        let logo = user
            .call("PUT", "/business-profile/logo")
            .raw("image/png", crate::images::png(8, 8, 1))
            .send();
        assert!(logo.status < 300, "{}", logo.body);
        let settings = spec()
            .request_example("/delivery-settings", "PUT")
            .expect("the spec's settings example");
        let put = user
            .call("PUT", "/delivery-settings")
            .json(&settings)
            .send();
        assert!(put.status < 300, "{}", put.body);
        let paid = user.post(
            &format!("/invoices/{}/payments", fixture.sent),
            &json!({"amount": 1_000}),
        );
        assert_eq!(paid.status, 201, "{}", paid.body);
        let credited = user.post(
            &format!("/invoices/{}/credit-notes", fixture.sent),
            &json!({"amount": 500, "reason": "A day cut short"}),
        );
        assert_eq!(credited.status, 201, "{}", credited.body);
        let item = spec()
            .request_example("/items", "POST")
            .expect("the spec's item example");
        let kept = user.post("/items", &item);
        assert_eq!(kept.status, 201, "{}", kept.body);
        fixture
    }
}
