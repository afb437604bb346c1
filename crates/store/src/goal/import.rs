//! Writing a KPI measurements import: checked rows upserted a statement's worth at a time in
//! one transaction on the bulk connection (re-imported goal, site and period replace their
//! value), then the job's outcome and its one audit entry, then COMMIT: a failure leaves
//! nothing half-imported.

use muster_domain::goal::GoalId;
use muster_domain::goal::MeasurementSpec;
use muster_domain::import::ImportId;
use muster_domain::import::measurements::GoalCatalog;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};

use super::measurement::{MeasurementRow, upsert};
use crate::audit::Change;
use crate::entity::site;
use crate::error::StoreResult;
use crate::import::ImportOutcome;
use crate::raw::statement;
use crate::{Backend, Store};

/// How an import changed the measurements, known at its end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MeasurementTally {
    pub created: u64,
    pub replaced: u64,
}

async fn count(txn: &DatabaseTransaction, backend: Backend, program_id: i64) -> StoreResult<u64> {
    let row = txn
        .query_one_raw(statement(
            backend,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM measurement WHERE program_id = ?",
            vec![program_id.into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .map_or(0, |n| n.max(0) as u64))
}

impl Store {
    /// The goals and sites a measurements file may name.
    pub async fn goal_catalog(&self, program_id: i64) -> StoreResult<GoalCatalog> {
        let goals = self.all_goals(program_id).await?;
        let sites: Vec<(i64, String, String)> = site::Entity::find()
            .select_only()
            .columns([site::Column::Id, site::Column::Code, site::Column::Name])
            .filter(site::Column::ProgramId.eq(program_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(GoalCatalog::new(goals, sites))
    }

    /// Opens the transaction a measurements import writes in, holding the job's row (and on
    /// SQLite the write lock) so that the counts before and after are its own.
    pub async fn begin_measurement_import(
        &self,
        change: &Change<'_>,
        job: ImportId,
    ) -> StoreResult<MeasurementWriter> {
        let txn = self.bulk_db.begin().await?;
        let backend = self.backend();
        let program_id = change.program_id();
        txn.execute_raw(statement(
            backend,
            "UPDATE import_job SET started_at = started_at WHERE id = ? AND program_id = ?",
            vec![job.into(), program_id.into()],
        ))
        .await?;
        let before = count(&txn, backend, program_id).await?;
        Ok(MeasurementWriter {
            txn,
            backend,
            program_id,
            before,
            written: 0,
        })
    }
}

/// One measurements import's open transaction.
pub struct MeasurementWriter {
    txn: DatabaseTransaction,
    backend: Backend,
    program_id: i64,
    before: u64,
    written: u64,
}

impl MeasurementWriter {
    pub async fn write(&mut self, batch: Vec<(GoalId, MeasurementSpec)>) -> StoreResult<()> {
        let rows: Vec<MeasurementRow> = batch
            .into_iter()
            .map(|(goal_id, spec)| MeasurementRow { goal_id, spec })
            .collect();
        self.written += upsert(&self.txn, self.program_id, &rows).await? as u64;
        Ok(())
    }

    /// New measurements and replaced ones, so far.
    pub async fn tally(&self) -> StoreResult<MeasurementTally> {
        let after = count(&self.txn, self.backend, self.program_id).await?;
        let created = after.saturating_sub(self.before);
        Ok(MeasurementTally {
            created,
            replaced: self.written.saturating_sub(created),
        })
    }

    /// Writes the job's outcome and audit entry, then commits.
    pub async fn commit(
        self,
        change: &Change<'_>,
        job: ImportId,
        outcome: &ImportOutcome,
        summary: &serde_json::Value,
    ) -> StoreResult<()> {
        Store::commit_import(self.txn, change, job, outcome, summary).await
    }

    /// Drops everything written (all or nothing refused, or a failure).
    pub async fn rollback(self) -> StoreResult<()> {
        self.txn.rollback().await?;
        Ok(())
    }
}
