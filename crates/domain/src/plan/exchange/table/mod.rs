//! The plan as a table (CSV or XLSX): one row per task, the columns below, headers matched
//! without regard to case, spaces or punctuation. Exports write the same columns, plus the
//! computed dates, so that an export imports again.
//!
//! A task sits under the row its `parent` names (by `id`), or, when the file has no parent
//! column, under the nearest row above it with a smaller `outline_level` (as Microsoft
//! Project's own CSV export gives it). `predecessors` is written as Microsoft Project writes
//! it: `12FS+2d;14SS;15` (type FS when left out, lag in days or weeks).

mod reader;

pub use reader::TableReader;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::import::Column;
use crate::plan::dependency::PlanDependency;
use crate::plan::{DependencyKind, PlanRow};

/// A task list longer than this is refused as a whole: every row is held until the file
/// has been read, because a row may name a predecessor further down.
pub const MAX_ROWS: u64 = 500_000;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "id",
        label: "Id",
        required: true,
        synonyms: &[
            "task id",
            "uid",
            "unique id",
            "task uid",
            "key",
            "task number",
            "#",
        ],
        help: "The task's key in this file: what parent and predecessors refer to. Any text, unique in the file.",
    },
    Column {
        key: "name",
        label: "Name",
        required: true,
        synonyms: &["task name", "task", "title", "activity", "activity name"],
        help: "The task's name, up to 200 characters.",
    },
    Column {
        key: "duration",
        label: "Duration",
        required: true,
        synonyms: &["duration days", "days", "working days", "dur"],
        help: "Working days: 5, 5d, 5 days, 2w (5 days a week), 16h (8 hours a day); fractions are rounded up. Blank for a summary task (one with subtasks) or a milestone.",
    },
    Column {
        key: "parent",
        label: "Parent",
        required: false,
        synonyms: &[
            "parent id",
            "parent task",
            "parent uid",
            "summary task",
            "summary id",
        ],
        help: "The id of the summary task this one sits under; blank at the top.",
    },
    Column {
        key: "outline_level",
        label: "Outline level",
        required: false,
        synonyms: &["level", "outline", "indent"],
        help: "1 at the top, 2 under the nearest level-1 row above, and so on. Read only when the file has no parent column.",
    },
    Column {
        key: "milestone",
        label: "Milestone",
        required: false,
        synonyms: &["is milestone"],
        help: "yes or no; a milestone takes no time.",
    },
    Column {
        key: "constraint_kind",
        label: "Constraint",
        required: false,
        synonyms: &["constraint type", "constraint kind"],
        help: "snet, snlt, fnet, fnlt, mso, mfo or their names (Start No Earlier Than...); blank, As Soon As Possible or As Late As Possible for none.",
    },
    Column {
        key: "constraint_date",
        label: "Constraint date",
        required: false,
        synonyms: &[],
        help: "The constraint's date, YYYY-MM-DD.",
    },
    Column {
        key: "percent_complete",
        label: "Percent complete",
        required: false,
        synonyms: &["% complete", "complete", "progress", "percent done"],
        help: "0 to 100 (a % sign is fine).",
    },
    Column {
        key: "actual_start",
        label: "Actual start",
        required: false,
        synonyms: &["started", "started on"],
        help: "When work began, YYYY-MM-DD.",
    },
    Column {
        key: "actual_finish",
        label: "Actual finish",
        required: false,
        synonyms: &["finished", "finished on", "completed on"],
        help: "When work ended, YYYY-MM-DD; makes the task 100% complete.",
    },
    Column {
        key: "predecessors",
        label: "Predecessors",
        required: false,
        synonyms: &["predecessor", "depends on", "dependencies"],
        help: "Ids of the tasks this one follows, separated by ; or , each with an optional type (FS, SS, FF, SF) and lag: 12FS+2d;14SS;15.",
    },
    Column {
        key: "owner_email",
        label: "Owner email",
        required: false,
        synonyms: &["owner", "responsible", "assigned to", "owner e-mail"],
        help: "The email of the person in Muster who owns the task.",
    },
    Column {
        key: "site_code",
        label: "Site code",
        required: false,
        synonyms: &["site"],
        help: "The code of the site the task is for.",
    },
    Column {
        key: "wave",
        label: "Wave",
        required: false,
        synonyms: &["wave name"],
        help: "The name of the wave the task is for.",
    },
    Column {
        key: "module_code",
        label: "Module code",
        required: false,
        synonyms: &["module", "application"],
        help: "The code of the EHR module the task is for.",
    },
    Column {
        key: "notes",
        label: "Notes",
        required: false,
        synonyms: &["note", "comments", "description"],
        help: "Free text, up to 8,000 characters.",
    },
];

