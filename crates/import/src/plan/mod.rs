//! Plan imports: a Microsoft Project XML file (MSPDI) or a task list (CSV, XLSX) read
//! whole, checked as a whole (`muster_domain::plan::exchange::check`), and written through
//! `Store::load_plan` in one transaction, or not at all. Every problem of the file is
//! reported (up to `MAX_PROBLEMS`) with where it is and why.
//!
//! What an import does to the plan: into a plan with no tasks, the file becomes the plan
//! (its tasks at the top level) and a Microsoft Project file's calendar (start, working
//! weekdays, holidays) becomes the plan's; a task list may name a project start instead.
//! Into a plan that has tasks, the file's tasks are added under a new top-level task named
//! after the file, and the plan's calendar stays as it is (the file's dates are checked
//! against it).

pub mod export;
pub mod mspdi;
mod table;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::import::FileFormat;
use muster_domain::plan::calendar::Calendar;
use muster_domain::plan::exchange::{
    PlanFile, PlanFormat, PlanImported, Problems, Refused, Target, check,
};
use muster_domain::plan::task::TaskDraft;
use muster_store::plan::bulk::{LoadCalendar, NewDependency, NewTask, PlanLoad};
use muster_store::{Change, Store, StoreError};

use crate::job::blocking;
use crate::source::{FileError, sniff};

