//! The LMS completions import: the program's people (by employee id) and courses loaded
//! once, the rows checked on a reading thread and upserted in batches by the store's
//! completions writer in one transaction, then the progress of everyone the file touched
//! rebuilt in bulk. Nothing is kept per row, so a 4,000,000-row export streams through in
//! bounded memory.

use std::path::Path;

use muster_domain::FieldError;
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::import::completions::{CompletionCheck, MAX_ROWS};
use muster_domain::import::{FileFormat, ImportJob, ImportStatus, Resolved};
use muster_domain::training::completion::CompletionSpec;
use muster_store::import::ImportOutcome;
use muster_store::training::{COMPLETIONS_PER_STATEMENT, CompletionBatch, CompletionWriter};
use muster_store::{Change, Store, StoreResult};

use crate::Progress;
use crate::check::{self, Checker};
use crate::job::{
    ImportError, PreviewRow, RunFiles, Sink, blocking, outcome, prepare, preview_rows,
    read_and_write, refused, summary, with_notes,
};

/// The writer, counting unchanged rows as each batch is written.
struct Counted<'a> {
    writer: &'a mut CompletionWriter,
    progress: &'a Progress,
}

impl Sink<CompletionSpec> for Counted<'_> {
    type Prepared = CompletionBatch;

    fn prepare(batch: Vec<CompletionSpec>) -> CompletionBatch {
        CompletionBatch::new(batch)
    }

    async fn write(&mut self, batch: CompletionBatch) -> StoreResult<()> {
        let done = self.writer.write(batch).await?;
        Progress::add(&self.progress.unchanged, done.unchanged);
        Ok(())
    }
}

impl Checker for CompletionCheck<'_> {
    type Write = CompletionSpec;

    fn check(&mut self, _row: u64, cells: &[String]) -> Result<CompletionSpec, Vec<FieldError>> {
        CompletionCheck::check(self, cells)
    }

    /// Whether a row adds, replaces or changes nothing is known only once it is written.
    fn tally(&self, _write: &CompletionSpec, _progress: &Progress) {}
}

pub(crate) async fn preview(
    store: &Store,
    actor: &Actor,
    job: &ImportJob,
    path: &Path,
    format: FileFormat,
    resolved: &Resolved,
    n: usize,
) -> Result<Vec<PreviewRow>, ImportError> {
    let catalog = store.completion_catalog(actor.program_id).await?;
    let (path, actor, resolved) = (path.to_owned(), actor.clone(), resolved.clone());
    let (kind, order) = (job.kind, job.date_order);
    let today = chrono::Utc::now().date_naive();
    let rows = blocking(move || {
        let mut checker = CompletionCheck::new(&actor, &catalog, &resolved, today)
            .dates(order, format == FileFormat::Xlsx);
        let rows = check::preview(&path, format, &mut checker, n)?;
        Ok(preview_rows(kind, &resolved, rows))
    })
    .await?;
    Ok(rows)
}

pub(crate) async fn attempt(
    store: &Store,
    actor: &Actor,
    via: Via,
    job: &ImportJob,
    files: &RunFiles<'_>,
) -> Result<ImportOutcome, ImportError> {
    let (opened, resolved) = prepare(job, files).await?;
    let catalog = store.completion_catalog(actor.program_id).await?;
    let change = Change::new(actor, via);
    let mut writer = store.begin_completion_import(&change, job.id).await?;
    let progress = &files.progress;
    let mut sink = Counted {
        writer: &mut writer,
        progress,
    };
    let (actor, order) = (actor.clone(), job.date_order);
    let limits = (MAX_ROWS, COMPLETIONS_PER_STATEMENT);
    let read = read_and_write(job, files, &opened, limits, &mut sink, move |run, tx| {
        let today = chrono::Utc::now().date_naive();
        let mut checker = CompletionCheck::new(&actor, &catalog, &resolved, today)
            .dates(order, run.format == FileFormat::Xlsx);
        check::check_rows(run, &mut checker, tx)
    })
    .await;
    let report = match read {
        Ok(report) => report,
        Err(e) => {
            writer.rollback().await?;
            return Err(e);
        }
    };
    if let Some(refused) = refused(job.mode, &report) {
        writer.rollback().await?;
        return Ok(refused);
    }
    let tally = writer.refresh_progress().await?;
    Progress::add(&progress.imported, tally.created);
    Progress::add(&progress.updated, tally.replaced);
    let mut counts = progress.counts();
    counts.rows_total = report.rows;
    let message = format!(
        "{} new completions, {} replaced by a later one, {} unchanged (not later than the one on record, or a later row of the file), {} rejected, of {} rows; training progress rebuilt for {} people.",
        counts.imported,
        counts.updated,
        counts.unchanged,
        counts.rejected,
        report.rows,
        tally.people
    );
    let done = outcome(
        &report,
        ImportStatus::Done,
        counts,
        with_notes(message, &report),
    );
    writer
        .commit(&change, job.id, &done, &summary(job, &counts))
        .await?;
    Ok(done)
}
