//! An import job of any kind: the file's header checked against the kind's columns, a
//! preview of the first rows, and the run, which always records an outcome. The kinds
//! (`people`, `completions`) supply their checks and their writer; reading on a blocking
//! thread, batches over a bounded channel, and the all-or-nothing rule live here once.

use std::path::Path;
use std::sync::Arc;

use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::import::{
    FileFormat, ImportCounts, ImportJob, ImportKind, ImportMode, ImportStatus, Mapping, Resolved,
    resolve,
};
use muster_domain::{FieldError, Invalid};
use muster_store::import::ImportOutcome;
use muster_store::{Store, StoreError, StoreResult};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::Progress;
use crate::check::{self, Report};
use crate::source::{FileError, FileInfo, sniff};

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

/// A file's format and header, and the mapping checked against it.
pub struct Opened {
    pub format: FileFormat,
    pub info: FileInfo,
    pub resolved: Result<Resolved, Invalid>,
}

/// Tells the format, reads the header and checks `mapping` against `kind`'s columns
/// (suggesting what it leaves out).
pub async fn open(
    path: &Path,
    file_name: &str,
    kind: ImportKind,
    mapping: &Mapping,
) -> Result<Opened, FileError> {
    let (path, name) = (path.to_owned(), file_name.to_owned());
    let (format, info) = blocking(move || {
        let format = sniff(&path, &name)?;
        Ok((format, check::header(&path, format)?))
    })
    .await?;
    let resolved = resolve(kind.columns(), &info.headers, mapping).and_then(|mut r| {
        kind.check_mapping(&r)?;
        r.ignored.retain(|h| !h.is_empty());
        Ok(r)
    });
    Ok(Opened {
        format,
        info,
        resolved,
    })
}

pub(crate) async fn blocking<T: Send + 'static>(
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
    /// One per column of the kind; blank where the field is not mapped.
    pub values: Vec<String>,
    pub errors: Vec<FieldError>,
}

pub(crate) fn preview_rows(
    kind: ImportKind,
    resolved: &Resolved,
    rows: Vec<(crate::Row, Vec<FieldError>)>,
) -> Vec<PreviewRow> {
    rows.into_iter()
        .map(|(row, errors)| PreviewRow {
            number: row.number,
            values: (0..kind.columns().len())
                .map(|c| resolved.cell(c, &row.cells).unwrap_or_default().to_owned())
                .collect(),
            errors,
        })
        .collect()
}

/// The first `n` rows of `job`'s file as they would be imported by `actor`.
pub async fn preview(
    store: &Store,
    actor: &Actor,
    job: &ImportJob,
    path: &Path,
    format: FileFormat,
    resolved: &Resolved,
    n: usize,
) -> Result<Vec<PreviewRow>, ImportError> {
    match job.kind {
        ImportKind::People => {
            crate::people::preview(store, actor, job, path, format, resolved, n).await
        }
        ImportKind::Completions => {
            crate::completions::preview(store, actor, job, path, format, resolved, n).await
        }
        ImportKind::Measurements => {
            crate::measurements::preview(store, actor, job, path, format, resolved, n).await
        }
    }
}

/// Where a run reads and what it reports to.
pub struct RunFiles<'a> {
    pub path: &'a Path,
    pub rejects: &'a Path,
    pub progress: Arc<Progress>,
}

