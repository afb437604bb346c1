//! Plans as files. A reader (Microsoft Project XML, or a task list in CSV or XLSX: the
//! readers live in `muster-import`) turns a file into a `PlanFile`: tasks known by the
//! file's own keys, links between them, and perhaps the file's calendar. `check` then finds
//! every problem the whole file has (keys given twice, links to no task, loops, dates
//! outside the calendar, leads reaching before the project start), each named by where it
//! is, so that an import writes all of a file or nothing of it.

pub mod ms_project;
pub mod table;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::calendar::{Calendar, HORIZON_YEARS};
use super::dependency::PlanDependency;
use super::schedule::{ScheduleError, schedule};
use super::task::{PlanTask, TaskSpec};
use super::tree::{Calendars, engine_plan, outline};
use super::{DependencyKind, TaskId};

/// How many problems a refused file reports; the count says how many there were in all.
pub const MAX_PROBLEMS: usize = 100;

/// Where in a file something is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A data row of a task list (the header is row 1).
    Row(u64),
    /// A `<Task>` of a Microsoft Project file, by its UID and the line it starts on.
    Task { uid: i64, line: u64 },
    /// A line of the file (an element with no UID yet, the file's end).
    Line(u64),
    /// The file as a whole.
    File,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Row(n) => write!(f, "row {n}"),
            Origin::Task { uid, line } => write!(f, "Task UID {uid} (line {line})"),
            Origin::Line(n) => write!(f, "line {n}"),
            Origin::File => f.write_str("the file"),
        }
    }
}

/// One thing wrong with a file: where, which field (a column's header, or an element such
/// as `<Duration>`), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileProblem {
    /// "row 12", "Task UID 17 (line 345)", "line 9", "the file".
    pub at: String,
    /// The column or element; empty when the problem is the row or element as a whole.
    pub field: String,
    pub message: String,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field.as_str() {
            "" => write!(f, "{}: {}", self.at, self.message),
            element if element.starts_with('<') => {
                write!(f, "{}: {element} {}", self.at, self.message)
            }
            column => write!(f, "{}, {column}: {}", self.at, self.message),
        }
    }
}

/// The problems found so far, the first `MAX_PROBLEMS` kept.
#[derive(Debug, Default)]
pub struct Problems {
    kept: Vec<FileProblem>,
    total: usize,
}

impl Problems {
    pub fn push(
        &mut self,
        at: impl fmt::Display,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.total += 1;
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(FileProblem {
                at: at.to_string(),
                field: field.into(),
                message: message.into(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// `Ok(value)` when nothing was found, else the refusal.
    pub fn or<T>(self, value: T) -> Result<T, Refused> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(Refused {
                problems: self.kept,
                total: self.total,
            })
        }
    }
}

/// A file that cannot be imported, with its problems (the first `MAX_PROBLEMS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refused {
    pub problems: Vec<FileProblem>,
    /// How many problems there were in all.
    pub total: usize,
}

impl Refused {
    pub fn one(
        at: impl fmt::Display,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let mut p = Problems::default();
        p.push(at, field, message);
        p.or(()).unwrap_err()
    }

    /// "3 problems, nothing was imported" and the like.
    pub fn summary(&self) -> String {
        let shown = if self.total > self.problems.len() {
            format!(" (the first {} are listed)", self.problems.len())
        } else {
            String::new()
        };
        format!(
            "the file has {} problem{}{shown}; nothing was imported",
            self.total,
            if self.total == 1 { "" } else { "s" }
        )
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

/// A task as a file gives it.
#[derive(Debug, Clone)]
pub struct FileTask {
    /// The file's own key: a UID, an id column's value. Never empty.
    pub key: String,
    pub origin: Origin,
    /// The key of the summary task it sits under.
    pub parent: Option<String>,
    /// Its `parent_id` is unused: `parent` says where it sits.
    pub spec: TaskSpec,
}

impl FileTask {
    /// A task whose own fields have problems, kept so that what refers to it is not
    /// reported as naming no task. Its file is refused anyway.
    pub fn placeholder(key: String, origin: Origin, parent: Option<String>) -> FileTask {
        let spec = super::task::TaskDraft {
            name: Some(key.chars().take(100).collect::<String>() + " (not read)"),
            duration: Some("0".into()),
            ..Default::default()
        }
        .parse()
        .expect("a valid placeholder");
        FileTask {
            key,
            origin,
            parent,
            spec,
        }
    }
}

/// A link as a file gives it: the successor is the task (or row) it was written with.
#[derive(Debug, Clone)]
pub struct FileLink {
    pub predecessor: String,
    pub successor: String,
    pub kind: DependencyKind,
    /// Working days; negative is a lead.
    pub lag: i64,
    pub origin: Origin,
}

/// The calendar a file brings: applied when it becomes a new plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCalendar {
    pub project_start: NaiveDate,
    /// Monday first.
    pub working_weekdays: [bool; 7],
    /// Days off, with their names.
    pub holidays: BTreeMap<NaiveDate, String>,
}

impl FileCalendar {
    pub fn calendar(&self) -> Calendar {
        Calendar {
            working_weekdays: self.working_weekdays,
            holidays: self.holidays.keys().copied().collect(),
        }
    }
}

/// A whole file, read.
#[derive(Debug, Clone, Default)]
pub struct PlanFile {
    pub calendar: Option<FileCalendar>,
    /// In the file's order: a parent before its subtasks.
    pub tasks: Vec<FileTask>,
    pub links: Vec<FileLink>,
    /// How the file names each field in problems: `table::COLUMNS` keys to a header or an
    /// element (`<PredecessorUID>`); a field not listed is named by its key.
    pub fields: HashMap<&'static str, String>,
    /// What the reader adjusted and the importer should be told (durations rounded up to
    /// whole days, a recurring calendar exception left out).
    pub notes: Vec<String>,
}

impl PlanFile {
    /// The name of `key` in this file's terms.
    pub fn field(&self, key: &str) -> String {
        self.fields
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }
}

/// The formats a plan file may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanFormat {
    /// Microsoft Project XML (MSPDI), as Microsoft Project and ProjectLibre save it.
    Mspdi,
    Csv,
    Xlsx,
}

impl PlanFormat {
    pub fn label(self) -> &'static str {
        match self {
            PlanFormat::Mspdi => "Microsoft Project XML",
            PlanFormat::Csv => "CSV",
            PlanFormat::Xlsx => "Excel workbook (XLSX)",
        }
    }
}

