//! Import jobs: a file waiting for its mapping, queued, running, then done or failed, with
//! its tallies and first row errors. The rows themselves are written by the kind's writer
//! (`roster/` for people) in one transaction that also marks the job done.

use std::collections::BTreeMap;

use chrono::Utc;
use muster_domain::access::Scope;
use muster_domain::audit::Via;
use muster_domain::import::date::DateOrder;
use muster_domain::import::{
    FileFormat, ImportCounts, ImportId, ImportJob, ImportKind, ImportMode, ImportStatus, RowError,
};
use muster_domain::paging::{Cursor, Page};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::Store;
use crate::audit::Change;
use crate::entity::import_job;
use crate::error::{StoreError, StoreResult};

const ENTITY: &str = "import";

/// A file received, before its rows are read.
#[derive(Debug, Clone)]
pub struct NewImport {
    pub kind: ImportKind,
    pub file_name: String,
    pub file_bytes: u64,
    pub format: FileFormat,
    pub status: ImportStatus,
    pub mode: ImportMode,
    pub complete_roster: bool,
    pub date_order: DateOrder,
    pub mapping: BTreeMap<String, String>,
    pub upload_path: Option<String>,
}

/// What the user chose for a job waiting for its mapping.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub mode: ImportMode,
    pub complete_roster: bool,
    pub date_order: DateOrder,
    pub mapping: BTreeMap<String, String>,
}

/// Where a job's files are kept on the server.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportFiles {
    pub upload: Option<String>,
    pub rejects: Option<String>,
}

/// How a job ended.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub status: ImportStatus,
    pub counts: ImportCounts,
    pub message: String,
    pub row_errors: Vec<RowError>,
    pub rejects_path: Option<String>,
}

fn to_job(m: import_job::Model) -> StoreResult<ImportJob> {
    let corrupt = |e: String| StoreError::Corrupt(e);
    let count = |n: i64| n.max(0) as u64;
    Ok(ImportJob {
        id: m.id,
        kind: ImportKind::parse(&m.kind).map_err(corrupt)?,
        format: FileFormat::parse(&m.format).map_err(corrupt)?,
        status: ImportStatus::parse(&m.status).map_err(corrupt)?,
        mode: ImportMode::parse(&m.mode).map_err(corrupt)?,
        date_order: DateOrder::parse(&m.date_order).map_err(corrupt)?,
        via: Via::parse(&m.via).map_err(corrupt)?,
        mapping: serde_json::from_str(&m.mapping).map_err(|e| corrupt(e.to_string()))?,
        row_errors: serde_json::from_str(&m.row_errors).map_err(|e| corrupt(e.to_string()))?,
        counts: ImportCounts {
            rows_total: count(m.rows_total),
            rows_done: count(m.rows_done),
            imported: count(m.imported),
            updated: count(m.updated),
            unchanged: count(m.unchanged),
            deactivated: count(m.deactivated),
            rejected: count(m.rejected),
        },
        has_rejects: m.rejects_path.is_some() && m.rejected > 0,
        file_name: m.file_name,
        file_bytes: count(m.file_bytes),
        complete_roster: m.complete_roster,
        message: m.message,
        actor_account_id: m.actor_account_id,
        actor: m.actor,
        created_at: m.created_at,
        started_at: m.started_at,
        finished_at: m.finished_at,
    })
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("import values serialize")
}

impl Store {
    /// Records a received file. Its audit entry comes with its outcome.
    #[tracing::instrument(skip(self, change, new), fields(file = %new.file_name))]
    pub async fn create_import(
        &self,
        change: &Change<'_>,
        new: NewImport,
    ) -> StoreResult<ImportJob> {
        let actor = change.actor;
        let row = import_job::ActiveModel {
            id: NotSet,
            program_id: Set(actor.program_id),
            kind: Set(new.kind.code().into()),
            file_name: Set(new.file_name),
            file_bytes: Set(new.file_bytes as i64),
            format: Set(new.format.code().into()),
            status: Set(new.status.code().into()),
            mode: Set(new.mode.code().into()),
            complete_roster: Set(new.complete_roster),
            date_order: Set(new.date_order.code().into()),
            mapping: Set(json(&new.mapping)),
            rows_total: Set(0),
            rows_done: Set(0),
            imported: Set(0),
            updated: Set(0),
            unchanged: Set(0),
            deactivated: Set(0),
            rejected: Set(0),
            message: Set(None),
            row_errors: Set("[]".into()),
            upload_path: Set(new.upload_path),
            rejects_path: Set(None),
            actor_account_id: Set(actor.account_id),
            actor: Set(actor.name.clone()),
            via: Set(change.via.code().into()),
            created_at: Set(Utc::now()),
            started_at: Set(None),
            finished_at: Set(None),
        };
        let id = import_job::Entity::insert(row)
            .exec(&self.db)
            .await?
            .last_insert_id;
        self.import_job(actor.program_id, id).await
    }

    pub async fn import_job(&self, program_id: i64, id: ImportId) -> StoreResult<ImportJob> {
        to_job(self.import_row(program_id, id).await?)
    }

