//! iCalendar (RFC 5545) text for the feeds calendar apps subscribe to (training sessions,
//! the plan's milestones): one VEVENT per entry, times in UTC or whole days, text escaped,
//! lines folded at 75 octets and ended with CRLF.

use chrono::{DateTime, NaiveDate, Utc};

/// When an entry happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    /// From one instant to another.
    Between(DateTime<Utc>, DateTime<Utc>),
    /// A whole day (a milestone, a go-live date).
    Day(NaiveDate),
}

/// One calendar entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Stable across feeds, so that calendars update the entry rather than add one.
    pub uid: String,
    pub when: When,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
}

/// The whole calendar: `stamp` is when the feed was made (DTSTAMP).
pub fn calendar(name: &str, events: &[Event], stamp: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&fold(&text));
        out.push_str("\r\n");
    };
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Muster//Muster//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&e.uid)));
        line(format!("DTSTAMP:{}", utc(stamp)));
        match e.when {
            When::Between(start, end) => {
                line(format!("DTSTART:{}", utc(start)));
                line(format!("DTEND:{}", utc(end)));
            }
            When::Day(day) => {
                // An all-day entry ends (exclusively) the next day.
                line(format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")));
                line(format!(
                    "DTEND;VALUE=DATE:{}",
                    day.succ_opt().unwrap_or(day).format("%Y%m%d")
                ));
            }
        }
        line(format!("SUMMARY:{}", escape(&e.summary)));
        if let Some(location) = &e.location {
            line(format!("LOCATION:{}", escape(location)));
        }
        if let Some(d) = &e.description {
            line(format!("DESCRIPTION:{}", escape(d)));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// A UTC DATE-TIME value: 20270301T090000Z.
fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT escaping: backslash, semicolon and comma escaped, line breaks as `\n`.
pub fn escape(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line into lines of at most 75 octets, each continuation led by one
/// space, never splitting a UTF-8 character. The result has no final line break.
pub fn fold(line: &str) -> String {
    const MAX: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / MAX * 3);
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > MAX {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("Room 2, East; bring \\ badge\r\nand pen"),
            "Room 2\\, East\\; bring \\\\ badge\\nand pen"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(80));
        let folded = fold(&line);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{} octets: {part}", part.len());
        }
        assert!(folded.split("\r\n").skip(1).all(|p| p.starts_with(' ')));
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold("SHORT:1"), "SHORT:1");
    }

    #[test]
    fn a_calendar_has_events_in_utc_with_crlf_line_ends() {
        let start = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
        let text = calendar(
            "Training",
            &[
                Event {
                    uid: "session-1@muster".into(),
                    when: When::Between(start, start + chrono::Duration::hours(2)),
                    summary: "Nurse, inpatient".into(),
                    location: Some("Room 4".into()),
                    description: None,
                },
                Event {
                    uid: "go-live-1@muster".into(),
                    when: When::Day(NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()),
                    summary: "Wave 1 go-live".into(),
                    location: None,
                    description: None,
                },
            ],
            start,
        );
        assert!(text.contains(
            "\r\nDTSTART;VALUE=DATE:20270331\r\nDTEND;VALUE=DATE:20270401\r\nSUMMARY:Wave 1 go-live\r\nEND:VEVENT"
        ));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.contains("\r\nDTSTART:20270301T090000Z\r\nDTEND:20270301T110000Z\r\n"));
        assert!(text.contains("SUMMARY:Nurse\\, inpatient\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
    }
}