/// Runs a queued job to its end and records the outcome; never leaves it running. The
/// file at `path` is the caller's to remove.
#[tracing::instrument(skip_all, fields(job = job.id, kind = job.kind.code(), file = %job.file_name))]
pub async fn run(
    store: &Store,
    actor: &Actor,
    via: Via,
    job: &ImportJob,
    path: &Path,
    rejects: &Path,
    progress: Arc<Progress>,
) -> ImportOutcome {
    let files = RunFiles {
        path,
        rejects,
        progress: progress.clone(),
    };
    let attempt = async {
        store.start_import(actor.program_id, job.id).await?;
        match job.kind {
            ImportKind::People => crate::people::attempt(store, actor, via, job, &files).await,
            ImportKind::Completions => {
                crate::completions::attempt(store, actor, via, job, &files).await
            }
            ImportKind::Measurements => {
                crate::measurements::attempt(store, actor, via, job, &files).await
            }
        }
    };
    let outcome = match attempt.await {
        Ok(outcome) => outcome,
        Err(e) => {
            let message = match &e {
                ImportError::Store(StoreError::Conflict(invalid)) => format!(
                    "nothing was imported: {} (the database changed, or was in use, while the file was read); run the import again",
                    muster_domain::import::reason(&invalid.0)
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

/// The file's format and resolved mapping for a run, and its size for progress.
pub(crate) async fn prepare(
    job: &ImportJob,
    files: &RunFiles<'_>,
) -> Result<(Opened, Resolved), ImportError> {
    let mut opened = open(
        files.path,
        &job.file_name,
        job.kind,
        &Mapping(job.mapping.clone()),
    )
    .await?;
    let resolved = std::mem::replace(&mut opened.resolved, Err(Invalid(Vec::new())))
        .map_err(ImportError::Mapping)?;
    files.progress.bytes_total.store(
        std::fs::metadata(files.path).map_or(0, |m| m.len()),
        std::sync::atomic::Ordering::Relaxed,
    );
    Ok((opened, resolved))
}

/// Where a kind's checked batches go: its store writer. `prepare` readies a batch for
/// writing without the database (a roster batch's JSON text); the pump runs it for the next
/// batch while the database writes the current one.
pub(crate) trait Sink<W> {
    type Prepared: Send;
    fn prepare(batch: Vec<W>) -> Self::Prepared;
    fn write(&mut self, batch: Self::Prepared) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Hands each batch the reading thread sends to `sink` until the reading ends or a write
/// fails; then the reading's result. On any error the caller rolls its writer back.
pub(crate) async fn pump<W, R, S: Sink<W>>(
    reading: JoinHandle<Result<R, FileError>>,
    mut batches: mpsc::Receiver<Vec<W>>,
    sink: &mut S,
) -> Result<R, ImportError> {
    let mut write_error = None;
    let mut next = batches.recv().await.map(S::prepare);
    while let Some(batch) = next {
        // `biased`: the write is polled first, so its statement is with the database
        // before the next batch is prepared on this thread.
        let (written, following) = tokio::join!(biased; sink.write(batch), async {
            batches.recv().await.map(S::prepare)
        });
        if let Err(e) = written {
            write_error = Some(e);
            break;
        }
        next = following;
    }
    drop(batches);
    let read = reading
        .await
        .map_err(|e| FileError::new(format!("the file could not be read: {e}")))?;
    match (read, write_error) {
        (_, Some(e)) => Err(e.into()),
        (Err(e), None) => Err(e.into()),
        (Ok(done), None) => Ok(done),
    }
}

/// Reads and checks the file on the blocking pool while `sink` writes its good rows here:
/// `check` runs the kind's checker over the run (at most `max_rows` data rows, good rows in
/// batches of `batch` sent on the channel it is given). Returns what `check` returns, or the
/// first read or write error; the caller rolls its writer back on an error.
pub(crate) async fn read_and_write<W, R, S>(
    job: &ImportJob,
    files: &RunFiles<'_>,
    opened: &Opened,
    (max_rows, batch): (u64, usize),
    sink: &mut S,
    check: impl FnOnce(&check::Run<'_>, &mpsc::Sender<Vec<W>>) -> Result<R, FileError> + Send + 'static,
) -> Result<R, ImportError>
where
    W: Send + 'static,
    R: Send + 'static,
    S: Sink<W>,
{
    let (tx, rx) = mpsc::channel::<Vec<W>>(2);
    let (path, rejects, progress) = (
        files.path.to_owned(),
        files.rejects.to_owned(),
        files.progress.clone(),
    );
    let (headers, mode, format) = (opened.info.headers.clone(), job.mode, opened.format);
    let reading = tokio::task::spawn_blocking(move || {
        let run = check::Run {
            path: &path,
            format,
            headers: &headers,
            mode,
            max_rows,
            batch,
            rejects: &rejects,
            progress: &progress,
        };
        check(&run, &tx)
    });
    pump(reading, rx, sink).await
}

/// An outcome with the report's row errors and rejects file.
pub(crate) fn outcome(
    report: &Report,
    status: ImportStatus,
    counts: ImportCounts,
    message: String,
) -> ImportOutcome {
    ImportOutcome {
        status,
        counts,
        message,
        row_errors: report.row_errors.clone(),
        rejects_path: report.rejects.as_ref().map(|p| p.display().to_string()),
    }
}

/// All or nothing with bad rows: nothing is written. `None` when the run may commit.
pub(crate) fn refused(mode: ImportMode, report: &Report) -> Option<ImportOutcome> {
    if mode != ImportMode::AllOrNothing || report.rejected == 0 {
        return None;
    }
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
    Some(outcome(report, ImportStatus::Failed, counts, message))
}

/// The file's notes ("decoded as Windows-1252") appended to an outcome's message.
pub(crate) fn with_notes(mut message: String, report: &Report) -> String {
    for note in &report.notes {
        message.push_str(&format!(" The file was {note}."));
    }
    message
}

/// The job's audit entry: file, mode, mapping and counts.
pub(crate) fn summary(job: &ImportJob, counts: &ImportCounts) -> serde_json::Value {
    serde_json::json!({
        "import": job.id,
        "kind": job.kind.code(),
        "file": job.file_name,
        "mode": job.mode.code(),
        "complete_roster": job.complete_roster,
        "date_order": job.date_order.code(),
        "mapping": job.mapping,
        "counts": counts,
    })
}