    async fn import_row(&self, program_id: i64, id: ImportId) -> StoreResult<import_job::Model> {
        import_job::Entity::find_by_id(id)
            .filter(import_job::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))
    }

    pub async fn import_files(&self, program_id: i64, id: ImportId) -> StoreResult<ImportFiles> {
        let row = self.import_row(program_id, id).await?;
        Ok(ImportFiles {
            upload: row.upload_path,
            rejects: row.rejects_path,
        })
    }

    /// Jobs newest first, as far as `scope` reaches (a site lead: the ones they started).
    pub async fn list_imports(
        &self,
        program_id: i64,
        scope: &Scope,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<ImportJob>> {
        use import_job::Column as C;
        let mut query = import_job::Entity::find().filter(C::ProgramId.eq(program_id));
        match scope {
            Scope::Everything => {}
            Scope::Own(account) => query = query.filter(C::ActorAccountId.eq(*account)),
            _ => {
                return Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                    total: 0,
                });
            }
        }
        let total = query.clone().count(&self.db).await?;
        if let Some(c) = cursor {
            query = query.filter(C::Id.lt(c.id));
        }
        let rows = query
            .order_by_desc(C::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let mut items = rows
            .into_iter()
            .map(to_job)
            .collect::<StoreResult<Vec<_>>>()?;
        let next_cursor = (items.len() as u64 > limit).then(|| {
            items.truncate(limit as usize);
            Cursor {
                key: String::new(),
                id: items.last().map_or(0, |j| j.id),
            }
            .encode()
        });
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    /// Sets a waiting job's plan and, when `queue`, queues it. Only a job still waiting for
    /// its mapping changes, so a double click cannot start a file twice.
    pub async fn plan_import(
        &self,
        program_id: i64,
        id: ImportId,
        plan: &ImportPlan,
        queue: bool,
    ) -> StoreResult<ImportJob> {
        use import_job::Column as C;
        let status = if queue {
            ImportStatus::Queued
        } else {
            ImportStatus::Uploaded
        };
        let changed = import_job::Entity::update_many()
            .col_expr(C::Mode, plan.mode.code().into())
            .col_expr(C::CompleteRoster, plan.complete_roster.into())
            .col_expr(C::DateOrder, plan.date_order.code().into())
            .col_expr(C::Mapping, json(&plan.mapping).into())
            .col_expr(C::Status, status.code().into())
            .filter(C::ProgramId.eq(program_id))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq(ImportStatus::Uploaded.code()))
            .exec(&self.db)
            .await?
            .rows_affected;
        if changed == 0 {
            let job = self.import_job(program_id, id).await?;
            return Err(StoreError::Refused(format!(
                "this import is already {}",
                job.status.label().to_lowercase()
            )));
        }
        self.import_job(program_id, id).await
    }

    /// The job is being read now.
    pub async fn start_import(&self, program_id: i64, id: ImportId) -> StoreResult<()> {
        use import_job::Column as C;
        import_job::Entity::update_many()
            .col_expr(C::Status, ImportStatus::Running.code().into())
            .col_expr(C::StartedAt, Utc::now().into())
            .filter(C::ProgramId.eq(program_id))
            .filter(C::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Records how a job ended, on `conn`: the writer's transaction when rows were written
    /// (so the outcome commits with them), the pool otherwise.
    pub(crate) async fn record_outcome<C: ConnectionTrait>(
        conn: &C,
        program_id: i64,
        id: ImportId,
        outcome: &ImportOutcome,
    ) -> StoreResult<()> {
        use import_job::Column as C;
        let n = |v: u64| sea_orm::Value::from(v as i64);
        let c = &outcome.counts;
        import_job::Entity::update_many()
            .col_expr(C::Status, outcome.status.code().into())
            .col_expr(C::RowsTotal, n(c.rows_total).into())
            .col_expr(C::RowsDone, n(c.rows_done).into())
            .col_expr(C::Imported, n(c.imported).into())
            .col_expr(C::Updated, n(c.updated).into())
            .col_expr(C::Unchanged, n(c.unchanged).into())
            .col_expr(C::Deactivated, n(c.deactivated).into())
            .col_expr(C::Rejected, n(c.rejected).into())
            .col_expr(C::Message, outcome.message.clone().into())
            .col_expr(C::RowErrors, json(&outcome.row_errors).into())
            .col_expr(C::RejectsPath, outcome.rejects_path.clone().into())
            .col_expr(C::UploadPath, Option::<String>::None.into())
            .col_expr(C::FinishedAt, Utc::now().into())
            .filter(C::ProgramId.eq(program_id))
            .filter(C::Id.eq(id))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Ends a kind's writer transaction: the job's outcome and its audit entry (`summary`:
    /// file, mode, mapping, counts) are written in it, then it commits, rows and all.
    pub(crate) async fn commit_import(
        txn: sea_orm::DatabaseTransaction,
        change: &Change<'_>,
        job: ImportId,
        outcome: &ImportOutcome,
        summary: &serde_json::Value,
    ) -> StoreResult<()> {
        Self::record_outcome(&txn, change.program_id(), job, outcome).await?;
        crate::audit::record(
            &txn,
            change,
            ENTITY,
            job,
            muster_domain::audit::AuditAction::Create,
            None,
            Some(summary),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records the outcome of a job that wrote nothing (a bad file, all or nothing refused).
    pub async fn finish_import(
        &self,
        program_id: i64,
        id: ImportId,
        outcome: &ImportOutcome,
    ) -> StoreResult<()> {
        Self::record_outcome(&self.db, program_id, id, outcome).await
    }

    /// Jobs a stopped server left queued or running: their transaction never committed,
    /// so nothing of them was written. Run at start.
    pub async fn fail_interrupted_imports(&self) -> StoreResult<u64> {
        use import_job::Column as C;
        let result = import_job::Entity::update_many()
            .col_expr(C::Status, ImportStatus::Failed.code().into())
            .col_expr(
                C::Message,
                Some("the server stopped before this import finished; nothing was written. Upload the file again.".to_owned()).into(),
            )
            .col_expr(C::FinishedAt, Utc::now().into())
            .filter(C::Status.is_in([ImportStatus::Queued.code(), ImportStatus::Running.code()]))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}
