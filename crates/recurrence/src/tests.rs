use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).expect("a zone of the bundled database")
}

fn schedule(frequency: Frequency, first: Date, end: End, zone_name: &str) -> Schedule {
    Schedule {
        frequency,
        first,
        end,
        zone: zone(zone_name),
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

#[test]
fn the_31st_is_clamped_to_short_months_and_comes_back() {
    let monthly = schedule(Frequency::Monthly, date(2024, 1, 31), End::Never, "UTC");
    assert_eq!(
        monthly.preview(0, 5),
        [
            date(2024, 1, 31),
            date(2024, 2, 29),
            date(2024, 3, 31),
            date(2024, 4, 30),
            date(2024, 5, 31)
        ]
    );
    assert_eq!(monthly.date(13), Some(date(2025, 2, 28)));
    let leap = schedule(Frequency::Yearly, date(2024, 2, 29), End::Never, "UTC");
    assert_eq!(
        leap.preview(0, 5),
        [
            date(2024, 2, 29),
            date(2025, 2, 28),
            date(2026, 2, 28),
            date(2027, 2, 28),
            date(2028, 2, 29)
        ]
    );
    let quarterly = schedule(Frequency::Quarterly, date(2026, 11, 30), End::Never, "UTC");
    assert_eq!(
        quarterly.preview(0, 3),
        [date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30)]
    );
}

#[test]
fn an_end_date_or_a_count_stops_the_schedule() {
    let weekly = schedule(Frequency::Weekly, date(2026, 12, 7), End::After(3), "UTC");
    assert_eq!(
        weekly.preview(0, 10),
        [date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21)]
    );
    let until = schedule(
        Frequency::Monthly,
        date(2026, 1, 15),
        End::On(date(2026, 3, 15)),
        "UTC",
    );
    assert_eq!(
        until.preview(0, 10).len(),
        3,
        "the end day itself is included"
    );
    assert_eq!(until.preview(2, 10), [date(2026, 3, 15)]);
}

#[test]
fn a_period_falls_due_when_its_day_begins_where_the_freelancer_is() {
    // Auckland is 13 hours ahead in March: the 1st begins there on the 28th in UTC.
    let nz = schedule(
        Frequency::Monthly,
        date(2026, 3, 1),
        End::Never,
        "Pacific/Auckland",
    );
    assert_eq!(nz.due_at(0), Some(at("2026-02-28T11:00:00Z")));
    let before = nz.sweep(0, at("2026-02-28T10:59:59Z"), CatchUp::Every);
    assert_eq!((before.create.len(), before.next), (0, 0));
    let after = nz.sweep(0, at("2026-02-28T11:00:00Z"), CatchUp::Every);
    assert_eq!((after.create, after.next), (vec![0], 1));
}

#[test]
fn a_day_the_clock_skips_still_falls_due_once() {
    // Samoa skipped 30 December 2011 altogether; São Paulo's clocks skipped midnight on
    // 4 November 2018. Each period still falls due once, at the first moment there is.
    let apia = schedule(
        Frequency::Weekly,
        date(2011, 12, 23),
        End::Never,
        "Pacific/Apia",
    );
    assert_eq!(apia.date(1), Some(date(2011, 12, 30)));
    let due: Vec<Timestamp> = (0..3).filter_map(|n| apia.due_at(n)).collect();
    assert_eq!(due.len(), 3);
    assert!(due[0] < due[1] && due[1] < due[2], "{due:?}");
    let sao_paulo = schedule(
        Frequency::Monthly,
        date(2018, 10, 4),
        End::Never,
        "America/Sao_Paulo",
    );
    assert_eq!(
        sao_paulo.due_at(1),
        Some(at("2018-11-04T03:00:00Z")),
        "01:00 local"
    );
}

#[test]
fn weeks_of_downtime_catch_up_as_the_setting_says() {
    let weekly = schedule(
        Frequency::Weekly,
        date(2026, 1, 5),
        End::Never,
        "Europe/Berlin",
    );
    let now = at("2026-02-10T12:00:00Z");
    let every = weekly.sweep(0, now, CatchUp::Every);
    assert_eq!(
        (every.create, every.skip, every.next),
        ((0..6).collect(), vec![], 6)
    );
    let latest = weekly.sweep(0, now, CatchUp::Latest);
    assert_eq!(
        (latest.create, latest.skip, latest.next),
        (vec![5], (0..5).collect(), 6)
    );
    // Swept again at the same moment: nothing more.
    let again = weekly.sweep(6, now, CatchUp::Latest);
    assert_eq!(
        (again.create.len(), again.skip.len(), again.next),
        (0, 0, 6)
    );
}

