//! The roster import end to end: the file's header checked against the mapping, a preview
//! of the first rows, then the run: the program's sites, units and people loaded once, the
//! rows checked on a reading thread and upserted in batches by the store's roster writer in
//! one transaction, people a complete roster leaves out marked inactive.

use std::path::Path;
use std::sync::Arc;

use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::import::people::{COLUMNS, MAX_ROWS, PersonWrite, RosterCheck, check_mapping};
use muster_domain::import::{
    FileFormat, ImportCounts, ImportJob, ImportMode, ImportStatus, Mapping, Resolved, resolve,
};
use muster_domain::{FieldError, Invalid};
use muster_store::import::ImportOutcome;
use muster_store::roster::PEOPLE_PER_STATEMENT;
use muster_store::{Change, Store, StoreError};
use tokio::sync::mpsc;

use crate::Progress;
use crate::check::{self, Checker, Run};
use crate::source::{FileError, FileInfo, sniff};

/// An import records one audit entry for the job (file, mode, mapping, counts). With
/// MUSTER_IMPORT_AUDIT=person it also records one per person created, changed or marked
/// inactive, with before and after: measured in docs/performance.md at about three times
/// the import's time, so it is not the default.
pub fn audit_each_person() -> bool {
    std::env::var("MUSTER_IMPORT_AUDIT").as_deref() == Ok("person")
}

/// Something that stopped a preview or a run.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    File(#[from] FileError),
    #[error("{0}")]
    Mapping(Invalid),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl Checker for RosterCheck<'_> {
    type Write = PersonWrite;

    fn check(&mut self, row: u64, cells: &[String]) -> Result<PersonWrite, Vec<FieldError>> {
        RosterCheck::check(self, row, cells)
    }

    fn tally(&self, write: &PersonWrite, progress: &Progress) {
        let counter = match write {
            PersonWrite::Create(_) => &progress.imported,
            PersonWrite::Update { .. } => &progress.updated,
            PersonWrite::Unchanged(_) => &progress.unchanged,
        };
        Progress::add(counter, 1);
    }
}

/// A file's format and header, and the mapping checked against it.
pub struct Opened {
    pub format: FileFormat,
    pub info: FileInfo,
    pub resolved: Result<Resolved, Invalid>,
}

/// Tells the format, reads the header and checks `mapping` (suggesting what it leaves out).
pub async fn open(path: &Path, file_name: &str, mapping: &Mapping) -> Result<Opened, FileError> {
    let (path, name) = (path.to_owned(), file_name.to_owned());
    let (format, info) = blocking(move || {
        let format = sniff(&path, &name)?;
        Ok((format, check::header(&path, format)?))
    })
    .await?;
    let resolved = resolve(COLUMNS, &info.headers, mapping).and_then(|mut r| {
        check_mapping(&r)?;
        r.ignored.retain(|h| !h.is_empty());
        Ok(r)
    });
    Ok(Opened {
        format,
        info,
        resolved,
    })
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, FileError> + Send + 'static,
) -> Result<T, FileError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| FileError::new(format!("the file could not be read: {e}")))?
}

/// A row of the preview: the values each field would get, and the row's errors.
#[derive(Debug, Clone)]
pub struct PreviewRow {
    pub number: u64,
    /// One per `COLUMNS` entry; blank where the field is not mapped.
    pub values: Vec<String>,
    pub errors: Vec<FieldError>,
}

/// The first `n` rows as they would be imported by `actor`.
pub async fn preview(
    store: &Store,
    actor: &Actor,
    path: &Path,
    format: FileFormat,
    resolved: &Resolved,
    n: usize,
) -> Result<Vec<PreviewRow>, ImportError> {
    let (places, roster) = store.roster_snapshot(actor.program_id).await?;
    let (path, actor, resolved) = (path.to_owned(), actor.clone(), resolved.clone());
    let today = chrono::Utc::now().date_naive();
    let rows = blocking(move || {
        let mut checker = RosterCheck::new(&actor, &places, &roster, &resolved, today);
        let rows = check::preview(&path, format, &mut checker, n)?;
        Ok(rows
            .into_iter()
            .map(|(row, errors)| PreviewRow {
                number: row.number,
                values: (0..COLUMNS.len())
                    .map(|c| resolved.cell(c, &row.cells).unwrap_or_default().to_owned())
                    .collect(),
                errors,
            })
            .collect())
    })
    .await?;
    Ok(rows)
}

/// Runs a queued job to its end and records the outcome; never leaves it running. The
/// file at `path` is the caller's to remove.
#[tracing::instrument(skip_all, fields(job = job.id, file = %job.file_name))]
pub async fn run(
    store: &Store,
    actor: &Actor,
    via: Via,
    job: &ImportJob,
    path: &Path,
    rejects: &Path,
    progress: Arc<Progress>,
) -> ImportOutcome {
    let outcome = match attempt(store, actor, via, job, path, rejects, progress.clone()).await {
        Ok(outcome) => outcome,
        Err(e) => {
            let message = match &e {
                ImportError::Store(StoreError::Conflict(invalid)) => format!(
                    "the database refused a row: {}; it may have changed while the file was read. Nothing was imported; run the import again.",
                    invalid
                ),
                ImportError::Store(other) => {
                    tracing::error!(error = %other, "import failed");
                    "the import failed on our side (it has been logged); nothing was imported"
                        .to_owned()
                }
                other => format!("{other}; nothing was imported"),
            };
            ImportOutcome {
                status: ImportStatus::Failed,
                counts: ImportCounts {
                    rows_done: progress.counts().rows_done,
                    rejected: progress.counts().rejected,
                    ..Default::default()
                },
                message,
                row_errors: Vec::new(),
                rejects_path: None,
            }
        }
    };
    if outcome.status == ImportStatus::Failed
        && let Err(e) = store
            .finish_import(actor.program_id, job.id, &outcome)
            .await
    {
        tracing::error!(error = %e, "could not record the import's failure");
    }
    outcome
}

