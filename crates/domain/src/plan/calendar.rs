//! Working days: the program's calendar (working weekdays and holidays) and the holidays a
//! site adds to it.
//!
//! The scheduler never walks dates day by day. It numbers the program's working days from the
//! project start (day 0 is the first working day on or after it) and does its arithmetic on
//! those numbers; a site calendar is the program's working days minus the site's holidays,
//! so every site working day has a program number too.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// How far past the project start the calendar reaches. Plans past it are refused with an
/// error that says so, instead of scheduling into the void.
pub const HORIZON_YEARS: u64 = 40;

/// The program's working week and holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Monday first.
    pub working_weekdays: [bool; 7],
    pub holidays: BTreeSet<NaiveDate>,
}

impl Default for Calendar {
    /// Monday to Friday, no holidays.
    fn default() -> Self {
        Calendar {
            working_weekdays: [true, true, true, true, true, false, false],
            holidays: BTreeSet::new(),
        }
    }
}

impl Calendar {
    pub fn is_working(&self, day: NaiveDate) -> bool {
        self.working_weekdays[day.weekday().num_days_from_monday() as usize]
            && !self.holidays.contains(&day)
    }

    /// A calendar must have at least one working weekday, or nothing could ever be scheduled.
    pub fn check(&self) -> Result<(), String> {
        if self.working_weekdays.iter().any(|w| *w) {
            Ok(())
        } else {
            Err("the calendar has no working weekday".into())
        }
    }
}

/// Parses "mon,tue,wed,thu,fri" (any case, English day names or their first three letters).
pub fn parse_weekdays(raw: &str) -> Result<[bool; 7], String> {
    let mut days = [false; 7];
    for part in raw.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        let day: Weekday = part
            .trim()
            .parse()
            .map_err(|_| format!("'{}' is not a day of the week", part.trim()))?;
        days[day.num_days_from_monday() as usize] = true;
    }
    if days.iter().any(|d| *d) {
        Ok(days)
    } else {
        Err("name at least one working day".into())
    }
}

/// The program's working days numbered from the project start, with the calendar days they
/// fall on; built once per schedule.
#[derive(Debug, Clone)]
pub struct WorkDays {
    start: NaiveDate,
    /// For each calendar day from `start`: how many working days come before it.
    before: Vec<u32>,
    /// The date of each working day.
    dates: Vec<NaiveDate>,
}

impl WorkDays {
    pub fn new(calendar: &Calendar, start: NaiveDate) -> Result<WorkDays, String> {
        calendar.check()?;
        let end = start
            .checked_add_days(Days::new(HORIZON_YEARS * 366))
            .ok_or("the project start is too late to schedule")?;
        let span = (end - start).num_days() as usize;
        let mut before = Vec::with_capacity(span + 1);
        let mut dates = Vec::with_capacity(span * 5 / 7 + 1);
        let mut day = start;
        for _ in 0..=span {
            before.push(dates.len() as u32);
            if calendar.is_working(day) {
                dates.push(day);
            }
            day = day.succ_opt().expect("within the horizon");
        }
        Ok(WorkDays {
            start,
            before,
            dates,
        })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// How many working days there are; day numbers run below it.
    pub fn len(&self) -> i64 {
        self.dates.len() as i64
    }

    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// The date of working day `n`, or `None` past the horizon or before the start.
    pub fn date(&self, n: i64) -> Option<NaiveDate> {
        usize::try_from(n)
            .ok()
            .and_then(|n| self.dates.get(n))
            .copied()
    }

    /// The number of the first working day on or after `day`. Days before the project start
    /// give negative numbers (calendar days, which only ever mean "before the start").
    pub fn on_or_after(&self, day: NaiveDate) -> Result<i64, String> {
        let offset = (day - self.start).num_days();
        if offset < 0 {
            return Ok(offset);
        }
        self.before
            .get(offset as usize)
            .map(|n| i64::from(*n))
            .ok_or_else(|| format!("{day} is past the calendar's end ({HORIZON_YEARS} years)"))
    }

    /// The number of the last working day on or before `day`.
    pub fn on_or_before(&self, day: NaiveDate) -> Result<i64, String> {
        let next = self.on_or_after(day.succ_opt().ok_or("date out of range")?)?;
        Ok(next - 1)
    }
}

/// A site's working days: the program's, less the site's own holidays. Works in program day
/// numbers so that links between tasks of different sites need no conversion.
#[derive(Debug, Clone)]
pub struct SiteDays {
    /// For each program day: how many site working days come before it.
    before: Vec<u32>,
    /// The program day number of each site working day.
    days: Vec<u32>,
}

impl SiteDays {
    pub fn new(program: &WorkDays, holidays: &BTreeSet<NaiveDate>) -> SiteDays {
        let mut before = Vec::with_capacity(program.dates.len() + 1);
        let mut days = Vec::with_capacity(program.dates.len());
        for (n, date) in program.dates.iter().enumerate() {
            before.push(days.len() as u32);
            if !holidays.contains(date) {
                days.push(n as u32);
            }
        }
        before.push(days.len() as u32);
        SiteDays { before, days }
    }