/// What an import loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanImported {
    pub file: String,
    pub format: PlanFormat,
    pub tasks: usize,
    pub dependencies: usize,
    /// Program-wide holidays added from the file's calendar.
    pub holidays: usize,
    /// The new top-level task the file's tasks were put under (the plan had tasks).
    pub branch: Option<String>,
    /// The file's calendar (or the project start given) became the plan's.
    pub calendar_applied: bool,
    /// The project start the file's dates were checked against.
    pub project_start: NaiveDate,
    /// What was adjusted on the way (durations rounded up, exceptions left out).
    pub notes: Vec<String>,
}

impl PlanImported {
    /// One sentence for a person.
    pub fn summary(&self) -> String {
        let into = match &self.branch {
            Some(branch) => format!(" under the new top-level task '{branch}'"),
            None => " as the plan".to_owned(),
        };
        let calendar = if self.calendar_applied {
            format!(
                "; the plan now starts on {} with the file's working week{}",
                self.project_start,
                match self.holidays {
                    0 => String::new(),
                    n => format!(" and {n} holiday(s)"),
                }
            )
        } else {
            format!(
                "; the plan's calendar was kept (project start {})",
                self.project_start
            )
        };
        // A sentence, not a report: a few notes, and how many more there are.
        let notes = match self.notes.len() {
            0 => String::new(),
            n if n <= 3 => format!(". Note: {}", self.notes.join("; ")),
            n => format!(". Note: {}; and {} more", self.notes[..3].join("; "), n - 3),
        };
        format!(
            "Loaded {} task(s) and {} dependency(ies) from {}{into}{calendar}{notes}.",
            self.tasks, self.dependencies, self.file
        )
    }
}

/// The calendar a file's dates are checked against: the file's own when it becomes the plan,
/// else the plan's.
#[derive(Debug, Clone)]
pub struct Target {
    pub project_start: NaiveDate,
    pub calendar: Calendar,
}

/// The last day the plan's calendar reaches.
fn calendar_end(start: NaiveDate) -> Option<NaiveDate> {
    start.checked_add_days(Days::new(HORIZON_YEARS * 366 - 1))
}

/// Every problem of `file` as a whole, added to `problems`. The schedule is tried only when
/// the keys, links and dates are sound, since its errors would repeat theirs.
pub fn check(file: &PlanFile, target: &Target, problems: &mut Problems) {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(file.tasks.len());
    for (i, t) in file.tasks.iter().enumerate() {
        if let Some(first) = index.insert(t.key.as_str(), i) {
            index.insert(t.key.as_str(), first);
            problems.push(
                t.origin,
                file.field("id"),
                format!(
                    "'{}' is given twice (first at {})",
                    t.key, file.tasks[first].origin
                ),
            );
        }
    }
    check_parents(file, &index, problems);
    check_links(file, &index, problems);
    check_dates(file, target, problems);
    if problems.is_empty() {
        check_schedule(file, &index, target, problems);
    }
}

