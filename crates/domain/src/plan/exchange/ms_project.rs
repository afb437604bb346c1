//! Microsoft Project's values as its XML format (MSPDI) writes them, turned into the plan's:
//! durations (`PT8H0M0S`) and link lags (tenths of a minute, in a `LagFormat`) to whole
//! working days, link types and constraint types from their codes, weekdays from `DayType`.
//! ProjectLibre writes the same schema.

use chrono::NaiveDate;

use crate::plan::task::MAX_LAG;
use crate::plan::{ConstraintKind, DependencyKind};

/// Working minutes in a day when the file does not say (`<MinutesPerDay>`).
pub const DEFAULT_MINUTES_PER_DAY: i64 = 480;

/// A length of time as an `xsd:duration` writes it, in working days and minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// `nD`: taken as working days, which is what a planner writing `P3D` means.
    pub days: f64,
    /// `nH nM nS`, in minutes.
    pub minutes: f64,
}

impl Span {
    /// In working days of `minutes_per_day`.
    pub fn working_days(self, minutes_per_day: i64) -> f64 {
        self.days + self.minutes / minutes_per_day as f64
    }

    /// An elapsed duration (calendar time, round the clock) in working days: by the share
    /// of the week that is worked.
    pub fn elapsed_working_days(self, working_weekdays: usize) -> f64 {
        (self.days + self.minutes / (24.0 * 60.0)) * working_weekdays as f64 / 7.0
    }
}

/// Whether a `<DurationFormat>` or `<LagFormat>` counts elapsed (calendar) time: em, eh,
/// ed, ew, emo, and the same marked estimated (32 more).
pub fn is_elapsed(format: i64) -> bool {
    let format = if format >= 35 { format - 32 } else { format };
    matches!(format, 4 | 6 | 8 | 10 | 12)
}

/// An `xsd:duration` as Microsoft Project and ProjectLibre write durations: `PT8H0M0S`,
/// `PT0H0M0S`, `P2DT4H`, `PT7.5H`. Years and months are refused (they are not working
/// time), and so is a negative duration.
pub fn duration(raw: &str) -> Result<Span, String> {
    let text = raw.trim();
    let bad = || format!("'{text}' is not a duration (such as PT8H0M0S)");
    if text.starts_with('-') {
        return Err(format!(
            "'{text}' is negative: a task cannot take less than no time"
        ));
    }
    let rest = text.strip_prefix('P').ok_or_else(bad)?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    if date_part.is_empty() && time_part.is_none() {
        return Err(bad());
    }
    let mut span = Span {
        days: 0.0,
        minutes: 0.0,
    };
    for (value, unit) in components(date_part).ok_or_else(bad)? {
        match unit {
            'D' => span.days += value,
            'Y' | 'M' => {
                return Err(format!(
                    "'{text}' counts years or months, which are not working time; give hours or days"
                ));
            }
            _ => return Err(bad()),
        }
    }
    if let Some(time) = time_part {
        for (value, unit) in components(time).ok_or_else(bad)? {
            match unit {
                'H' => span.minutes += value * 60.0,
                'M' => span.minutes += value,
                'S' => span.minutes += value / 60.0,
                _ => return Err(bad()),
            }
        }
    }
    Ok(span)
}

/// `3D`, `8H0M0S`: (number, unit letter) pairs; `None` if anything else is there.
fn components(text: &str) -> Option<Vec<(f64, char)>> {
    let mut out = Vec::new();
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
        } else {
            let value: f64 = number.parse().ok()?;
            out.push((value, c));
            number.clear();
        }
    }
    number.is_empty().then_some(out)
}

/// A task's duration in whole working days, rounded up (a half-day task needs a day of its
/// own), and whether it had to be rounded.
pub fn whole_days_up(days: f64) -> (i64, bool) {
    // Minutes written as seconds can leave a trace of binary fraction.
    let nearest = days.round();
    if (days - nearest).abs() < 1e-6 {
        return (nearest as i64, false);
    }
    (days.ceil() as i64, true)
}

/// A lag in whole working days, rounded to the nearest, and whether it had to be rounded.
pub fn whole_days_nearest(days: f64) -> (i64, bool) {
    let nearest = days.round();
    (nearest as i64, (days - nearest).abs() > 1e-6)
}

