//! Where a freelancer's money stands, shaped from the read model's grouped figures.
//!
//! Definitions (docs/events.md has them for API users too):
//! - **outstanding**: what is still due on sent invoices (`total - amount_credited -
//!   amount_paid`), per currency; **overdue** is the part on invoices past their due date (UTC today).
//! - **paid in the last 30 days**: money received (payments, overpaid parts included)
//!   dated today or in the 29 days before.
//! - **revenue by month**, for the current month and the 11 before, per currency:
//!   `invoiced` (totals of sent and paid invoices less their credit notes, by issue
//!   date; drafts, void and deleted invoices are not revenue) and `received` (payments by payment date).
//! - **counts** of invoices by the status a user sees (`overdue` split from `sent`).
//! - **top clients**: per currency, the five clients with the most outstanding.
//!
//! Currencies are never added together: every amount is per currency.

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, Month};

/// One grouped figure from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    /// Invoices per shown status.
    Status { status: String, count: i64 },
    /// Sent invoices of one currency: still due, and the overdue part.
    Outstanding {
        currency: String,
        amount: i64,
        invoices: i64,
        overdue_amount: i64,
        overdue_invoices: i64,
    },
    /// Payments of the last 30 days.
    Received30 { currency: String, amount: i64 },
    /// E-mails to clients that failed for good (the delivery context's count).
    FailedDeliveries { count: i64 },
    /// `YYYY-MM`.
    Invoiced {
        month: String,
        currency: String,
        amount: i64,
    },
    Received {
        month: String,
        currency: String,
        amount: i64,
    },
    /// Outstanding of one client in one currency.
    Client {
        currency: String,
        client_id: String,
        amount: i64,
        invoices: i64,
    },
}