/// The columns an export writes: the importable ones, then what the schedule computed
/// (ignored when the file is imported again).
pub const EXPORT_COLUMNS: [&str; 23] = [
    "id",
    "parent",
    "outline_level",
    "name",
    "duration",
    "milestone",
    "constraint_kind",
    "constraint_date",
    "percent_complete",
    "actual_start",
    "actual_finish",
    "predecessors",
    "owner_email",
    "site_code",
    "wave",
    "module_code",
    "notes",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "critical",
];

/// Working days per unit, for `2w` (Microsoft Project's defaults: 5 days a week, 8 hours a
/// day, 20 days a month); the error completes "'4 ed' ...".
fn unit_days(unit: &str) -> Result<f64, String> {
    Ok(match unit {
        "" | "d" | "dy" | "dys" | "day" | "days" | "wd" | "wds" | "wday" | "wdays" => 1.0,
        "w" | "wk" | "wks" | "week" | "weeks" => 5.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 1.0 / 8.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 1.0 / 480.0,
        "mo" | "mon" | "mons" | "month" | "months" => 20.0,
        u if u.starts_with('e') && unit_days(&u[1..]).is_ok() => {
            return Err(
                "is elapsed (calendar) time, which the plan does not count; give working days"
                    .into(),
            );
        }
        "%" => return Err("is a percentage, which is not supported; give working days".into()),
        other => {
            return Err(format!(
                "has a unit '{other}' that is not one of time (d, w, h, mo)"
            ));
        }
    })
}

/// A length of working time such as `5`, `5d`, `5 days`, `2w`, `16h`, `3.5 days?` (the ?
/// of an estimate is ignored), in working days; not negative.
pub fn working_time(raw: &str) -> Result<f64, String> {
    let shown = raw.trim();
    let text = shown.trim_end_matches('?').trim().to_lowercase();
    if text.starts_with('-') {
        return Err("cannot be negative".into());
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{shown}' is not a number of working days"))?;
    let per = unit_days(unit.trim()).map_err(|e| format!("'{shown}' {e}"))?;
    Ok(value * per)
}

/// One entry of a predecessors cell: `12`, `12SS`, `12FS+2d`, `12FF-1 day`.
pub fn predecessor(raw: &str) -> Result<(String, DependencyKind, f64), String> {
    let entry = raw.trim();
    let kind_at_end = |s: &str| -> Option<DependencyKind> {
        let s = s.trim_end();
        let code = s.get(s.len().checked_sub(2)?..)?;
        if s.len() == 2 {
            return None;
        }
        DependencyKind::ALL
            .iter()
            .copied()
            .find(|k| k.code().eq_ignore_ascii_case(code))
    };
    // A lag follows the type (or a bare number: 12+2d).
    let (head, lag) = match entry.rfind(['+', '-']) {
        Some(at)
            if at > 0
                && (kind_at_end(&entry[..at]).is_some()
                    || entry[..at].trim().chars().all(|c| c.is_ascii_digit())) =>
        {
            let sign = if entry[at..].starts_with('-') {
                -1.0
            } else {
                1.0
            };
            let days =
                working_time(&entry[at + 1..]).map_err(|e| format!("in '{entry}', the lag {e}"))?;
            (&entry[..at], sign * days)
        }
        _ => (entry, 0.0),
    };
    let head = head.trim();
    let (key, kind) = match kind_at_end(head) {
        Some(kind) => (head[..head.len() - 2].trim(), kind),
        None => (head, DependencyKind::FinishToStart),
    };
    if key.is_empty() {
        return Err(format!("'{entry}' names no task"));
    }
    Ok((key.to_owned(), kind, lag))
}

/// yes/no, true/false, y/n, 1/0; blank is no.
pub(crate) fn yes_no(raw: &str) -> Result<bool, String> {
    match raw.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" => Ok(true),
        "no" | "n" | "false" | "0" | "" => Ok(false),
        other => Err(format!("'{other}' is not yes or no")),
    }
}

/// Where the rows' references point: site and module codes (upper-case), wave names and
/// people's emails (lower-case) to ids. A wave name two waves share maps to `None`.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub sites: HashMap<String, i64>,
    pub waves: HashMap<String, Option<i64>>,
    pub modules: HashMap<String, i64>,
    pub people: HashMap<String, i64>,
}

/// The names an export writes for the ids a task holds.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub sites: HashMap<i64, String>,
    pub waves: HashMap<i64, String>,
    pub modules: HashMap<i64, String>,
    /// Empty when the reader may not see people's emails.
    pub people: HashMap<i64, String>,
}