/// `<LinkLag>` (tenths of a minute) in the unit `<LagFormat>` names, as working days
/// (rounded to the nearest) and whether it had to be rounded. Elapsed formats count
/// calendar time, so they are turned into working days by the share of the week that is
/// worked (5/7 on a Monday-to-Friday calendar). A lag given as a percentage of the
/// predecessor's duration is refused.
pub fn lag_days(
    link_lag: i64,
    lag_format: i64,
    minutes_per_day: i64,
    working_weekdays: usize,
) -> Result<(i64, bool), String> {
    // 35 and up are the same formats marked "estimated".
    let format = if lag_format >= 35 {
        lag_format - 32
    } else {
        lag_format
    };
    let span = Span {
        days: 0.0,
        minutes: link_lag as f64 / 10.0,
    };
    let days = match format {
        _ if is_elapsed(format) => span.elapsed_working_days(working_weekdays),
        3 | 5 | 7 | 9 | 11 | 0 => span.working_days(minutes_per_day),
        19 | 20 => {
            return Err(
                "a lag given as a percentage of the predecessor's duration is not supported; give it in days".into(),
            );
        }
        other => {
            return Err(format!(
                "{other} is not a lag format Microsoft Project writes"
            ));
        }
    };
    let (whole, rounded) = whole_days_nearest(days);
    if whole.abs() > MAX_LAG {
        return Err(format!(
            "a lag of {whole} working days is more than the {MAX_LAG} the plan allows"
        ));
    }
    Ok((whole, rounded))
}

/// `<Type>` of a `<PredecessorLink>`: 0 FF, 1 FS, 2 SF, 3 SS.
pub fn link_kind(code: i64) -> Result<DependencyKind, String> {
    match code {
        0 => Ok(DependencyKind::FinishToFinish),
        1 => Ok(DependencyKind::FinishToStart),
        2 => Ok(DependencyKind::StartToFinish),
        3 => Ok(DependencyKind::StartToStart),
        other => Err(format!(
            "{other} is not a link type (0 finish-to-finish, 1 finish-to-start, 2 start-to-finish, 3 start-to-start)"
        )),
    }
}

/// `<ConstraintType>`: 0 as soon as possible and 1 as late as possible are no constraint
/// (the plan schedules everything as soon as possible); 2 to 7 are the dated ones.
pub fn constraint_kind(code: i64) -> Result<Option<ConstraintKind>, String> {
    Ok(match code {
        0 | 1 => None,
        2 => Some(ConstraintKind::MustStartOn),
        3 => Some(ConstraintKind::MustFinishOn),
        4 => Some(ConstraintKind::StartNoEarlierThan),
        5 => Some(ConstraintKind::StartNoLaterThan),
        6 => Some(ConstraintKind::FinishNoEarlierThan),
        7 => Some(ConstraintKind::FinishNoLaterThan),
        other => return Err(format!("{other} is not a constraint type (0 to 7)")),
    })
}

/// `<DayType>` 1 (Sunday) to 7 (Saturday) as a Monday-first index.
pub fn weekday(day_type: i64) -> Result<usize, String> {
    match day_type {
        1 => Ok(6),
        2..=7 => Ok(day_type as usize - 2),
        other => Err(format!(
            "{other} is not a day of the week (1 Sunday to 7 Saturday)"
        )),
    }
}

/// A date and time as MSPDI writes it (`2027-03-01T08:00:00`): its date.
pub fn date(raw: &str) -> Result<NaiveDate, String> {
    let text = raw.trim();
    let bad = || format!("'{text}' is not a date and time (YYYY-MM-DDThh:mm:ss)");
    let (day, time) = text.split_once('T').unwrap_or((text, ""));
    let time_ok = time.is_empty()
        || time
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '+' | '-' | 'Z'));
    if !time_ok {
        return Err(bad());
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| bad())
}

/// A 0/1 (or true/false) flag.
pub fn flag(raw: &str) -> Result<bool, String> {
    match raw.trim() {
        "1" | "true" => Ok(true),
        "0" | "false" | "" => Ok(false),
        other => Err(format!("'{other}' is not 0 or 1")),
    }
}