/// The format of the file at `path`: by its extension (.xml, .csv, .xlsx); without one
/// of those, by its first bytes (`<` is XML, a ZIP is XLSX, text is CSV).
pub fn format_of(path: &Path, file_name: &str) -> Result<PlanFormat, FileError> {
    let lower = file_name.to_lowercase();
    if lower.ends_with(".xml") || lower.ends_with(".mspdi") {
        return Ok(PlanFormat::Mspdi);
    }
    let mut head = [0u8; 64];
    let n = std::io::Read::read(
        &mut std::fs::File::open(path)
            .map_err(|e| FileError::new(format!("the file could not be opened: {e}")))?,
        &mut head,
    )
    .map_err(|e| FileError::new(format!("the file could not be read: {e}")))?;
    let text = String::from_utf8_lossy(&head[..n]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !lower.ends_with(".csv") && !lower.ends_with(".xlsx") && text.starts_with('<') {
        return Ok(PlanFormat::Mspdi);
    }
    Ok(match sniff(path, file_name)? {
        FileFormat::Csv => PlanFormat::Csv,
        FileFormat::Xlsx => PlanFormat::Xlsx,
    })
}

/// A file to import into the plan.
#[derive(Debug, Clone)]
pub struct PlanImport {
    pub path: PathBuf,
    /// As uploaded or named: its extension tells the format; an appended branch is named
    /// after it.
    pub file_name: String,
    /// For a task list into a plan with no tasks: the project start to set (a task list
    /// has no calendar of its own). Ignored otherwise.
    pub project_start: Option<NaiveDate>,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum PlanImportError {
    /// The file could not be read at all.
    #[error("{0}")]
    File(#[from] FileError),
    /// The file was read and has problems, each named.
    #[error("{0}")]
    Refused(Refused),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Reads the file in `format`: a plan, or the problems of the file's own making.
async fn read(
    store: &Store,
    program_id: i64,
    format: PlanFormat,
    path: PathBuf,
) -> Result<(PlanFile, Problems), PlanImportError> {
    match format {
        PlanFormat::Mspdi => Ok(blocking(move || {
            let mut problems = Problems::default();
            let file = mspdi::read(&path, &mut problems)
                .map_err(|e| FileError::new(format!("the file could not be read: {e}")))?;
            Ok((file, problems))
        })
        .await?),
        PlanFormat::Csv | PlanFormat::Xlsx => {
            let source = if format == PlanFormat::Csv {
                FileFormat::Csv
            } else {
                FileFormat::Xlsx
            };
            let (reader, mut problems) = blocking(move || {
                let mut problems = Problems::default();
                let reader = table::read(&path, source, &mut problems)?;
                Ok((reader, problems))
            })
            .await?;
            let Some(reader) = reader else {
                return Ok((PlanFile::default(), problems));
            };
            let names = store.plan_names(program_id, &reader.emails()).await?;
            let file = reader.finish(&names, &mut problems);
            Ok((file, problems))
        }
    }
}

/// Imports `request`'s file into the plan of `actor`'s program: all of it or, when the
/// file has any problem, nothing. The caller checks that `actor` may.
#[tracing::instrument(skip_all, fields(file = %request.file_name))]
pub async fn import_plan(
    store: &Store,
    actor: &Actor,
    via: Via,
    request: PlanImport,
) -> Result<PlanImported, PlanImportError> {
    let program_id = actor.program_id;
    let started = std::time::Instant::now();
    let format = format_of(&request.path, &request.file_name)?;
    let settings = store.plan_settings(program_id).await?;
    let empty = store.plan_is_empty(program_id).await?;
    let (file, mut problems) = read(store, program_id, format, request.path.clone()).await?;
    let read_at = started.elapsed();
    let plan_calendar = Calendar {
        working_weekdays: settings.working_weekdays,
        holidays: store
            .all_holidays(program_id)
            .await?
            .into_iter()
            .filter(|h| h.site_id.is_none())
            .map(|h| h.day)
            .collect(),
    };
    let load_calendar = match (&file.calendar, request.project_start) {
        (Some(c), _) if empty => Some(LoadCalendar {
            project_start: c.project_start,
            working_weekdays: c.working_weekdays,
            holidays: c.holidays.iter().map(|(d, n)| (*d, n.clone())).collect(),
        }),
        (None, Some(start)) if empty => Some(LoadCalendar {
            project_start: start,
            working_weekdays: settings.working_weekdays,
            holidays: Vec::new(),
        }),
        _ => None,
    };
    let target = match (&load_calendar, &file.calendar) {
        (Some(_), Some(c)) => Target {
            project_start: c.project_start,
            calendar: c.calendar(),
        },
        (Some(c), None) => Target {
            project_start: c.project_start,
            calendar: plan_calendar,
        },
        (None, _) => Target {
            project_start: settings.project_start,
            calendar: plan_calendar,
        },
    };
    let project_start = target.project_start;
    let (file, problems) = tokio::task::spawn_blocking(move || {
        check(&file, &target, &mut problems);
        (file, problems)
    })
    .await
    .map_err(|e| FileError::new(format!("the file could not be checked: {e}")))?;
    problems.or(()).map_err(PlanImportError::Refused)?;
    let checked_at = started.elapsed();

    let branch = (!empty).then(|| branch_name(&request.file_name));
    let PlanFile {
        tasks,
        links,
        notes,
        ..
    } = file;
    let mut new_tasks = Vec::with_capacity(tasks.len() + 1);
    if let Some(name) = &branch {
        let spec = TaskDraft {
            name: Some(name.clone()),
            duration: Some("0".into()),
            ..Default::default()
        }
        .parse()
        .map_err(|e| FileError::new(format!("the file's name cannot name a task: {e}")))?;
        // File keys are never empty, so "" cannot clash with one.
        new_tasks.push(NewTask {
            key: String::new(),
            parent_key: None,
            spec,
        });
    }
    let under = branch.as_ref().map(|_| String::new());
    new_tasks.extend(tasks.into_iter().map(|t| NewTask {
        key: t.key,
        parent_key: t.parent.or_else(|| under.clone()),
        spec: t.spec,
    }));
    let dependencies = links
        .into_iter()
        .map(|l| NewDependency {
            predecessor_key: l.predecessor,
            successor_key: l.successor,
            kind: l.kind,
            lag: l.lag,
        })
        .collect();
    let change = Change::new(actor, via);
    let calendar_applied = load_calendar.is_some();
    let loaded = store
        .load_plan(
            &change,
            PlanLoad {
                tasks: new_tasks,
                dependencies,
                into_empty: empty,
                calendar: load_calendar,
                source: serde_json::json!({
                    "file": request.file_name,
                    "format": format,
                    "notes": notes,
                }),
            },
        )
        .await?;
    tracing::info!(
        tasks = loaded.tasks,
        dependencies = loaded.dependencies,
        read_ms = read_at.as_millis() as u64,
        check_ms = (checked_at - read_at).as_millis() as u64,
        write_ms = (started.elapsed() - checked_at).as_millis() as u64,
        "plan imported"
    );
    Ok(PlanImported {
        file: request.file_name,
        format,
        tasks: loaded.tasks - usize::from(branch.is_some()),
        dependencies: loaded.dependencies,
        holidays: loaded.holidays,
        branch,
        calendar_applied,
        project_start,
        notes,
    })
}

/// The name of the top-level task an import into a plan with tasks goes under.
fn branch_name(file_name: &str) -> String {
    let name: String = file_name.trim().chars().take(200).collect();
    if name.trim().is_empty() {
        "Imported plan".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests;
