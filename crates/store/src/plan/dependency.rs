//! Dependencies between plan tasks.

use chrono::Utc;
use muster_domain::plan::DependencyKind;
use muster_domain::plan::dependency::{DependencySpec, PlanDependency};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::entity::plan_dependency;
use crate::Store;
use crate::audit::Change;
use crate::error::{StoreError, StoreResult, UniqueField};

pub(crate) const ENTITY: &str = "plan_dependency";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_plan_dependency",
    column: "plan_dependency.predecessor_id",
    field: "successor_id",
    message: "these two tasks are already linked",
}];

pub(crate) fn to_dependency(m: plan_dependency::Model) -> StoreResult<PlanDependency> {
    Ok(PlanDependency {
        id: m.id,
        predecessor_id: m.predecessor_id,
        successor_id: m.successor_id,
        kind: DependencyKind::parse(&m.kind).map_err(StoreError::Corrupt)?,
        lag: m.lag,
    })
}

fn dependency_row(program_id: i64, spec: DependencySpec) -> plan_dependency::ActiveModel {
    let now = Utc::now();
    plan_dependency::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        predecessor_id: Set(spec.predecessor_id),
        successor_id: Set(spec.successor_id),
        kind: Set(spec.kind.code().to_owned()),
        lag: Set(spec.lag),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// Every link of the plan, read by column position and without the timestamps (see
    /// `all_plan_tasks`): 100,000 of them in a national plan.
    pub async fn all_plan_dependencies(&self, program_id: i64) -> StoreResult<Vec<PlanDependency>> {
        self.plan_dependencies_since(program_id, None).await
    }

    /// The links written after plan revision `since` (all of them for `None`), by id.
    pub(crate) async fn plan_dependencies_since(
        &self,
        program_id: i64,
        since: Option<i64>,
    ) -> StoreResult<Vec<PlanDependency>> {
        const COLUMNS: &str = "SELECT id, predecessor_id, successor_id, kind, lag \
                               FROM plan_dependency WHERE program_id = ?";
        let (sql, values) = crate::plan::since_sql(COLUMNS, program_id, since);
        let rows = self
            .db
            .query_all_raw(crate::raw::statement(self.backend(), &sql, values))
            .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get_by_index(3)?;
                Ok(PlanDependency {
                    id: r.try_get_by_index(0)?,
                    predecessor_id: r.try_get_by_index(1)?,
                    successor_id: r.try_get_by_index(2)?,
                    kind: DependencyKind::parse(&kind).map_err(StoreError::Corrupt)?,
                    lag: r.try_get_by_index(4)?,
                })
            })
            .collect()
    }

    pub async fn plan_dependency(&self, program_id: i64, id: i64) -> StoreResult<PlanDependency> {
        let row = plan_dependency::Entity::find_by_id(id)
            .filter(plan_dependency::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        to_dependency(row)
    }

    /// Links two tasks of the plan; refused if it would close a loop.
    pub async fn create_plan_dependency(
        &self,
        change: &Change<'_>,
        spec: DependencySpec,
    ) -> StoreResult<PlanDependency> {
        self.check_plan_dependency(change.program_id(), None, spec)
            .await?;
        let row = dependency_row(change.program_id(), spec);
        self.insert_audited(change, ENTITY, row, UNIQUE, to_dependency, |d| d.id)
            .await
    }

    pub async fn update_plan_dependency(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: DependencySpec,
    ) -> StoreResult<PlanDependency> {
        let before = self.plan_dependency(change.program_id(), id).await?;
        self.check_plan_dependency(change.program_id(), Some(id), spec)
            .await?;
        let row = plan_dependency::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..dependency_row(change.program_id(), spec)
        };
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, to_dependency)
            .await
    }

    pub async fn delete_plan_dependency(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.plan_dependency(change.program_id(), id).await?;
        self.delete_audited::<plan_dependency::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    /// Both tasks are in this plan, and the plan with the link still schedules: a link that
    /// closes a loop is refused naming the tasks on it.
    async fn check_plan_dependency(
        &self,
        program_id: i64,
        id: Option<i64>,
        spec: DependencySpec,
    ) -> StoreResult<()> {
        // The kept schedule holds the plan as of its current revision: no need to read
        // every task and link again for each new link.
        let plan = self
            .plan_schedule(program_id, chrono::Utc::now().date_naive())
            .await?;
        for (field, task) in [
            ("predecessor_id", spec.predecessor_id),
            ("successor_id", spec.successor_id),
        ] {
            if plan.position(task).is_none() {
                return Err(StoreError::invalid(field, "no such task in this plan"));
            }
        }
        let tasks = &plan.tasks;
        let mut links = plan.dependencies.clone();
        links.retain(|d| Some(d.id) != id);
        links.push(PlanDependency {
            id: 0,
            predecessor_id: spec.predecessor_id,
            successor_id: spec.successor_id,
            kind: spec.kind,
            lag: spec.lag,
        });
        if let Some(cycle) = muster_domain::plan::tree::cycle(tasks, &links) {
            return Err(StoreError::invalid(
                "successor_id",
                format!("this link would close a loop: {}", cycle.join(" -> ")),
            ));
        }
        Ok(())
    }
}
