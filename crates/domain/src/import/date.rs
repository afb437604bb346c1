//! Dates as HR and LMS exports write them. A date that could be read two ways (03/04/2027)
//! is refused with a message rather than guessed, unless the import says which order the
//! file's slashed dates follow (US LMS exports write month/day/year throughout).

use chrono::{Datelike, NaiveDate};

choice!(
    /// How to read a slashed date such as 03/04/2027.
    DateOrder {
        Either = ("either", "Tell day and month apart by their numbers; refuse 03/04/2027 as ambiguous"),
        MonthFirst = ("month_first", "Month first (US): 03/04/2027 is 4 March"),
        DayFirst = ("day_first", "Day first: 03/04/2027 is 3 April"),
    }
);

// `choice!` writes the enum, so the default cannot be a derive attribute on a variant.
#[allow(clippy::derivable_impls)]
impl Default for DateOrder {
    fn default() -> Self {
        DateOrder::Either
    }
}

/// Excel's day count (the 1900 date system) as a date: what an XLSX date cell holds when
/// it lost its date format. Fractions are times of day.
pub fn excel_serial(serial: f64) -> Option<NaiveDate> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    if !(1.0..3_000_000.0).contains(&serial) {
        return None;
    }
    epoch.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// 2027-04-13, 2027/04/13, 20270413, 13.04.2027, 13-Apr-2027, 13 April 2027, April 13, 2027,
/// an ISO date-time (its date), and day/month/year or month/day/year with slashes when the
/// numbers tell which is which (13/04/2027, 04/13/2027).
pub fn flexible_date(raw: &str) -> Result<NaiveDate, String> {
    read_date(raw, DateOrder::Either)
}

/// `flexible_date`, with slashed dates read in `order`.
/// A date cell: in a workbook (`serial_dates`) a bare number is an Excel serial date,
/// anything else is read with `read_date` in `order`.
pub fn cell_date(raw: &str, order: DateOrder, serial_dates: bool) -> Result<NaiveDate, String> {
    let serial = serial_dates
        && raw.len() <= 12
        && !raw.is_empty()
        && raw.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && raw.split('.').next().is_some_and(|whole| whole.len() <= 6);
    match raw.parse::<f64>().ok().filter(|_| serial) {
        Some(number) => excel_serial(number).ok_or_else(|| format!("'{raw}' is not an Excel date")),
        None => read_date(raw, order),
    }
}

pub fn read_date(raw: &str, order: DateOrder) -> Result<NaiveDate, String> {
    let text = raw.trim();
    let bad = || {
        format!(
            "'{text}' is not a date; write it as YYYY-MM-DD (2027-04-13), DD.MM.YYYY or 13 Apr 2027"
        )
    };
    if text.is_empty() {
        return Err("is missing".into());
    }
    // An ISO date-time: the date part.
    let text_date = match text.split_once(['T', ' ']) {
        Some((day, _)) if day.len() == 10 && day.as_bytes()[4] == b'-' => day,
        _ => text,
    };
    // Year-first forms need a four-digit year, or "13/04/27" would read as the year 13.
    let year_first = text_date.len() >= 8 && text_date[..4].bytes().all(|b| b.is_ascii_digit());
    let formats: &[&str] = if year_first {
        &["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]
    } else {
        &["%d.%m.%Y"]
    };
    for format in formats {
        if let Ok(d) = NaiveDate::parse_from_str(text_date, format) {
            return plausible(d).ok_or_else(bad);
        }
    }
    if let Some(d) = slashed(text, order) {
        return d.and_then(|d| plausible(d).ok_or_else(bad));
    }
    worded(text).and_then(plausible).ok_or_else(bad)
}

/// Years an HR or LMS record can carry; anything else is a typo.
fn plausible(d: NaiveDate) -> Option<NaiveDate> {
    (1900..=2200).contains(&d.year()).then_some(d)
}

/// `a/b/yyyy`: `order`, or else the numbers, decide between day/month and month/day.
fn slashed(text: &str, order: DateOrder) -> Option<Result<NaiveDate, String>> {
    let parts: Vec<&str> = text.split(['/', '-']).collect();
    let [a, b, y] = parts.as_slice() else {
        return None;
    };
    let (a, b, y): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, y.parse().ok()?);
    if y < 1000 {
        return Some(Err(format!(
            "'{text}' has a two-digit year; write the year in full"
        )));
    }
    let date = match (order, a > 12, b > 12) {
        (DateOrder::MonthFirst, ..) => NaiveDate::from_ymd_opt(y, a, b),
        (DateOrder::DayFirst, ..) => NaiveDate::from_ymd_opt(y, b, a),
        (_, true, false) => NaiveDate::from_ymd_opt(y, b, a),
        (_, false, true) => NaiveDate::from_ymd_opt(y, a, b),
        (_, false, false) if a == b => NaiveDate::from_ymd_opt(y, a, b),
        (_, false, false) => {
            return Some(Err(format!(
                "'{text}' could be day/month or month/day; write it as YYYY-MM-DD, or say which order the file uses"
            )));
        }
        (_, true, true) => None,
    };
    Some(date.ok_or_else(|| format!("'{text}' is not a date")))
}