/// How many people the file will probably create: the first batch's share of new people
/// over the rows the file probably has.
fn new_in_file(first: &[PersonWrite], progress: &Progress) -> u64 {
    let new = first
        .iter()
        .filter(|w| matches!(w, PersonWrite::Create(_)))
        .count() as u64;
    progress.rows_expected() * new / first.len().max(1) as u64
}

async fn attempt(
    store: &Store,
    actor: &Actor,
    via: Via,
    job: &ImportJob,
    path: &Path,
    rejects: &Path,
    progress: Arc<Progress>,
) -> Result<ImportOutcome, ImportError> {
    let program_id = actor.program_id;
    store.start_import(program_id, job.id).await?;
    let opened = open(path, &job.file_name, &Mapping(job.mapping.clone())).await?;
    let resolved = opened.resolved.map_err(ImportError::Mapping)?;
    progress.bytes_total.store(
        std::fs::metadata(path).map_or(0, |m| m.len()),
        std::sync::atomic::Ordering::Relaxed,
    );
    let (places, roster) = store.roster_snapshot(program_id).await?;
    let change = Change::new(actor, via);
    let mut writer = store
        .begin_roster_import(&change, audit_each_person())
        .await?;
    let (tx, mut rx) = mpsc::channel::<Vec<PersonWrite>>(2);
    let reading = {
        let (actor, path, rejects, progress) = (
            actor.clone(),
            path.to_owned(),
            rejects.to_owned(),
            progress.clone(),
        );
        let (headers, mode, complete) =
            (opened.info.headers.clone(), job.mode, job.complete_roster);
        let format = opened.format;
        tokio::task::spawn_blocking(move || {
            let today = chrono::Utc::now().date_naive();
            let mut checker = RosterCheck::new(&actor, &places, &roster, &resolved, today);
            let run = Run {
                path: &path,
                format,
                headers: &headers,
                mode,
                max_rows: MAX_ROWS,
                batch: PEOPLE_PER_STATEMENT,
                rejects: &rejects,
                progress: &progress,
            };
            let report = check::check_rows(&run, &mut checker, &tx)?;
            let missing = if complete {
                checker.missing()
            } else {
                Vec::new()
            };
            Ok::<_, FileError>((report, missing))
        })
    };
    let mut write_error = None;
    let mut first = true;
    while let Some(batch) = rx.recv().await {
        if std::mem::take(&mut first)
            && let Err(e) = writer.expect_new(new_in_file(&batch, &progress)).await
        {
            write_error = Some(e);
            break;
        }
        if let Err(e) = writer.write(batch).await {
            write_error = Some(e);
            break;
        }
    }
    drop(rx);
    let read = reading
        .await
        .map_err(|e| FileError::new(format!("the file could not be read: {e}")))?;
    let (report, missing) = match (read, write_error) {
        (_, Some(e)) => {
            writer.rollback().await?;
            return Err(e.into());
        }
        (Err(e), None) => {
            writer.rollback().await?;
            return Err(e.into());
        }
        (Ok(done), None) => done,
    };
    let mut counts = progress.counts();
    counts.rows_total = report.rows;
    let rejects_path = report.rejects.as_ref().map(|p| p.display().to_string());
    let finish = |status, counts, message: String| ImportOutcome {
        status,
        counts,
        message,
        row_errors: report.row_errors.clone(),
        rejects_path: rejects_path.clone(),
    };
    if job.mode == ImportMode::AllOrNothing && report.rejected > 0 {
        writer.rollback().await?;
        let counts = ImportCounts {
            rows_total: report.rows,
            rows_done: report.rows,
            rejected: report.rejected,
            ..Default::default()
        };
        let message = format!(
            "Nothing was imported: {} of {} rows have errors. Fix them (the rejects file lists each with its reason) and import the file again, or choose to import the valid rows.",
            report.rejected, report.rows
        );
        return Ok(finish(ImportStatus::Failed, counts, message));
    }
    let good = counts.imported + counts.updated + counts.unchanged;
    if job.complete_roster && good == 0 {
        writer.rollback().await?;
        let message = "Nothing was imported: the file has no importable rows, and as a complete roster it would have marked everyone inactive.".to_owned();
        return Ok(finish(ImportStatus::Failed, counts, message));
    }
    counts.deactivated = writer.deactivate(missing).await?;
    Progress::add(&progress.deactivated, counts.deactivated);
    let mut message = format!(
        "{} new, {} updated, {} unchanged, {} marked inactive, {} rejected, of {} rows.",
        counts.imported,
        counts.updated,
        counts.unchanged,
        counts.deactivated,
        counts.rejected,
        report.rows
    );
    for note in &report.notes {
        message.push_str(&format!(" The file was {note}."));
    }
    let outcome = finish(ImportStatus::Done, counts, message);
    let summary = serde_json::json!({
        "import": job.id,
        "file": job.file_name,
        "mode": job.mode.code(),
        "complete_roster": job.complete_roster,
        "mapping": job.mapping,
        "counts": counts,
    });
    writer.commit(&change, job.id, &outcome, &summary).await?;
    Ok(outcome)
}
