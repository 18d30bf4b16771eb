//! Templates and periods in memory, with the store's compare-and-set rules, for the
//! native tests of the use cases and the sweep.

use std::cell::{Cell, RefCell};

use fin_commercial::money::Currency;
use fin_problem::Fault;
use jiff::Timestamp;

use crate::domain::TemplateFields;
use crate::issue::{Made, Owed, Periods};
use crate::listing::ListQuery;
use crate::service::{IdempotencyKey, Standing, TemplateStore};
use crate::sweep::Decision;
use crate::template::{Run, Template};

pub struct Row {
    pub owner: String,
    pub template: Template,
    pub next_due_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct RunRow {
    pub template_id: String,
    pub period: u32,
    pub owner: String,
    pub issue_date: String,
    pub state: String,
    pub body: Option<serde_json::Value>,
    pub send: bool,
    pub invoice_id: Option<String>,
    pub error: Option<String>,
    pub leased: bool,
}

#[derive(Default)]
pub struct Memory {
    pub rows: RefCell<Vec<Row>>,
    pub runs: RefCell<Vec<RunRow>>,
    /// (owner, client, default currency)
    pub clients: Vec<(String, String, Option<Currency>)>,
    seq: Cell<u32>,
    /// (owner, key) → (template id, request digest).
    keys: fin_idempotency::MemoryKeys,
}

impl Memory {
    pub fn with_client(owner: &str, client: &str, currency: Option<&str>) -> Self {
        Self {
            clients: vec![(
                owner.into(),
                client.into(),
                currency.map(|c| Currency::parse(c).expect("currency")),
            )],
            ..Self::default()
        }
    }

    fn shown(&self, mut template: Template) -> Template {
        let runs = self.runs.borrow();
        let mut mine: Vec<&RunRow> = runs
            .iter()
            .filter(|r| r.template_id == template.id)
            .collect();
        mine.sort_by_key(|r| std::cmp::Reverse(r.period));
        template.runs = mine
            .iter()
            .take(12)
            .map(|r| Run {
                period: r.period,
                issue_date: r.issue_date.clone(),
                state: r.state.clone(),
                invoice_id: r.invoice_id.clone(),
                error: r.error.clone(),
            })
            .collect();
        template
    }

    /// Every period decided for `template`, oldest first.
    pub fn periods(&self, template: &str) -> Vec<RunRow> {
        let mut runs: Vec<RunRow> = self
            .runs
            .borrow()
            .iter()
            .filter(|r| r.template_id == template)
            .cloned()
            .collect();
        runs.sort_by_key(|r| r.period);
        runs
    }

    /// Lets every lease run out, as time passing would.
    pub fn expire_leases(&self) {
        for run in self.runs.borrow_mut().iter_mut() {
            run.leased = false;
        }
    }

    fn update_run(&self, owed: &Owed, change: impl FnOnce(&mut RunRow)) {
        if let Some(run) = self
            .runs
            .borrow_mut()
            .iter_mut()
            .find(|r| r.template_id == owed.template_id && r.period == owed.period)
        {
            change(run);
        }
    }
}

fn due(standing: &Standing) -> Option<Timestamp> {
    standing
        .next_due_at
        .as_deref()
        .map(|at| at.parse().expect("RFC 3339"))
}

impl TemplateStore for Memory {
    fn client_currency(
        &self,
        owner: &str,
        client: &str,
    ) -> Result<Option<Option<Currency>>, Fault> {
        Ok(self
            .clients
            .iter()
            .find(|(o, c, _)| o == owner && c == client)
            .map(|(_, _, currency)| *currency))
    }

    fn insert(
        &self,
        owner: &str,
        fields: &TemplateFields,
        standing: &Standing,
        key: Option<&IdempotencyKey>,
    ) -> Result<Template, Fault> {
        if self.keys.taken(owner, key) {
            return Err(Fault::from(
                "duplicate key value violates unique constraint",
            ));
        }
        self.seq.set(self.seq.get() + 1);
        let template = Template {
            id: format!("00000000-0000-4000-8000-{:012}", self.seq.get()),
            fields: fields.clone(),
            paused: standing.paused,
            next_period: standing.next_period,
            version: 1,
            created_at: format!("2026-12-06T10:00:{:02}Z", self.seq.get() % 60),
            updated_at: "2026-12-06T10:00:00Z".into(),
            runs: Vec::new(),
        };
        self.rows.borrow_mut().push(Row {
            owner: owner.into(),
            template: template.clone(),
            next_due_at: due(standing),
        });
        self.keys.keep(owner, key, &template.id);
        Ok(template)
    }

    fn replay(&self, owner: &str, key: &str) -> Result<Option<(String, String)>, Fault> {
        Ok(self.keys.replay(owner, key))
    }

    fn get(&self, owner: &str, id: &str) -> Result<Option<Template>, Fault> {
        let found = self
            .rows
            .borrow()
            .iter()
            .find(|r| r.owner == owner && r.template.id == id)
            .map(|r| r.template.clone());
        Ok(found.map(|t| self.shown(t)))
    }

