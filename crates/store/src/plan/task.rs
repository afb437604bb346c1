//! Plan tasks: the tree of phases, deliverables and tasks.

use chrono::{DateTime, Utc};
use muster_domain::plan::task::{PlanTask, TaskSpec};
use muster_domain::plan::{ConstraintKind, TaskId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use super::entity::plan_task;
use crate::Store;
use crate::audit::Change;
use crate::error::{StoreError, StoreResult};
use crate::raw::statement;
use crate::write::{Also, nothing_more};

pub(crate) const ENTITY: &str = "plan_task";

pub(crate) fn to_task(m: plan_task::Model) -> StoreResult<PlanTask> {
    Ok(PlanTask {
        id: m.id,
        parent_id: m.parent_id,
        position: m.position,
        name: m.name,
        owner_person_id: m.owner_person_id,
        site_id: m.site_id,
        wave_id: m.wave_id,
        module_id: m.module_id,
        duration: m.duration,
        milestone: m.milestone,
        constraint_kind: m
            .constraint_kind
            .as_deref()
            .map(ConstraintKind::parse)
            .transpose()
            .map_err(StoreError::Corrupt)?,
        constraint_date: m.constraint_date,
        percent_complete: m.percent_complete,
        actual_start: m.actual_start,
        actual_finish: m.actual_finish,
        notes: m.notes,
    })
}

pub(crate) fn task_row(
    program_id: i64,
    spec: TaskSpec,
    position: i64,
    now: DateTime<Utc>,
) -> plan_task::ActiveModel {
    plan_task::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        parent_id: Set(spec.parent_id),
        position: Set(position),
        name: Set(spec.name.into_string()),
        owner_person_id: Set(spec.owner_person_id),
        site_id: Set(spec.site_id),
        wave_id: Set(spec.wave_id),
        module_id: Set(spec.module_id),
        duration: Set(spec.duration),
        milestone: Set(spec.milestone),
        constraint_kind: Set(spec.constraint.map(|(k, _)| k.code().to_owned())),
        constraint_date: Set(spec.constraint.map(|(_, d)| d)),
        percent_complete: Set(spec.percent_complete),
        actual_start: Set(spec.actual_start),
        actual_finish: Set(spec.actual_finish),
        notes: Set(spec.notes),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// Every task of the program (the schedule reads them all). Read by column position
    /// and without the timestamps: a national plan has 50,000 tasks, and naming columns and
    /// parsing timestamps row by row was most of the schedule's cold start.
    pub async fn all_plan_tasks(&self, program_id: i64) -> StoreResult<Vec<PlanTask>> {
        self.plan_tasks_since(program_id, None).await
    }

    /// The tasks written after plan revision `since` (all of them for `None`), by id.
    pub(crate) async fn plan_tasks_since(
        &self,
        program_id: i64,
        since: Option<i64>,
    ) -> StoreResult<Vec<PlanTask>> {
        const COLUMNS: &str = "SELECT id, parent_id, position, name, owner_person_id, site_id, \
                               wave_id, module_id, duration, milestone, constraint_kind, \
                               constraint_date, percent_complete, actual_start, actual_finish, \
                               notes FROM plan_task WHERE program_id = ?";
        let (sql, values) = crate::plan::since_sql(COLUMNS, program_id, since);
        let rows = self
            .db
            .query_all_raw(statement(self.backend(), &sql, values))
            .await?;
        rows.iter()
            .map(|r| {
                let constraint_kind: Option<String> = r.try_get_by_index(10)?;
                Ok(PlanTask {
                    id: r.try_get_by_index(0)?,
                    parent_id: r.try_get_by_index(1)?,
                    position: r.try_get_by_index(2)?,
                    name: r.try_get_by_index(3)?,
                    owner_person_id: r.try_get_by_index(4)?,
                    site_id: r.try_get_by_index(5)?,
                    wave_id: r.try_get_by_index(6)?,
                    module_id: r.try_get_by_index(7)?,
                    duration: r.try_get_by_index(8)?,
                    milestone: r.try_get_by_index(9)?,
                    constraint_kind: constraint_kind
                        .as_deref()
                        .map(ConstraintKind::parse)
                        .transpose()
                        .map_err(StoreError::Corrupt)?,
                    constraint_date: r.try_get_by_index(11)?,
                    percent_complete: r.try_get_by_index(12)?,
                    actual_start: r.try_get_by_index(13)?,
                    actual_finish: r.try_get_by_index(14)?,
                    notes: r.try_get_by_index(15)?,
                })
            })
            .collect()
    }

    pub async fn plan_task(&self, program_id: i64, id: TaskId) -> StoreResult<PlanTask> {
        let row = plan_task::Entity::find_by_id(id)
            .filter(plan_task::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        to_task(row)
    }

    pub async fn create_plan_task(
        &self,
        change: &Change<'_>,
        spec: TaskSpec,
    ) -> StoreResult<PlanTask> {
        self.create_plan_task_also(change, spec, nothing_more())
            .await
    }

    /// `create_plan_task`, writing `also` in its transaction.
    pub(crate) async fn create_plan_task_also(
        &self,
        change: &Change<'_>,
        spec: TaskSpec,
        also: Also,
    ) -> StoreResult<PlanTask> {
        let program_id = change.program_id();
        self.plan_settings(program_id).await?;
        self.check_plan_task(program_id, None, &spec).await?;
        let position = match spec.position {
            Some(p) => p,
            None => self.next_position(program_id, spec.parent_id).await?,
        };
        let row = task_row(program_id, spec, position, Utc::now());
        self.insert_audited_also(change, ENTITY, row, &[], to_task, |t| t.id, also)
            .await
    }

    pub async fn update_plan_task(
        &self,
        change: &Change<'_>,
        id: TaskId,
        spec: TaskSpec,
    ) -> StoreResult<PlanTask> {
        let program_id = change.program_id();
        let before = self.plan_task(program_id, id).await?;
        self.check_plan_task(program_id, Some(id), &spec).await?;
        let position = match spec.position {
            Some(p) => p,
            None if spec.parent_id == before.parent_id => before.position,
            None => self.next_position(program_id, spec.parent_id).await?,
        };
        let row = plan_task::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..task_row(program_id, spec, position, Utc::now())
        };
        self.update_audited(change, ENTITY, id, &before, row, &[], to_task)
            .await
    }

    /// Deletes a task with no subtasks; its dependencies go with it.
    pub async fn delete_plan_task(&self, change: &Change<'_>, id: TaskId) -> StoreResult<()> {
        let before = self.plan_task(change.program_id(), id).await?;
        let children = plan_task::Entity::find()
            .filter(plan_task::Column::ParentId.eq(id))
            .count(&self.db)
            .await?;
        if children > 0 {
            return Err(StoreError::InUse(format!(
                "{} has {children} subtask(s); delete or move them first",
                before.name
            )));
        }
        let raci = self.raci_on_task(id).await?;
        if raci > 0 {
            return Err(StoreError::InUse(format!(
                "{} has {raci} RACI assignment(s); delete them first",
                before.name
            )));
        }
        self.delete_audited::<plan_task::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    async fn next_position(&self, program_id: i64, parent: Option<TaskId>) -> StoreResult<i64> {
        let mut q = plan_task::Entity::find()
            .filter(plan_task::Column::ProgramId.eq(program_id))
            .select_only()
            .column_as(plan_task::Column::Position.max(), "max");
        q = match parent {
            Some(p) => q.filter(plan_task::Column::ParentId.eq(p)),
            None => q.filter(plan_task::Column::ParentId.is_null()),
        };
        let max: Option<i64> = q.into_tuple().one(&self.db).await?.flatten();
        Ok(max.map_or(1, |m| m + 1))
    }

    /// The references a task names exist in this program, and its parent is not itself or
    /// one of its own subtasks.
    async fn check_plan_task(
        &self,
        program_id: i64,
        id: Option<TaskId>,
        spec: &TaskSpec,
    ) -> StoreResult<()> {
        let refs = [
            (
                "parent_id",
                "plan_task",
                spec.parent_id,
                "no such task in this plan",
            ),
            (
                "owner_person_id",
                "person",
                spec.owner_person_id,
                "no such person",
            ),
            ("site_id", "site", spec.site_id, "no such site"),
            ("wave_id", "wave", spec.wave_id, "no such wave"),
            ("module_id", "module", spec.module_id, "no such module"),
        ];
        for (field, table, value, message) in refs {
            let Some(value) = value else { continue };
            let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE id = ? AND program_id = ?");
            let found = self
                .db
                .query_one_raw(statement(
                    self.backend(),
                    &sql,
                    vec![value.into(), program_id.into()],
                ))
                .await?
                .map(|r| r.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0);
            if found == 0 {
                return Err(StoreError::invalid(field, message));
            }
        }
        if let (Some(id), Some(mut parent)) = (id, spec.parent_id) {
            // Walk up from the new parent: meeting the task itself would make a loop.
            loop {
                if parent == id {
                    return Err(StoreError::invalid(
                        "parent_id",
                        "a task cannot sit under itself or one of its own subtasks",
                    ));
                }
                match self.plan_task(program_id, parent).await?.parent_id {
                    Some(up) => parent = up,
                    None => break,
                }
            }
        }
        Ok(())
    }
}