const ZONES: [&str; 8] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "Pacific/Auckland",
    "Asia/Kolkata",
];

fn frequencies() -> impl Strategy<Value = Frequency> {
    prop_oneof![
        Just(Frequency::Weekly),
        Just(Frequency::Monthly),
        Just(Frequency::Quarterly),
        Just(Frequency::Yearly),
    ]
}

fn firsts() -> impl Strategy<Value = Date> {
    (1990i16..2090, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| {
        let first = date(y, m, 1);
        date(y, m, d.min(first.days_in_month()))
    })
}

fn ends(first: Date) -> impl Strategy<Value = End> {
    prop_oneof![
        Just(End::Never),
        (1u32..40).prop_map(End::After),
        (0i64..4000).prop_map(move |days| End::On(first.checked_add(days.days()).expect("date"))),
    ]
}

fn schedules() -> impl Strategy<Value = Schedule> {
    (frequencies(), firsts(), 0..ZONES.len()).prop_flat_map(|(frequency, first, z)| {
        ends(first).prop_map(move |end| schedule(frequency, first, end, ZONES[z]))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Dates rise, keep their day where the month has it, and land one period apart.
    #[test]
    fn periods_keep_their_day_and_their_rhythm(s in schedules()) {
        let dates = s.preview(0, 60);
        for pair in dates.windows(2) {
            prop_assert!(pair[0] < pair[1]);
        }
        for (n, d) in dates.iter().enumerate() {
            let first_of_month = date(d.year(), d.month(), 1);
            if s.frequency != Frequency::Weekly {
                prop_assert_eq!(d.day(), s.first.day().min(first_of_month.days_in_month()));
                let months = (i32::from(d.year()) - i32::from(s.first.year())) * 12
                    + i32::from(d.month()) - i32::from(s.first.month());
                let step = match s.frequency { Frequency::Monthly => 1, Frequency::Quarterly => 3, _ => 12 };
                prop_assert_eq!(months, step * n as i32);
            }
            let due = s.due_at(n as u32);
            prop_assert!(due.is_some());
        }
    }

    /// Sweeps at any moments — clocks that jump back, two instances racing for the same
    /// `next` — never create a period twice, never lose one: every period before `next`
    /// was created or, catching up to the latest only, skipped; and everything due by the
    /// latest sweep is decided.
    #[test]
    fn sweeps_decide_each_period_exactly_once(
        s in schedules(),
        catch_up in prop_oneof![Just(CatchUp::Latest), Just(CatchUp::Every)],
        moments in proptest::collection::vec((-48i64..131_400, any::<bool>()), 1..30),
    ) {
        let origin = s.first.to_zoned(TimeZone::UTC).expect("midnight").timestamp();
        let mut next = 0u32;
        let mut created = std::collections::BTreeMap::<u32, u32>::new();
        let mut skipped = std::collections::BTreeSet::<u32>::new();
        let mut latest = origin;
        for (hours, race) in moments {
            let now = origin.checked_add(hours.hours()).expect("moment");
            latest = latest.max(now);
            // The store's compare-and-set: a racing instance read the same `next`; only
            // the first commit counts, the other's decision is thrown away.
            let contenders = if race { 2 } else { 1 };
            let read = next;
            for _ in 0..contenders {
                let sweep = s.sweep(read, now, catch_up);
                if next != read {
                    continue;
                }
                prop_assert!(catch_up == CatchUp::Every || sweep.create.len() <= 1);
                for n in sweep.create {
                    *created.entry(n).or_default() += 1;
                }
                skipped.extend(sweep.skip);
                next = sweep.next;
            }
        }
        prop_assert!(created.values().all(|times| *times == 1), "{created:?}");
        prop_assert!(created.keys().all(|n| !skipped.contains(n)));
        let decided: Vec<u32> = created.keys().chain(skipped.iter()).copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        prop_assert_eq!(decided, (0..next).collect::<Vec<_>>());
        if catch_up == CatchUp::Every {
            prop_assert!(skipped.is_empty());
        }
        // Nothing due by the latest sweep is left undecided.
        prop_assert!(s.due_at(next).is_none_or(|at| at > latest));
    }
}
