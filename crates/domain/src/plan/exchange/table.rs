//! The plan as a table (CSV or XLSX): one row per task, the columns below, headers matched
//! without regard to case, spaces or punctuation. Exports write the same columns, plus the
//! computed dates, so that an export imports again.
//!
//! A task sits under the row its `parent` names (by `id`), or, when the file has no parent
//! column, under the nearest row above it with a smaller `outline_level` (as Microsoft
//! Project's own CSV export gives it). `predecessors` is written as Microsoft Project writes
//! it: `12FS+2d;14SS;15` (type FS when left out, lag in days or weeks).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::ms_project::{whole_days_nearest, whole_days_up};
use super::{FileLink, FileTask, Origin, PlanFile, Problems};
use crate::import::date::flexible_date;
use crate::import::{Column, Resolved};
use crate::plan::dependency::PlanDependency;
use crate::plan::task::{MAX_LAG, TaskDraft, TaskSpec};
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

/// A day in a working week, for `2w` (Microsoft Project's default: 5 days a week, 8 hours a
/// day, 20 days a month).
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
        "%" => return Err("a percentage lag is not supported; give working days".into()),
        other => return Err(format!("'{other}' is not a unit of time (d, w, h, mo)")),
    })
}

/// A length of working time such as `5`, `5d`, `5 days`, `2w`, `16h`, `3.5 days?` (the ?
/// of an estimate is ignored), in working days; not negative.
pub fn working_time(raw: &str) -> Result<f64, String> {
    let text = raw.trim().trim_end_matches('?').trim().to_lowercase();
    if text.starts_with('-') {
        return Err("cannot be negative".into());
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{}' is not a number of working days", raw.trim()))?;
    let per = unit_days(unit.trim()).map_err(|e| format!("'{}' {e}", raw.trim()))?;
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
                working_time(&entry[at + 1..]).map_err(|e| format!("the lag in '{entry}' {e}"))?;
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
fn yes_no(raw: &str) -> Result<bool, String> {
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

/// What a row refers to by name, looked up once the whole file has been read.
#[derive(Debug, Clone, Default)]
struct Refs {
    owner_email: Option<String>,
    site: Option<String>,
    wave: Option<String>,
    module: Option<String>,
}

#[derive(Debug, Clone)]
struct Row {
    number: u64,
    key: String,
    parent: Option<String>,
    level: Option<u32>,
    spec: TaskSpec,
    /// No duration given: only a summary may do that.
    blank_duration: bool,
    refs: Refs,
    links: Vec<(String, DependencyKind, i64)>,
}

/// Reads a task list row by row, then makes a `PlanFile` of it.
pub struct TableReader {
    resolved: Resolved,
    rows: Vec<Row>,
    rounded_durations: usize,
    rounded_lags: usize,
}

/// The header the file uses for `key`, for problems.
fn header(resolved: &Resolved, key: &str) -> String {
    resolved
        .used
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

fn column(key: &str) -> usize {
    COLUMNS
        .iter()
        .position(|c| c.key == key)
        .expect("a column of the task list")
}

impl TableReader {
    /// A reader of rows whose cells are where `resolved` says (`resolve` of `COLUMNS`
    /// against the file's header).
    pub fn new(resolved: Resolved) -> Self {
        TableReader {
            resolved,
            rows: Vec::new(),
            rounded_durations: 0,
            rounded_lags: 0,
        }
    }

    /// Reads data row `number`; its problems go to `problems`.
    pub fn row(&mut self, number: u64, cells: &[String], problems: &mut Problems) {
        let at = Origin::Row(number);
        let resolved = &self.resolved;
        let cell = |key: &str| {
            resolved
                .cell(column(key), cells)
                .map(str::trim)
                .filter(|c| !c.is_empty())
        };
        let mut bad =
            |key: &str, message: String| problems.push(at, header(resolved, key), message);
        let key = cell("id").map(str::to_owned);
        if key.is_none() {
            bad("id", "is missing: every task needs its id".into());
        }
        let milestone = match cell("milestone").map(yes_no).transpose() {
            Ok(m) => m.unwrap_or(false),
            Err(e) => {
                bad("milestone", e);
                false
            }
        };
        let mut blank_duration = false;
        let duration = match cell("duration").map(working_time) {
            None => {
                blank_duration = !milestone;
                0
            }
            Some(Ok(days)) => {
                let (whole, rounded) = whole_days_up(days);
                self.rounded_durations += usize::from(rounded);
                whole
            }
            Some(Err(e)) => {
                bad("duration", e);
                0
            }
        };
        let mut date = |key: &str| match cell(key).map(flexible_date).transpose() {
            Ok(d) => d.map(|d| d.to_string()),
            Err(e) => {
                bad(key, e);
                None
            }
        };
        let (constraint_date, actual_start, actual_finish) = (
            date("constraint_date"),
            date("actual_start"),
            date("actual_finish"),
        );
        let constraint_kind = cell("constraint_kind").filter(|k| {
            !matches!(
                crate::import::normalize_header(k).as_str(),
                "asap" | "aslap" | "alap" | "assoonaspossible" | "aslateaspossible"
            )
        });
        let level = match cell("outline_level").map(|l| l.parse::<u32>()) {
            None => None,
            Some(Ok(l)) if (1..=100).contains(&l) => Some(l),
            Some(_) => {
                bad(
                    "outline_level",
                    format!(
                        "'{}' is not an outline level (1 at the top, up to 100)",
                        cell("outline_level").unwrap_or_default()
                    ),
                );
                None
            }
        };
        let mut links = Vec::new();
        for entry in cell("predecessors")
            .unwrap_or_default()
            .split([';', ','])
            .filter(|e| !e.trim().is_empty())
        {
            match predecessor(entry) {
                Ok((key, kind, lag)) => {
                    let (whole, rounded) = whole_days_nearest(lag);
                    self.rounded_lags += usize::from(rounded);
                    if whole.abs() > MAX_LAG {
                        bad(
                            "predecessors",
                            format!(
                                "the lag in '{}' is more than {MAX_LAG} working days",
                                entry.trim()
                            ),
                        );
                    }
                    links.push((key, kind, whole));
                }
                Err(e) => bad("predecessors", e),
            }
        }
        let draft = TaskDraft {
            name: Some(cell("name").unwrap_or_default().to_owned()),
            duration: Some(duration.to_string()),
            milestone: Some(milestone),
            constraint_kind: constraint_kind.map(str::to_owned),
            constraint_date,
            percent_complete: cell("percent_complete").map(|p| p.trim_end_matches('%').to_owned()),
            actual_start,
            actual_finish,
            notes: cell("notes").map(str::to_owned),
            ..Default::default()
        };
        let spec = match draft.parse() {
            Ok(spec) => Some(spec),
            Err(invalid) => {
                for e in invalid.0 {
                    bad(&e.field, e.message);
                }
                None
            }
        };
        let parent = cell("parent").map(str::to_owned);
        let refs = Refs {
            owner_email: cell("owner_email").map(str::to_lowercase),
            site: cell("site_code").map(str::to_uppercase),
            wave: cell("wave").map(str::to_owned),
            module: cell("module_code").map(str::to_uppercase),
        };
        if let Some(key) = key {
            // A row with problems stays, so that rows naming it are not reported too.
            let spec = spec.unwrap_or_else(|| FileTask::placeholder(key.clone(), at, None).spec);
            self.rows.push(Row {
                number,
                key,
                parent,
                level,
                spec,
                blank_duration,
                refs,
                links,
            });
        }
    }

    /// The owners' emails the rows name, to look up.
    pub fn emails(&self) -> Vec<String> {
        let set: HashSet<&String> = self
            .rows
            .iter()
            .filter_map(|r| r.refs.owner_email.as_ref())
            .collect();
        set.into_iter().cloned().collect()
    }

    /// The file as a plan: parents from the parent column or the outline levels, names
    /// looked up in `names`; problems to `problems`.
    pub fn finish(self, names: &Names, problems: &mut Problems) -> PlanFile {
        let by_parent_column = self.resolved.used.contains_key("parent");
        let mut fields: HashMap<&'static str, String> = COLUMNS
            .iter()
            .map(|c| (c.key, header(&self.resolved, c.key)))
            .collect();
        fields.insert("lag", header(&self.resolved, "predecessors"));
        let mut rows = self.rows;
        if !by_parent_column {
            // The nearest row above with a smaller level.
            let mut open: Vec<(u32, String)> = Vec::new();
            let mut previous = 0;
            for r in &mut rows {
                let level = r.level.unwrap_or(1);
                if level > previous + 1 {
                    problems.push(
                        Origin::Row(r.number),
                        fields["outline_level"].clone(),
                        format!(
                            "{level} follows a row at level {previous}: go down one level at a time"
                        ),
                    );
                }
                while open.last().is_some_and(|(l, _)| *l >= level) {
                    open.pop();
                }
                r.parent = open.last().map(|(_, k)| k.clone());
                open.push((level, r.key.clone()));
                previous = level;
            }
        }
        let parents: HashSet<String> = rows.iter().filter_map(|r| r.parent.clone()).collect();
        let mut tasks = Vec::with_capacity(rows.len());
        let mut links = Vec::new();
        for mut r in rows {
            let at = Origin::Row(r.number);
            if r.blank_duration && !parents.contains(&r.key) {
                problems.push(
                    at,
                    fields["duration"].clone(),
                    "is missing (only a summary task, one with subtasks, may leave it blank)",
                );
            }
            let mut look = |key: &'static str,
                            value: Option<&String>,
                            found: Option<Option<i64>>,
                            what: &str| {
                match (value, found) {
                    (None, _) => None,
                    (Some(_), Some(Some(id))) => Some(id),
                    (Some(v), Some(None)) => {
                        problems.push(
                            at,
                            fields[key].clone(),
                            format!("two {what}s are called '{v}'"),
                        );
                        None
                    }
                    (Some(v), None) => {
                        problems.push(
                            at,
                            fields[key].clone(),
                            format!("there is no {what} '{v}' in Muster"),
                        );
                        None
                    }
                }
            };
            let refs = &r.refs;
            r.spec.owner_person_id = look(
                "owner_email",
                refs.owner_email.as_ref(),
                refs.owner_email
                    .as_ref()
                    .and_then(|e| names.people.get(e))
                    .map(|id| Some(*id)),
                "person with the email",
            );
            r.spec.site_id = look(
                "site_code",
                refs.site.as_ref(),
                refs.site
                    .as_ref()
                    .and_then(|s| names.sites.get(s))
                    .map(|id| Some(*id)),
                "site with the code",
            );
            r.spec.wave_id = look(
                "wave",
                refs.wave.as_ref(),
                refs.wave
                    .as_ref()
                    .and_then(|w| names.waves.get(&w.to_lowercase()).copied()),
                "wave",
            );
            r.spec.module_id = look(
                "module_code",
                refs.module.as_ref(),
                refs.module
                    .as_ref()
                    .and_then(|m| names.modules.get(m))
                    .map(|id| Some(*id)),
                "module with the code",
            );
            for (predecessor, kind, lag) in r.links {
                links.push(FileLink {
                    predecessor,
                    successor: r.key.clone(),
                    kind,
                    lag,
                    origin: at,
                });
            }
            tasks.push(FileTask {
                key: r.key,
                origin: at,
                parent: r.parent,
                spec: r.spec,
            });
        }
        let mut notes = Vec::new();
        if self.rounded_durations > 0 {
            notes.push(format!(
                "{} duration(s) were not whole working days and were rounded up",
                self.rounded_durations
            ));
        }
        if self.rounded_lags > 0 {
            notes.push(format!(
                "{} lag(s) were not whole working days and were rounded to the nearest day",
                self.rounded_lags
            ));
        }
        PlanFile {
            calendar: None,
            tasks,
            links,
            fields,
            notes,
        }
    }
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
        assert!(predecessor("12FS+2x").unwrap_err().contains("unit of time"));
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
