//! When a recurring invoice falls due.
//!
//! A schedule is a frequency, a first date and an end. Period `n`'s date is computed from
//! the first date alone — never from the period before — so a schedule anchored on the
//! 31st falls on the 28th or 29th in February and on the 31st again in March, and no
//! sequence of short months can make it drift. A period falls due at the start of its day
//! in the freelancer's time zone (the first moment that exists, when a clock change skips
//! midnight).
//!
//! A sweep — the periodic nudge locally, the CronJob on SpinKube — asks [`Schedule::sweep`]
//! what is due at its `now`, given `next`, the first period not yet decided. The store
//! keeps `next` and moves it with a compare-and-set, so of two instances sweeping at once
//! only one decides a period: each period is created at most once, and every period before
//! `next` has been created or, by the catch-up setting, deliberately skipped.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// How often a period comes round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

/// When a schedule stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Never,
    /// No period dated after this day.
    On(Date),
    /// This many periods in all.
    After(u32),
}

/// What a sweep does with periods missed while nothing swept (the app was down).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatchUp {
    /// One invoice, for the newest period due; the older ones are skipped.
    Latest,
    /// One invoice for every period due.
    Every,
}

/// A recurring invoice's schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub frequency: Frequency,
    /// The first period's date; its day of month is every period's day, where the month
    /// has it.
    pub first: Date,
    pub end: End,
    /// The freelancer's time zone: a period falls due when its day begins there.
    pub zone: TimeZone,
}

/// What one sweep decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// The periods to create an invoice for, oldest first.
    pub create: Vec<u32>,
    /// The periods passed over (catch-up `Latest`).
    pub skip: Vec<u32>,
    /// The first period not yet decided, after this sweep.
    pub next: u32,
}

/// The most periods one sweep looks at: twenty years of weeks. A schedule further behind
/// than that is caught up over several sweeps.
const MAX_PERIODS_PER_SWEEP: u32 = 1_040;

impl Schedule {
    /// Period `n`'s date (the first is 0), or `None` past the end.
    pub fn date(&self, n: u32) -> Option<Date> {
        if let End::After(count) = self.end {
            if n >= count {
                return None;
            }
        }
        let n = i64::from(n);
        let date = match self.frequency {
            Frequency::Weekly => self.first.checked_add((7 * n).days()).ok(),
            Frequency::Monthly => add_months(self.first, n),
            Frequency::Quarterly => add_months(self.first, 3 * n),
            Frequency::Yearly => add_months(self.first, 12 * n),
        }?;
        match self.end {
            End::On(last) if date > last => None,
            _ => Some(date),
        }
    }

    /// The moment period `n` falls due: when its day begins in the schedule's zone.
    pub fn due_at(&self, n: u32) -> Option<Timestamp> {
        let date = self.date(n)?;
        date.to_zoned(self.zone.clone()).ok().map(|z| z.timestamp())
    }

    /// Up to `count` dates from period `from` on: what the screen previews.
    pub fn preview(&self, from: u32, count: usize) -> Vec<Date> {
        (from..).map_while(|n| self.date(n)).take(count).collect()
    }

    /// What a sweep at `now` decides, when `next` is the first period not yet decided.
    pub fn sweep(&self, next: u32, now: Timestamp, catch_up: CatchUp) -> Sweep {
        let due: Vec<u32> = (next..next.saturating_add(MAX_PERIODS_PER_SWEEP))
            .map_while(|n| self.due_at(n).filter(|at| *at <= now).map(|_| n))
            .collect();
        let Some(&newest) = due.last() else {
            return Sweep {
                create: Vec::new(),
                skip: Vec::new(),
                next,
            };
        };
        let (create, skip) = match catch_up {
            CatchUp::Every => (due, Vec::new()),
            CatchUp::Latest => {
                let skip = due[..due.len() - 1].to_vec();
                (vec![newest], skip)
            }
        };
        Sweep {
            create,
            skip,
            next: newest + 1,
        }
    }
}

/// `date` plus `months`, its day clamped to the length of the month it lands in.
fn add_months(date: Date, months: i64) -> Option<Date> {
    let index = i64::from(date.year()) * 12 + i64::from(date.month()) - 1 + months;
    let year = i16::try_from(index.div_euclid(12)).ok()?;
    let month = i8::try_from(index.rem_euclid(12) + 1).ok()?;
    let first = Date::new(year, month, 1).ok()?;
    Date::new(year, month, date.day().min(first.days_in_month())).ok()
}

#[cfg(test)]
mod tests;