/// "13 Apr 2027", "13-April-2027", "April 13, 2027".
fn worded(text: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '-' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let [first, second, year] = words.as_slice() else {
        return None;
    };
    let month = |w: &str| {
        let w = w.to_lowercase();
        MONTHS
            .iter()
            .position(|m| w.len() >= 3 && m.starts_with(&w[..3]))
            .map(|i| i as u32 + 1)
    };
    let year: i32 = year.parse().ok()?;
    let (day, month) = match (first.parse::<u32>(), second.parse::<u32>()) {
        (Ok(day), Err(_)) => (day, month(second)?),
        (Err(_), Ok(day)) => (day, month(first)?),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_formats_exports_use_are_read() {
        for text in [
            "2027-04-13",
            "2027/04/13",
            "20270413",
            "13.04.2027",
            "13/04/2027",
            "04/13/2027",
            "13-Apr-2027",
            "13 April 2027",
            "April 13, 2027",
            "2027-04-13T08:30:00",
            " 2027-04-13 00:00:00 ",
        ] {
            assert_eq!(flexible_date(text), Ok(d(2027, 4, 13)), "{text}");
        }
        assert_eq!(flexible_date("05/05/2027"), Ok(d(2027, 5, 5)));
    }

    #[test]
    fn a_files_date_order_settles_slashed_dates_and_excel_serials_are_days_since_1899() {
        assert_eq!(
            read_date("03/04/2027", DateOrder::MonthFirst),
            Ok(d(2027, 3, 4))
        );
        assert_eq!(
            read_date("03/04/2027", DateOrder::DayFirst),
            Ok(d(2027, 4, 3))
        );
        assert!(read_date("13/04/2027", DateOrder::MonthFirst).is_err());
        assert_eq!(
            read_date("2027-04-13", DateOrder::MonthFirst),
            Ok(d(2027, 4, 13))
        );
        assert_eq!(excel_serial(46490.0), Some(d(2027, 4, 13)));
        assert_eq!(excel_serial(46490.75), Some(d(2027, 4, 13)));
        assert_eq!(excel_serial(-3.0), None);
    }

    #[test]
    fn an_ambiguous_or_impossible_date_is_refused_with_a_reason() {
        assert!(
            flexible_date("03/04/2027")
                .unwrap_err()
                .contains("day/month or month/day")
        );
        assert!(flexible_date("31/02/2027").is_err());
        assert!(flexible_date("13/04/27").unwrap_err().contains("two-digit"));
        assert!(
            flexible_date("next tuesday")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        assert!(flexible_date("0027-04-13").is_err());
        assert_eq!(flexible_date(" ").unwrap_err(), "is missing");
    }
}