    fn save(
        &self,
        owner: &str,
        current: &Template,
        fields: &TemplateFields,
        standing: &Standing,
    ) -> Result<Option<Template>, Fault> {
        let mut rows = self.rows.borrow_mut();
        let Some(row) = rows.iter_mut().find(|r| {
            r.owner == owner
                && r.template.id == current.id
                && r.template.version == current.version
                && r.template.next_period == current.next_period
        }) else {
            return Ok(None);
        };
        row.template.fields = fields.clone();
        row.template.paused = standing.paused;
        row.template.next_period = standing.next_period;
        row.template.version += 1;
        row.next_due_at = due(standing);
        let saved = row.template.clone();
        drop(rows);
        Ok(Some(self.shown(saved)))
    }

    fn delete(&self, owner: &str, id: &str) -> Result<bool, Fault> {
        let mut rows = self.rows.borrow_mut();
        let before = rows.len();
        rows.retain(|r| !(r.owner == owner && r.template.id == id));
        let deleted = rows.len() < before;
        if deleted {
            self.runs.borrow_mut().retain(|r| r.template_id != id);
        }
        Ok(deleted)
    }

    fn list(&self, owner: &str, query: &ListQuery) -> Result<Vec<(Template, String)>, Fault> {
        let mut mine: Vec<(Template, String)> = self
            .rows
            .borrow()
            .iter()
            .filter(|r| r.owner == owner)
            .map(|r| (r.template.clone(), r.template.created_at.clone()))
            .collect();
        mine.sort_by(|a, b| (&b.1, &b.0.id).cmp(&(&a.1, &a.0.id)));
        if let Some(after) = &query.after {
            mine.retain(|(t, key)| (key, &t.id) < (&after.key, &after.id));
        }
        mine.truncate(query.limit as usize + 1);
        Ok(mine)
    }
}

impl Periods for Memory {
    fn due(&self, now: Timestamp, limit: u32) -> Result<Vec<Template>, Fault> {
        let due: Vec<Template> = self
            .rows
            .borrow()
            .iter()
            .filter(|r| !r.template.paused && r.next_due_at.is_some_and(|at| at <= now))
            .take(limit as usize)
            .map(|r| r.template.clone())
            .collect();
        Ok(due)
    }

    fn decide(&self, template: &Template, decision: &Decision) -> Result<bool, Fault> {
        let mut rows = self.rows.borrow_mut();
        let Some(row) = rows.iter_mut().find(|r| {
            r.template.id == template.id
                && r.template.version == template.version
                && r.template.next_period == template.next_period
                && !r.template.paused
        }) else {
            return Ok(false);
        };
        let mut runs = self.runs.borrow_mut();
        for run in &decision.runs {
            if runs
                .iter()
                .any(|r| r.template_id == template.id && r.period == run.period)
            {
                return Err(Fault::Internal(format!(
                    "period {} decided twice (primary key)",
                    run.period
                )));
            }
        }
        row.template.next_period = decision.next;
        row.next_due_at = decision
            .next_due_at
            .as_deref()
            .map(|at| at.parse().expect("RFC 3339"));
        for run in &decision.runs {
            runs.push(RunRow {
                template_id: template.id.clone(),
                period: run.period,
                owner: row.owner.clone(),
                issue_date: run.issue_date.to_string(),
                state: if run.body.is_some() {
                    "pending"
                } else {
                    "skipped"
                }
                .into(),
                body: run.body.clone(),
                send: run.send,
                invoice_id: None,
                error: None,
                leased: false,
            });
        }
        Ok(true)
    }

    fn claim(&self, limit: u32, _lease_seconds: u32) -> Result<Vec<Owed>, Fault> {
        let mut claimed = Vec::new();
        for run in self.runs.borrow_mut().iter_mut() {
            if claimed.len() as u32 == limit {
                break;
            }
            if matches!(run.state.as_str(), "pending" | "created") && !run.leased {
                run.leased = true;
                claimed.push(Owed {
                    template_id: run.template_id.clone(),
                    period: run.period,
                    owner: run.owner.clone(),
                    body: run.body.clone().unwrap_or_default(),
                    send: run.send,
                    invoice_id: run.invoice_id.clone(),
                });
            }
        }
        Ok(claimed)
    }

    fn made(&self, owed: &Owed, invoice_id: &str, done: Made) -> Result<(), Fault> {
        self.update_run(owed, |run| {
            run.state = done.state().into();
            run.invoice_id = Some(invoice_id.into());
            run.error = None;
        });
        Ok(())
    }

    fn failed(&self, owed: &Owed, reason: &str) -> Result<(), Fault> {
        self.update_run(owed, |run| {
            run.state = "failed".into();
            run.error = Some(reason.into());
        });
        Ok(())
    }

    fn later(&self, owed: &Owed, reason: &str) -> Result<(), Fault> {
        self.update_run(owed, |run| run.error = Some(reason.into()));
        Ok(())
    }
}