fn check_parents(file: &PlanFile, index: &HashMap<&str, usize>, problems: &mut Problems) {
    // 0: not yet seen, 1: on the walk in progress, 2: known to reach the top.
    let mut state = vec![0u8; file.tasks.len()];
    for start in 0..file.tasks.len() {
        let mut walk = Vec::new();
        let mut at = start;
        loop {
            if state[at] == 2 {
                break;
            }
            if state[at] == 1 {
                let t = &file.tasks[at];
                problems.push(
                    t.origin,
                    file.field("parent"),
                    format!("'{}' sits under itself through its parents", t.key),
                );
                break;
            }
            state[at] = 1;
            walk.push(at);
            let task = &file.tasks[at];
            let Some(parent) = &task.parent else { break };
            match index.get(parent.as_str()) {
                Some(&p) => at = p,
                None => {
                    problems.push(
                        task.origin,
                        file.field("parent"),
                        format!("'{parent}' names no task in the file"),
                    );
                    break;
                }
            }
        }
        for i in walk {
            state[i] = 2;
        }
    }
}

fn check_links(file: &PlanFile, index: &HashMap<&str, usize>, problems: &mut Problems) {
    let field = file.field("predecessors");
    let mut seen: HashSet<(&str, &str)> = HashSet::with_capacity(file.links.len());
    for l in &file.links {
        if !index.contains_key(l.predecessor.as_str()) {
            problems.push(l.origin, &field, format!("{} names no task", l.predecessor));
        } else if l.predecessor == l.successor {
            problems.push(l.origin, &field, "a task cannot depend on itself");
        } else if !seen.insert((l.predecessor.as_str(), l.successor.as_str())) {
            problems.push(
                l.origin,
                &field,
                format!(
                    "{} is linked to this task twice; keep one link",
                    l.predecessor
                ),
            );
        }
    }
}

fn check_dates(file: &PlanFile, target: &Target, problems: &mut Problems) {
    let start = target.project_start;
    let end = calendar_end(start);
    for t in &file.tasks {
        let dates = [
            ("actual_start", t.spec.actual_start),
            ("actual_finish", t.spec.actual_finish),
            ("constraint_date", t.spec.constraint.map(|(_, d)| d)),
        ];
        for (key, date) in dates {
            let Some(date) = date else { continue };
            if date < start {
                problems.push(
                    t.origin,
                    file.field(key),
                    format!("{date} is before the project start, {start}: outside the calendar"),
                );
            } else if end.is_some_and(|end| date > end) {
                problems.push(
                    t.origin,
                    file.field(key),
                    format!(
                        "{date} is outside the calendar, which reaches {HORIZON_YEARS} years from the project start ({start})"
                    ),
                );
            }
        }
    }
}

/// A task's name for messages about the schedule: where it is and what it is called.
fn label(t: &FileTask) -> String {
    format!("{} '{}'", t.origin, t.spec.name.as_str())
}

/// Schedules the file's tasks on their own: a loop, a task the calendar cannot hold, or a
/// lead that would start a task before the project start is a problem of the file.
fn check_schedule(
    file: &PlanFile,
    index: &HashMap<&str, usize>,
    target: &Target,
    problems: &mut Problems,
) {
    let id = |i: usize| i as TaskId + 1;
    let tasks: Vec<PlanTask> = file
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let parent = t.parent.as_ref().map(|p| id(index[p.as_str()]));
            t.spec.planned(id(i), parent, i as i64, label(t))
        })
        .collect();
    let mut by_pair: HashMap<(TaskId, TaskId), usize> = HashMap::with_capacity(file.links.len());
    let links: Vec<PlanDependency> = file
        .links
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let (p, s) = (
                id(index[l.predecessor.as_str()]),
                id(index[l.successor.as_str()]),
            );
            by_pair.insert((p, s), k);
            PlanDependency {
                id: k as i64,
                predecessor_id: p,
                successor_id: s,
                kind: l.kind,
                lag: l.lag,
            }
        })
        .collect();
    let calendars = Calendars {
        project_start: Some(target.project_start),
        status_date: None,
        calendar: target.calendar.clone(),
        site_holidays: HashMap::new(),
    };
    let outline = outline(&tasks);
    let plan = engine_plan(&calendars, &tasks, &links, &outline);
    match schedule(&plan) {
        Err(ScheduleError::Cycle(names)) => problems.push(
            Origin::File,
            file.field("predecessors"),
            format!("the links form a loop: {}", names.join(" -> ")),
        ),
        Err(ScheduleError::Task { task, problem }) => problems.push(task, "", problem),
        Err(other) => problems.push(Origin::File, "", other.to_string()),
        Ok(s) => {
            let mut reported = HashSet::new();
            for (p, s_id) in s.leads_before_start {
                // Summaries are two nodes, `id` and `-id`: the link is the file's either way.
                let pair = (p.abs(), s_id.abs());
                let Some(&k) = by_pair.get(&pair) else {
                    continue;
                };
                if !reported.insert(k) {
                    continue;
                }
                let l = &file.links[k];
                let from = &file.tasks[index[l.predecessor.as_str()]];
                problems.push(
                    l.origin,
                    file.field("lag"),
                    format!(
                        "the {} working days' lead on the link from {} would start this task before the project start ({})",
                        -l.lag,
                        label(from),
                        target.project_start
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
