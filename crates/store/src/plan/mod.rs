//! The rollout plan: settings and calendar, tasks, dependencies, and the schedule computed
//! from them (kept until the plan's revision moves).

pub mod baseline;
pub mod bulk;
pub mod cost;
pub mod dependency;
mod entity;
pub mod holiday;
mod names;
pub mod schedule;
pub mod task;
pub mod wave_move;
pub mod waves;

pub(crate) use schedule::Schedules;

use chrono::{NaiveDate, Utc};
use muster_domain::plan::PlanSettings;
use muster_domain::plan::calendar::parse_weekdays;
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, Statement};

use crate::Store;
use crate::error::{StoreError, StoreResult};
use entity::plan_settings;

/// Moves the program's plan revision; called by the audit log in the transaction of every
/// write to the plan (`audit::PLAN`).
pub(crate) async fn bump_revision<C: ConnectionTrait>(db: &C, program_id: i64) -> StoreResult<()> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            "UPDATE plan_settings SET revision = revision + 1 WHERE program_id = $1"
        }
        _ => "UPDATE plan_settings SET revision = revision + 1 WHERE program_id = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [program_id.into()],
    ))
    .await?;
    Ok(())
}

fn to_settings(m: plan_settings::Model) -> StoreResult<PlanSettings> {
    Ok(PlanSettings {
        project_start: m.project_start,
        working_weekdays: parse_weekdays(&m.working_weekdays).map_err(StoreError::Corrupt)?,
        revision: m.revision,
    })
}

impl Store {
    /// The program's plan settings, made on first use: Monday to Friday, starting today.
    pub async fn plan_settings(&self, program_id: i64) -> StoreResult<PlanSettings> {
        if let Some(row) = plan_settings::Entity::find_by_id(program_id)
            .one(&self.db)
            .await?
        {
            return to_settings(row);
        }
        let row = plan_settings::ActiveModel {
            program_id: Set(program_id),
            project_start: Set(Utc::now().date_naive()),
            working_weekdays: Set("mon,tue,wed,thu,fri".into()),
            revision: Set(0),
            updated_at: Set(Utc::now()),
        };
        plan_settings::Entity::insert(row)
            .on_conflict_do_nothing_on([plan_settings::Column::ProgramId])
            .exec_without_returning(&self.db)
            .await?;
        let row = plan_settings::Entity::find_by_id(program_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found("plan_settings", program_id))?;
        to_settings(row)
    }

    /// Sets when the project starts and which weekdays are worked.
    pub async fn update_plan_settings(
        &self,
        change: &crate::Change<'_>,
        project_start: NaiveDate,
        working_weekdays: [bool; 7],
    ) -> StoreResult<PlanSettings> {
        use sea_orm::{ActiveModelTrait, TransactionTrait};
        let before = self.plan_settings(change.program_id()).await?;
        let after = PlanSettings {
            project_start,
            working_weekdays,
            revision: before.revision + 1,
        };
        let txn = self.db.begin().await?;
        plan_settings::ActiveModel {
            program_id: Set(change.program_id()),
            project_start: Set(project_start),
            working_weekdays: Set(after.weekdays_code()),
            revision: Set(before.revision),
            updated_at: Set(Utc::now()),
        }
        .update(&txn)
        .await?;
        crate::audit::record(
            &txn,
            change,
            "plan_settings",
            change.program_id(),
            muster_domain::audit::AuditAction::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }
}
