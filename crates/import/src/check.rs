//! Running a kind's row checks over a whole file: good rows go in batches to the writer
//! (over a bounded channel, so reading never runs far ahead of writing), bad rows to the
//! rejects file, every row error named by row and field.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use muster_domain::FieldError;
use muster_domain::import::{FileFormat, ImportMode, KEPT_ROW_ERRORS, RowError, reason};
use tokio::sync::mpsc;

use crate::Progress;
use crate::rejects::Rejects;
use crate::source::{self, FileError, FileInfo};

/// A kind's checks of one row, with what earlier rows said.
pub trait Checker {
    /// What a good row does, for the writer.
    type Write: Send + 'static;
    /// Checks the row numbered `row` in the file: what it does, or all of its errors.
    fn check(&mut self, row: u64, cells: &[String]) -> Result<Self::Write, Vec<FieldError>>;
    /// Counts what a good row will do (created, changed, unchanged).
    fn tally(&self, write: &Self::Write, progress: &Progress);
}

/// The file's header row alone.
pub fn header(path: &Path, format: FileFormat) -> Result<FileInfo, FileError> {
    source::read(
        path,
        format,
        &Progress::default(),
        &mut |_| ControlFlow::Break(()),
        &mut |_| ControlFlow::Break(()),
    )
}

/// The first `n` data rows with their errors, as an import would see them.
pub fn preview<C: Checker>(
    path: &Path,
    format: FileFormat,
    checker: &mut C,
    n: usize,
) -> Result<Vec<(source::Row, Vec<FieldError>)>, FileError> {
    let mut rows = Vec::with_capacity(n);
    source::read(
        path,
        format,
        &Progress::default(),
        &mut |_| ControlFlow::Continue(()),
        &mut |row| {
            let errors = row_errors(checker, &row).err().unwrap_or_default();
            rows.push((row, errors));
            if rows.len() >= n {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    )?;
    Ok(rows)
}

fn row_errors<C: Checker>(checker: &mut C, row: &source::Row) -> Result<C::Write, Vec<FieldError>> {
    let result = checker.check(row.number, &row.cells);
    match (&row.problem, result) {
        (None, result) => result,
        (Some(problem), Ok(_)) => Err(vec![FieldError::new("row", problem.clone())]),
        (Some(problem), Err(mut errors)) => {
            errors.insert(0, FieldError::new("row", problem.clone()));
            Err(errors)
        }
    }
}

/// What reading and checking a whole file found.
#[derive(Debug, Default)]
pub struct Report {
    pub rows: u64,
    pub rejected: u64,
    /// The first row errors, for the job's page.
    pub row_errors: Vec<RowError>,
    pub rejects: Option<PathBuf>,
    pub notes: Vec<String>,
}

/// How to read and check a file.
pub struct Run<'a> {
    pub path: &'a Path,
    pub format: FileFormat,
    pub headers: &'a [String],
    pub mode: ImportMode,
    /// More data rows than this: the file is refused as a whole.
    pub max_rows: u64,
    pub batch: usize,
    pub rejects: &'a Path,
    pub progress: &'a Progress,
}

/// Reads and checks every row. Good rows go to `batches` while writing makes sense: always
/// in valid-rows mode, until the first bad row in all-or-nothing mode. Blocking: run it on
/// a blocking thread.
pub fn check_rows<C: Checker>(
    run: &Run<'_>,
    checker: &mut C,
    batches: &mpsc::Sender<Vec<C::Write>>,
) -> Result<Report, FileError> {
    let mut report = Report::default();
    let mut rejects = Rejects::new(run.rejects, run.headers);
    let mut batch = Vec::with_capacity(run.batch);
    let mut failure: Option<FileError> = None;
    let mut writing = true;
    let info = source::read(
        run.path,
        run.format,
        run.progress,
        &mut |_| ControlFlow::Continue(()),
        &mut |row| {
            report.rows += 1;
            Progress::add(&run.progress.rows_done, 1);
            if report.rows > run.max_rows {
                failure = Some(FileError::new(format!(
                    "the file has more than {} rows; split it into smaller files",
                    run.max_rows
                )));
                return ControlFlow::Break(());
            }
            match row_errors(checker, &row) {
                Ok(write) => {
                    if writing {
                        checker.tally(&write, run.progress);
                        batch.push(write);
                    }
                }
                Err(errors) => {
                    report.rejected += 1;
                    Progress::add(&run.progress.rejected, 1);
                    if run.mode == ImportMode::AllOrNothing {
                        writing = false;
                        batch.clear();
                    }
                    if let Err(e) = rejects.push(&row.cells, &reason(&errors)) {
                        failure = Some(e);
                        return ControlFlow::Break(());
                    }
                    let room = KEPT_ROW_ERRORS.saturating_sub(report.row_errors.len());
                    report
                        .row_errors
                        .extend(RowError::all(row.number, errors).into_iter().take(room));
                }
            }
            if batch.len() >= run.batch {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(run.batch));
                if batches.blocking_send(full).is_err() {
                    // The writer stopped; it reports why.
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        },
    )?;
    if let Some(failure) = failure {
        return Err(failure);
    }
    if writing && !batch.is_empty() {
        let _ = batches.blocking_send(batch);
    }
    report.notes = info.notes;
    report.rejects = rejects.finish()?;
    Ok(report)
}