    /// Every program working day is a working day: the program calendar itself.
    pub fn program(program: &WorkDays) -> SiteDays {
        SiteDays::new(program, &BTreeSet::new())
    }

    /// Site working days before program day `day` (before the start, see `day`).
    fn count_before(&self, day: i64) -> i64 {
        if day < 0 {
            return day;
        }
        let clamped = day.min(self.before.len() as i64 - 1);
        i64::from(self.before[clamped as usize])
    }

    /// The program day of site working day `k`. Before the project start there is no
    /// calendar: every day there counts as a working day, so that late dates of a plan that
    /// cannot make its deadlines still come out (as negative float). `None` past the horizon.
    fn day(&self, k: i64) -> Option<i64> {
        if k < 0 {
            return Some(k);
        }
        self.days.get(k as usize).map(|d| i64::from(*d))
    }

    /// Starting no earlier than program day `from`, the span of `duration` site working days:
    /// (start, finish) where finish is the program day after the last one. A zero duration
    /// (a milestone) starts and finishes on the first site working day.
    pub fn forward(&self, from: i64, duration: i64) -> Option<(i64, i64)> {
        let first = self.count_before(from.max(0));
        let start = self.day(first)?;
        if duration == 0 {
            return Some((start, start));
        }
        let last = self.day(first + duration - 1)?;
        Some((start, last + 1))
    }

    /// The earliest span of `duration` site working days that finishes no earlier than
    /// `until` (the program day after its last working day).
    pub fn finishing_from(&self, until: i64, duration: i64) -> Option<(i64, i64)> {
        if duration == 0 {
            return self.forward(until, 0);
        }
        let last = self.count_before(until - 1);
        Some((self.day(last - duration + 1)?, self.day(last)? + 1))
    }

    /// The latest span of `duration` site working days that finishes no later than `until`
    /// (the program day after its last working day). A milestone falls on the last site
    /// working day on or before `until`, as it takes no time.
    pub fn backward(&self, until: i64, duration: i64) -> Option<(i64, i64)> {
        if duration == 0 {
            let day = self.day(self.count_before(until + 1) - 1)?;
            return Some((day, day));
        }
        let last = self.count_before(until) - 1;
        Some((self.day(last - duration + 1)?, self.day(last)? + 1))
    }

    /// The latest span of `duration` site working days that starts no later than `from`.
    pub fn starting_by(&self, from: i64, duration: i64) -> Option<(i64, i64)> {
        let first = self.count_before(from + 1) - 1;
        let start = self.day(first)?;
        if duration == 0 {
            return Some((start, start));
        }
        Some((start, self.day(first + duration - 1)? + 1))
    }

    /// Site working days in [from, until).
    pub fn between(&self, from: i64, until: i64) -> i64 {
        self.count_before(until) - self.count_before(from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let mut cal = Calendar::default();
        cal.holidays.insert(d("2027-01-01"));
        // 2026-12-28 is a Monday.
        let days = WorkDays::new(&cal, d("2026-12-28")).unwrap();
        assert_eq!(days.date(0), Some(d("2026-12-28")));
        assert_eq!(days.date(3), Some(d("2026-12-31")));
        assert_eq!(
            days.date(4),
            Some(d("2027-01-04")),
            "holiday and weekend skipped"
        );
        assert_eq!(days.on_or_after(d("2027-01-02")).unwrap(), 4);
        assert_eq!(days.on_or_before(d("2027-01-02")).unwrap(), 3);
        assert!(days.on_or_after(d("2026-12-01")).unwrap() < 0);
        assert!(days.on_or_after(d("2099-01-01")).is_err());
    }

    #[test]
    fn a_site_holiday_stretches_a_task_of_that_site_only() {
        let days = WorkDays::new(&Calendar::default(), d("2027-03-01")).unwrap();
        let program = SiteDays::program(&days);
        let site = SiteDays::new(&days, &BTreeSet::from([d("2027-03-03")]));
        // Five days from Monday: Monday to Friday, finishing before day 5.
        assert_eq!(program.forward(0, 5), Some((0, 5)));
        assert_eq!(
            site.forward(0, 5),
            Some((0, 6)),
            "Wednesday off: runs to Monday"
        );
        assert_eq!(
            site.forward(2, 1),
            Some((3, 4)),
            "cannot start on the holiday"
        );
        assert_eq!(site.backward(6, 5), Some((0, 6)));
        assert_eq!(program.backward(5, 0), Some((5, 5)));
        assert_eq!(site.between(0, 6), 5);
        assert_eq!(
            site.backward(2, 5),
            Some((-3, 2)),
            "before the start every day counts"
        );
        assert_eq!(
            site.finishing_from(4, 2),
            Some((1, 4)),
            "Wednesday off: Tuesday, Thursday"
        );
        assert_eq!(site.starting_by(2, 2), Some((1, 4)));
    }

    #[test]
    fn weekdays_parse_and_refuse_nonsense() {
        assert_eq!(
            parse_weekdays("Sun, mon,TUE,wed,thu").unwrap(),
            [true, true, true, true, false, false, true]
        );
        assert!(parse_weekdays("mon,funday").unwrap_err().contains("funday"));
        assert!(parse_weekdays(" ").is_err());
    }
}