/// A task's predecessors as a cell: `12;14SS;15FS+2d` (ids are Muster's).
pub fn predecessors_cell<'a>(links: impl Iterator<Item = &'a PlanDependency>) -> String {
    links
        .map(|d| {
            let kind = match d.kind {
                DependencyKind::FinishToStart if d.lag == 0 => String::new(),
                k => k.code().to_uppercase(),
            };
            let lag = match d.lag {
                0 => String::new(),
                l if l > 0 => format!("+{l}d"),
                l => format!("{l}d"),
            };
            format!("{}{kind}{lag}", d.predecessor_id)
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A task's row of an export, in `EXPORT_COLUMNS` order.
pub fn export_cells(row: &PlanRow, predecessors: String, labels: &Labels) -> Vec<String> {
    let t = &row.task;
    let s = &row.schedule;
    let name = |map: &HashMap<i64, String>, id: Option<i64>| {
        id.and_then(|id| map.get(&id).cloned()).unwrap_or_default()
    };
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    vec![
        t.id.to_string(),
        t.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        (row.depth + 1).to_string(),
        t.name.clone(),
        if row.summary {
            String::new()
        } else {
            t.duration.to_string()
        },
        yes(t.milestone && !row.summary),
        t.constraint_kind
            .map(|k| k.code().to_owned())
            .unwrap_or_default(),
        day(t.constraint_date),
        t.percent_complete.to_string(),
        day(t.actual_start),
        day(t.actual_finish),
        predecessors,
        name(&labels.people, t.owner_person_id),
        name(&labels.sites, t.site_id),
        name(&labels.waves, t.wave_id),
        name(&labels.modules, t.module_id),
        t.notes.clone().unwrap_or_default(),
        s.early_start.to_string(),
        s.early_finish.to_string(),
        s.late_start.to_string(),
        s.late_finish.to_string(),
        s.total_float.to_string(),
        yes(s.critical),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predecessors_are_read_as_microsoft_project_writes_them() {
        let p = |s: &str| predecessor(s).unwrap();
        assert_eq!(p("12"), ("12".into(), DependencyKind::FinishToStart, 0.0));
        assert_eq!(p("12SS"), ("12".into(), DependencyKind::StartToStart, 0.0));
        assert_eq!(
            p("12fs+2d"),
            ("12".into(), DependencyKind::FinishToStart, 2.0)
        );
        assert_eq!(
            p("12FF-1 day"),
            ("12".into(), DependencyKind::FinishToFinish, -1.0)
        );
        assert_eq!(
            p(" 7SF+1w "),
            ("7".into(), DependencyKind::StartToFinish, 5.0)
        );
        assert_eq!(
            p("12+3 days"),
            ("12".into(), DependencyKind::FinishToStart, 3.0)
        );
        assert_eq!(
            p("T-12"),
            ("T-12".into(), DependencyKind::FinishToStart, 0.0)
        );
        assert_eq!(
            p("T-12SS-2"),
            ("T-12".into(), DependencyKind::StartToStart, -2.0)
        );
        assert_eq!(
            predecessor("12FS+2x").unwrap_err(),
            "in '12FS+2x', the lag '2x' has a unit 'x' that is not one of time (d, w, h, mo)"
        );
        assert!(predecessor("12FS+50%").unwrap_err().contains("percentage"));
        assert!(predecessor(" ").unwrap_err().contains("names no task"));
    }

    #[test]
    fn working_time_takes_units_and_refuses_the_negative_and_the_elapsed() {
        assert_eq!(working_time("5"), Ok(5.0));
        assert_eq!(working_time("5 days"), Ok(5.0));
        assert_eq!(working_time("2w"), Ok(10.0));
        assert_eq!(working_time("16h"), Ok(2.0));
        assert_eq!(working_time("3.5 days?"), Ok(3.5));
        assert_eq!(working_time("1 mo"), Ok(20.0));
        assert!(working_time("-3").unwrap_err().contains("negative"));
        assert!(working_time("4 edays").unwrap_err().contains("elapsed"));
        assert!(working_time("soon").unwrap_err().contains("not a number"));
    }

    #[test]
    fn a_cell_of_links_is_written_as_it_is_read() {
        let d = |p: i64, kind: DependencyKind, lag: i64| PlanDependency {
            id: 0,
            predecessor_id: p,
            successor_id: 99,
            kind,
            lag,
        };
        let links = [
            d(12, DependencyKind::FinishToStart, 0),
            d(14, DependencyKind::StartToStart, 0),
            d(15, DependencyKind::FinishToStart, 2),
            d(16, DependencyKind::FinishToFinish, -1),
        ];
        let cell = predecessors_cell(links.iter());
        assert_eq!(cell, "12;14SS;15FS+2d;16FF-1d");
        let back: Vec<_> = cell.split(';').map(|e| predecessor(e).unwrap()).collect();
        assert_eq!(back[2], ("15".into(), DependencyKind::FinishToStart, 2.0));
        assert_eq!(back[3], ("16".into(), DependencyKind::FinishToFinish, -1.0));
    }
}
