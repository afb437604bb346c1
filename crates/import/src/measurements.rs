//! The KPI measurements import: the program's goals (by name) and sites (by code or name)
//! loaded once, rows checked on a reading thread against each goal's unit and the
//! importer's sites, and upserted in batches by the store's measurement writer in one
//! transaction (a goal, site and period already on record is replaced).

use std::path::Path;

use muster_domain::FieldError;
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::goal::{GoalId, MeasurementSpec};
use muster_domain::import::measurements::{MAX_ROWS, MeasurementCheck};
use muster_domain::import::{FileFormat, ImportJob, ImportStatus, Resolved};
use muster_store::goal::{MEASUREMENTS_PER_STATEMENT, MeasurementWriter};
use muster_store::import::ImportOutcome;
use muster_store::{Change, Store, StoreResult};

use crate::Progress;
use crate::check::{self, Checker};
use crate::job::{
    ImportError, PreviewRow, RunFiles, Sink, blocking, outcome, prepare, preview_rows,
    read_and_write, refused, summary, with_notes,
};

type Row = (GoalId, MeasurementSpec);

impl Sink<Row> for MeasurementWriter {
    type Prepared = Vec<Row>;

    fn prepare(batch: Vec<Row>) -> Self::Prepared {
        batch
    }

    async fn write(&mut self, batch: Vec<Row>) -> StoreResult<()> {
        MeasurementWriter::write(self, batch).await
    }
}

impl Checker for MeasurementCheck<'_> {
    type Write = Row;

    fn check(&mut self, _row: u64, cells: &[String]) -> Result<Row, Vec<FieldError>> {
        MeasurementCheck::check(self, cells)
    }

    /// Whether a row adds or replaces is known only once it is written.
    fn tally(&self, _write: &Row, _progress: &Progress) {}
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
    let catalog = store.goal_catalog(actor.program_id).await?;
    let (path, actor, resolved) = (path.to_owned(), actor.clone(), resolved.clone());
    let (kind, order) = (job.kind, job.date_order);
    let rows = blocking(move || {
        let mut checker = MeasurementCheck::new(&actor, &catalog, &resolved)
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
    let catalog = store.goal_catalog(actor.program_id).await?;
    let change = Change::new(actor, via);
    let mut writer = store.begin_measurement_import(&change, job.id).await?;
    let (actor, order) = (actor.clone(), job.date_order);
    let limits = (MAX_ROWS, MEASUREMENTS_PER_STATEMENT);
    let read = read_and_write(job, files, &opened, limits, &mut writer, move |run, tx| {
        let mut checker = MeasurementCheck::new(&actor, &catalog, &resolved)
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
    let tally = writer.tally().await?;
    let progress = &files.progress;
    Progress::add(&progress.imported, tally.created);
    Progress::add(&progress.updated, tally.replaced);
    let mut counts = progress.counts();
    counts.rows_total = report.rows;
    let message = format!(
        "{} new measurements, {} replaced (the same goal, site and period again), {} rejected, of {} rows.",
        counts.imported, counts.updated, counts.rejected, report.rows
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
