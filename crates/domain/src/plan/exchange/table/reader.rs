//! Reading a task list row by row: each row's problems named by row and column, then the
//! whole list as a `PlanFile` (parents from the parent column or the outline levels,
//! references looked up by name).

use std::collections::{HashMap, HashSet};

use super::{COLUMNS, Names, predecessor, working_time, yes_no};
use crate::import::Resolved;
use crate::import::date::flexible_date;
use crate::plan::DependencyKind;
use crate::plan::exchange::ms_project::{whole_days_nearest, whole_days_up};
use crate::plan::exchange::{FileLink, FileTask, Origin, PlanFile, Problems};
use crate::plan::task::{MAX_LAG, TaskDraft, TaskSpec};

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