/// A whole number.
pub fn integer(raw: &str) -> Result<i64, String> {
    let text = raw.trim();
    text.parse()
        .map_err(|_| format!("'{text}' is not a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_as_microsoft_project_and_projectlibre_write_them() {
        let days = |s: &str| duration(s).unwrap().working_days(480);
        assert_eq!(days("PT8H0M0S"), 1.0);
        assert_eq!(days("PT40H0M0S"), 5.0);
        assert_eq!(days("PT0H0M0S"), 0.0);
        assert_eq!(days("PT4H"), 0.5);
        assert_eq!(days("P2DT4H"), 2.5);
        assert_eq!(days("PT7H30M0S") * 480.0, 450.0);
        assert_eq!(duration("PT28800S").unwrap().working_days(480), 1.0);
        assert_eq!(duration("PT8H").unwrap().working_days(420), 480.0 / 420.0);
        assert!(duration("P-3D").unwrap_err().contains("is not a duration"));
        assert!(duration("-PT8H").unwrap_err().contains("negative"));
        assert!(duration("P1M").unwrap_err().contains("years or months"));
        assert!(duration("8 hours").is_err());
        assert!(duration("PT").is_err());
        // Seven elapsed days, Monday to Friday: five working days.
        assert!(is_elapsed(8) && is_elapsed(40) && !is_elapsed(7) && !is_elapsed(39));
        assert_eq!(duration("PT168H0M0S").unwrap().elapsed_working_days(5), 5.0);
        assert!(duration("P").is_err());
        assert_eq!(whole_days_up(0.5), (1, true));
        assert_eq!(whole_days_up(3.0000001), (3, false));
        assert_eq!(whole_days_up(2.25), (3, true));
    }

    #[test]
    fn lags_are_tenths_of_a_minute_in_their_format() {
        // 4800 tenths = 480 minutes = one working day.
        assert_eq!(lag_days(4800, 7, 480, 5), Ok((1, false)));
        assert_eq!(lag_days(-9600, 7, 480, 5), Ok((-2, false)));
        assert_eq!(lag_days(2400, 5, 480, 5), Ok((1, true)), "half a day");
        assert_eq!(lag_days(0, 7, 480, 5), Ok((0, false)));
        // Seven elapsed days (10,080 minutes) are five working days Monday to Friday.
        assert_eq!(lag_days(100_800, 8, 480, 5), Ok((5, false)));
        assert_eq!(lag_days(4800, 39, 480, 5), Ok((1, false)), "estimated days");
        assert!(
            lag_days(500, 19, 480, 5)
                .unwrap_err()
                .contains("percentage")
        );
        assert!(lag_days(4800 * 300, 7, 480, 5).unwrap_err().contains("260"));
    }

    #[test]
    fn codes_map_to_the_plans_kinds() {
        assert_eq!(link_kind(1), Ok(DependencyKind::FinishToStart));
        assert_eq!(link_kind(0), Ok(DependencyKind::FinishToFinish));
        assert_eq!(link_kind(3), Ok(DependencyKind::StartToStart));
        assert_eq!(link_kind(2), Ok(DependencyKind::StartToFinish));
        assert!(link_kind(4).is_err());
        assert_eq!(constraint_kind(0), Ok(None));
        assert_eq!(constraint_kind(1), Ok(None));
        assert_eq!(
            constraint_kind(4),
            Ok(Some(ConstraintKind::StartNoEarlierThan))
        );
        assert_eq!(
            constraint_kind(7),
            Ok(Some(ConstraintKind::FinishNoLaterThan))
        );
        assert!(constraint_kind(8).is_err());
        assert_eq!(weekday(1), Ok(6));
        assert_eq!(weekday(2), Ok(0));
        assert_eq!(weekday(7), Ok(5));
        assert!(weekday(0).is_err());
        assert_eq!(
            date("2027-03-01T08:00:00").unwrap().to_string(),
            "2027-03-01"
        );
        assert!(date("2027-13-01T08:00:00").is_err());
        assert!(date("yesterday").is_err());
    }
}
