//! The roster import: the program's sites, units and people loaded once, the rows checked
//! on a reading thread and upserted in batches by the store's roster writer in one
//! transaction, people a complete roster leaves out marked inactive.

use std::path::Path;

use muster_domain::FieldError;
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::import::people::{MAX_ROWS, PersonWrite, RosterCheck};
use muster_domain::import::{FileFormat, ImportJob, ImportStatus, Resolved};
use muster_store::import::ImportOutcome;
use muster_store::roster::{PEOPLE_PER_STATEMENT, RosterBatch, RosterWriter};
use muster_store::{Change, Store, StoreResult};

use crate::Progress;
use crate::check::{self, Checker};
use crate::job::{
    ImportError, PreviewRow, RunFiles, Sink, blocking, outcome, prepare, preview_rows,
    read_and_write, refused, summary, with_notes,
};

/// An import records one audit entry for the job (file, mode, mapping, counts). With
/// MUSTER_IMPORT_AUDIT=person it also records one per person created, changed or marked
/// inactive, with before and after: measured in docs/performance.md at about three times
/// the import's time, so it is not the default.
pub fn audit_each_person() -> bool {
    std::env::var("MUSTER_IMPORT_AUDIT").as_deref() == Ok("person")
}

/// The roster writer, told before the first batch how many people the file will probably
/// create: a large first import defers the person table's indexes (`deferred_index.rs`).
struct RosterSink<'a> {
    writer: &'a mut RosterWriter,
    progress: &'a Progress,
    first: bool,
}

impl Sink<PersonWrite> for RosterSink<'_> {
    type Prepared = RosterBatch;

    fn prepare(batch: Vec<PersonWrite>) -> RosterBatch {
        RosterBatch::new(batch)
    }

    async fn write(&mut self, batch: RosterBatch) -> StoreResult<()> {
        if std::mem::take(&mut self.first) {
            self.writer
                .expect_new(new_in_file(batch.writes(), self.progress))
                .await?;
        }
        self.writer.write(batch).await
    }
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

pub(crate) async fn preview(
    store: &Store,
    actor: &Actor,
    job: &ImportJob,
    path: &Path,
    format: FileFormat,
    resolved: &Resolved,
    n: usize,
) -> Result<Vec<PreviewRow>, ImportError> {
    let (places, roster) = store.roster_snapshot(actor.program_id).await?;
    let (path, actor, resolved) = (path.to_owned(), actor.clone(), resolved.clone());
    let (kind, order) = (job.kind, job.date_order);
    let today = chrono::Utc::now().date_naive();
    let rows = blocking(move || {
        let mut checker = RosterCheck::new(&actor, &places, &roster, &resolved, today).dates(order);
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
    let (places, roster) = store.roster_snapshot(actor.program_id).await?;
    let change = Change::new(actor, via);
    let mut writer = store
        .begin_roster_import(&change, audit_each_person())
        .await?;
    let mut sink = RosterSink {
        writer: &mut writer,
        progress: &files.progress,
        first: true,
    };
    let (actor, order, complete) = (actor.clone(), job.date_order, job.complete_roster);
    let limits = (MAX_ROWS, PEOPLE_PER_STATEMENT);
    let read = read_and_write(job, files, &opened, limits, &mut sink, move |run, tx| {
        let today = chrono::Utc::now().date_naive();
        let mut checker = RosterCheck::new(&actor, &places, &roster, &resolved, today).dates(order);
        let report = check::check_rows(run, &mut checker, tx)?;
        let missing = if complete {
            checker.missing()
        } else {
            Vec::new()
        };
        Ok((report, missing))
    })
    .await;
    let (report, missing) = match read {
        Ok(done) => done,
        Err(e) => {
            writer.rollback().await?;
            return Err(e);
        }
    };
    if let Some(refused) = refused(job.mode, &report) {
        writer.rollback().await?;
        return Ok(refused);
    }
    let mut counts = files.progress.counts();
    counts.rows_total = report.rows;
    let good = counts.imported + counts.updated + counts.unchanged;
    if job.complete_roster && good == 0 {
        writer.rollback().await?;
        let message = "Nothing was imported: the file has no importable rows, and as a complete roster it would have marked everyone inactive.".to_owned();
        return Ok(outcome(&report, ImportStatus::Failed, counts, message));
    }
    counts.deactivated = writer.deactivate(missing).await?;
    Progress::add(&files.progress.deactivated, counts.deactivated);
    let message = format!(
        "{} new, {} updated, {} unchanged, {} marked inactive, {} rejected, of {} rows.",
        counts.imported,
        counts.updated,
        counts.unchanged,
        counts.deactivated,
        counts.rejected,
        report.rows
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