/// How fresh the figures are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Freshness {
    /// The newest of the user's events the figures include (`null` before the first).
    pub last_event_id: Option<String>,
    pub last_event_type: Option<String>,
    pub last_event_at: Option<String>,
    /// When the projector last reached the end of the event feed.
    pub caught_up_at: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Dashboard {
    /// The day (UTC) overdue and the 30-day window are counted from.
    pub today: String,
    pub counts: Counts,
    pub outstanding: Vec<Amount>,
    pub overdue: Vec<Amount>,
    pub paid_last_30_days: Vec<Amount>,
    pub revenue_by_month: Vec<Series>,
    pub top_clients: Vec<TopClients>,
    /// E-mails to clients that could not be delivered (a bad address, a void invoice):
    /// each is on its invoice's deliveries with the reason.
    pub failed_deliveries: i64,
    pub freshness: Freshness,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub draft: i64,
    pub sent: i64,
    pub overdue: i64,
    pub paid: i64,
    pub void: i64,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Amount {
    pub currency: String,
    pub amount: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoices: Option<i64>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Series {
    pub currency: String,
    /// Twelve months, oldest first, every month present (zero when nothing happened).
    pub months: Vec<Month12>,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct Month12 {
    pub month: String,
    pub invoiced: i64,
    pub received: i64,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct TopClients {
    pub currency: String,
    pub clients: Vec<ClientOutstanding>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ClientOutstanding {
    pub client_id: String,
    pub outstanding: i64,
    pub invoices: i64,
}

pub const TOP_CLIENTS: usize = 5;

/// The twelve months the dashboard shows, `YYYY-MM`, oldest first, ending with today's.
pub fn months(today: Date) -> Vec<String> {
    let (mut year, mut month) = (today.year(), today.month());
    let mut months = Vec::with_capacity(12);
    for _ in 0..12 {
        months.push(format!("{year:04}-{:02}", month as u8));
        if month == Month::January {
            year -= 1;
        }
        month = month.previous();
    }
    months.reverse();
    months
}

/// The entry for `month` in `currency`'s series (created with every month of the window
/// at zero); `None` for a month outside the window.
fn month_slot<'a>(
    series: &'a mut BTreeMap<String, Vec<Month12>>,
    window: &[String],
    currency: &str,
    month: &str,
) -> Option<&'a mut Month12> {
    let at = window.iter().position(|m| m == month)?;
    series
        .entry(currency.to_owned())
        .or_insert_with(|| {
            window
                .iter()
                .map(|m| Month12 {
                    month: m.clone(),
                    invoiced: 0,
                    received: 0,
                })
                .collect()
        })
        .get_mut(at)
}

/// The dashboard from the store's figures.
pub fn dashboard(figures: Vec<Figure>, today: Date, freshness: Freshness) -> Dashboard {
    let window = months(today);
    let mut counts = Counts::default();
    let mut outstanding = Vec::new();
    let mut overdue = Vec::new();
    let mut paid_last_30_days = Vec::new();
    let mut series: BTreeMap<String, Vec<Month12>> = BTreeMap::new();
    let mut clients: BTreeMap<String, Vec<ClientOutstanding>> = BTreeMap::new();
    let mut failed_deliveries = 0;
    for figure in figures {
        match figure {
            Figure::FailedDeliveries { count } => failed_deliveries += count,
            Figure::Status { status, count } => match status.as_str() {
                "draft" => counts.draft += count,
                "sent" => counts.sent += count,
                "overdue" => counts.overdue += count,
                "paid" => counts.paid += count,
                "void" => counts.void += count,
                _ => {}
            },
            Figure::Outstanding {
                currency,
                amount,
                invoices,
                overdue_amount,
                overdue_invoices,
            } => {
                if overdue_invoices > 0 {
                    overdue.push(Amount {
                        currency: currency.clone(),
                        amount: overdue_amount,
                        invoices: Some(overdue_invoices),
                    });
                }
                outstanding.push(Amount {
                    currency,
                    amount,
                    invoices: Some(invoices),
                });
            }
            Figure::Received30 { currency, amount } => paid_last_30_days.push(Amount {
                currency,
                amount,
                invoices: None,
            }),
            Figure::Invoiced {
                month,
                currency,
                amount,
            } => {
                if let Some(m) = month_slot(&mut series, &window, &currency, &month) {
                    m.invoiced += amount;
                }
            }
            Figure::Received {
                month,
                currency,
                amount,
            } => {
                if let Some(m) = month_slot(&mut series, &window, &currency, &month) {
                    m.received += amount;
                }
            }
            Figure::Client {
                currency,
                client_id,
                amount,
                invoices,
            } => clients
                .entry(currency)
                .or_default()
                .push(ClientOutstanding {
                    client_id,
                    outstanding: amount,
                    invoices,
                }),
        }
    }
    for list in [&mut outstanding, &mut overdue, &mut paid_last_30_days] {
        list.sort_by(|a, b| a.currency.cmp(&b.currency));
    }
    Dashboard {
        today: format!(
            "{:04}-{:02}-{:02}",
            today.year(),
            today.month() as u8,
            today.day()
        ),
        counts,
        outstanding,
        overdue,
        paid_last_30_days,
        failed_deliveries,
        revenue_by_month: series
            .into_iter()
            .map(|(currency, months)| Series { currency, months })
            .collect(),
        top_clients: clients
            .into_iter()
            .map(|(currency, mut clients)| {
                // Most outstanding first; ties in a stable, documented order.
                clients.sort_by(|a, b| {
                    b.outstanding
                        .cmp(&a.outstanding)
                        .then_with(|| a.client_id.cmp(&b.client_id))
                });
                clients.truncate(TOP_CLIENTS);
                TopClients { currency, clients }
            })
            .collect(),
        freshness,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn twelve_months_end_with_this_one_across_a_new_year() {
        let months = months(date!(2026 - 02 - 15));
        assert_eq!(months.len(), 12);
        assert_eq!(months.first().map(String::as_str), Some("2025-03"));
        assert_eq!(months.last().map(String::as_str), Some("2026-02"));
    }

    #[test]
    fn every_series_has_all_twelve_months_and_nothing_outside_them() {
        let d = dashboard(
            vec![
                Figure::Invoiced {
                    month: "2026-01".into(),
                    currency: "EUR".into(),
                    amount: 500,
                },
                Figure::Received {
                    month: "2026-01".into(),
                    currency: "EUR".into(),
                    amount: 200,
                },
                Figure::Received {
                    month: "2024-01".into(),
                    currency: "USD".into(),
                    amount: 999,
                },
            ],
            date!(2026 - 02 - 15),
            Freshness::default(),
        );
        assert_eq!(d.revenue_by_month.len(), 1, "USD had nothing in the window");
        let eur = &d.revenue_by_month[0];
        assert_eq!(eur.months.len(), 12);
        assert_eq!(
            eur.months[10],
            Month12 {
                month: "2026-01".into(),
                invoiced: 500,
                received: 200
            }
        );
        assert_eq!(eur.months[11].invoiced, 0);
    }

    #[test]
    fn top_clients_are_five_per_currency_most_outstanding_first() {
        let figures = (1..=7)
            .map(|n| Figure::Client {
                currency: "EUR".into(),
                client_id: format!("c{n}"),
                amount: n * 100,
                invoices: 1,
            })
            .chain([Figure::Client {
                currency: "CHF".into(),
                client_id: "z".into(),
                amount: 1,
                invoices: 1,
            }])
            .collect();
        let d = dashboard(figures, date!(2026 - 02 - 15), Freshness::default());
        assert_eq!(d.top_clients[0].currency, "CHF");
        let eur: Vec<&str> = d.top_clients[1]
            .clients
            .iter()
            .map(|c| c.client_id.as_str())
            .collect();
        assert_eq!(eur, ["c7", "c6", "c5", "c4", "c3"]);
    }

    #[test]
    fn overdue_is_listed_only_where_there_is_some() {
        let d = dashboard(
            vec![
                Figure::Outstanding {
                    currency: "USD".into(),
                    amount: 300,
                    invoices: 2,
                    overdue_amount: 0,
                    overdue_invoices: 0,
                },
                Figure::Outstanding {
                    currency: "EUR".into(),
                    amount: 500,
                    invoices: 2,
                    overdue_amount: 200,
                    overdue_invoices: 1,
                },
                Figure::Status {
                    status: "overdue".into(),
                    count: 1,
                },
            ],
            date!(2026 - 02 - 15),
            Freshness::default(),
        );
        let currencies: Vec<&str> = d.outstanding.iter().map(|a| a.currency.as_str()).collect();
        assert_eq!(currencies, ["EUR", "USD"]);
        assert_eq!(d.overdue.len(), 1);
        assert_eq!(d.overdue[0].amount, 200);
        assert_eq!(d.counts.overdue, 1);
    }
}
