//! Baselines: the computed dates of every task saved under a name.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::baseline::{Baseline, BaselineDates, BaselineSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use super::entity::{plan_baseline, plan_baseline_task};
use crate::Store;
use crate::audit::{Change, record};
use crate::error::{StoreError, StoreResult, UniqueField, map_unique};

const ENTITY: &str = "plan_baseline";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_plan_baseline_name",
    column: "plan_baseline.name",
    field: "name",
    message: "another baseline already has this name",
}];
/// Rows per INSERT of baseline dates (5 values each).
const ROWS_PER_STATEMENT: usize = 6_000;

impl Store {
    async fn baseline_task_counts(&self, ids: &[i64]) -> StoreResult<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> = plan_baseline_task::Entity::find()
            .select_only()
            .column(plan_baseline_task::Column::BaselineId)
            .column_as(plan_baseline_task::Column::TaskId.count(), "n")
            .filter(plan_baseline_task::Column::BaselineId.is_in(ids.to_vec()))
            .group_by(plan_baseline_task::Column::BaselineId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().collect())
    }

    fn to_baseline(m: plan_baseline::Model, tasks: i64) -> Baseline {
        Baseline {
            id: m.id,
            name: m.name,
            notes: m.notes,
            created_at: m.created_at,
            tasks,
        }
    }

    /// Baselines, newest first.
    pub async fn list_baselines(
        &self,
        program_id: i64,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Baseline>> {
        let mut q = plan_baseline::Entity::find()
            .filter(plan_baseline::Column::ProgramId.eq(program_id))
            .order_by_desc(plan_baseline::Column::Id);
        if let Some(c) = cursor {
            q = q.filter(plan_baseline::Column::Id.lt(c.id));
        }
        let total = plan_baseline::Entity::find()
            .filter(plan_baseline::Column::ProgramId.eq(program_id))
            .count(&self.db)
            .await?;
        let rows = q.limit(limit + 1).all(&self.db).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let counts = self.baseline_task_counts(&ids).await?;
        let items = rows
            .into_iter()
            .map(|m| {
                let n = counts.get(&m.id).copied().unwrap_or(0);
                Self::to_baseline(m, n)
            })
            .collect();
        Ok(crate::paging::page(items, limit, total, |b: &Baseline| {
            (String::new(), b.id)
        }))
    }

    pub async fn baseline(&self, program_id: i64, id: i64) -> StoreResult<Baseline> {
        let row = plan_baseline::Entity::find_by_id(id)
            .filter(plan_baseline::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let n = self
            .baseline_task_counts(&[id])
            .await?
            .get(&id)
            .copied()
            .unwrap_or(0);
        Ok(Self::to_baseline(row, n))
    }

    /// Saves the plan's dates as scheduled today under `spec.name`.
    pub async fn create_baseline(
        &self,
        change: &Change<'_>,
        spec: BaselineSpec,
    ) -> StoreResult<Baseline> {
        let program_id = change.program_id();
        let plan = self
            .plan_schedule(program_id, Utc::now().date_naive())
            .await?;
        if let Some(error) = &plan.error {
            return Err(StoreError::invalid(
                "name",
                format!("the plan cannot be scheduled, so there is nothing to save: {error}"),
            ));
        }
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let stored = plan_baseline::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            name: Set(spec.name.into_string()),
            notes: Set(spec.notes),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, UNIQUE))?;
        let rows: Vec<plan_baseline_task::ActiveModel> = plan
            .tasks
            .iter()
            .zip(&plan.dates)
            .map(|(t, d)| plan_baseline_task::ActiveModel {
                baseline_id: Set(stored.id),
                task_id: Set(t.id),
                start_on: Set(d.early_start),
                finish_on: Set(d.early_finish),
                duration: Set(t.duration),
            })
            .collect();
        let count = rows.len() as i64;
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
            plan_baseline_task::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        let created = Self::to_baseline(stored, count);
        record(
            &txn,
            change,
            ENTITY,
            created.id,
            AuditAction::Create,
            None,
            Some(&created),
        )
        .await?;
        txn.commit().await?;
        Ok(created)
    }

    /// Renames a baseline or changes its notes; its dates never change.
    pub async fn update_baseline(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: BaselineSpec,
    ) -> StoreResult<Baseline> {
        let before = self.baseline(change.program_id(), id).await?;
        let row = plan_baseline::ActiveModel {
            id: Set(id),
            program_id: Set(change.program_id()),
            name: Set(spec.name.into_string()),
            notes: Set(spec.notes),
            created_at: NotSet,
            updated_at: Set(Utc::now()),
        };
        let tasks = before.tasks;
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, |m| {
            Ok(Self::to_baseline(m, tasks))
        })
        .await
    }

    pub async fn delete_baseline(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.baseline(change.program_id(), id).await?;
        self.delete_audited::<plan_baseline::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    /// A baseline's dates by task, for `tasks` only when given.
    pub async fn baseline_dates(
        &self,
        program_id: i64,
        baseline_id: i64,
        tasks: Option<&[i64]>,
    ) -> StoreResult<HashMap<i64, BaselineDates>> {
        self.baseline(program_id, baseline_id).await?;
        let mut q = plan_baseline_task::Entity::find()
            .filter(plan_baseline_task::Column::BaselineId.eq(baseline_id));
        if let Some(ids) = tasks {
            q = q.filter(plan_baseline_task::Column::TaskId.is_in(ids.to_vec()));
        }
        Ok(q.all(&self.db)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.task_id,
                    BaselineDates {
                        start: r.start_on,
                        finish: r.finish_on,
                    },
                )
            })
            .collect())
    }

    /// The plan's finish when the baseline was saved: its latest task finish.
    pub async fn baseline_finish(
        &self,
        program_id: i64,
        baseline_id: i64,
    ) -> StoreResult<Option<chrono::NaiveDate>> {
        self.baseline(program_id, baseline_id).await?;
        Ok(plan_baseline_task::Entity::find()
            .select_only()
            .column_as(plan_baseline_task::Column::FinishOn.max(), "finish")
            .filter(plan_baseline_task::Column::BaselineId.eq(baseline_id))
            .into_tuple::<Option<chrono::NaiveDate>>()
            .one(&self.db)
            .await?
            .flatten())
    }
}
