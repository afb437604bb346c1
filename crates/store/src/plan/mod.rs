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
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::Store;
use crate::error::{StoreError, StoreResult};
use entity::plan_settings;

/// How many revisions a deleted task or link is remembered for (`plan_removed`); a
/// schedule kept from further back is read again in full.
pub(crate) const REMOVED_KEPT_FOR: i64 = 1000;

/// Moves the program's plan revision; called by the audit log in the transaction of every
/// write to the plan (`audit::PLAN`). The tasks, links and removals written since the last
/// move (marked NULL by migration 0022's triggers) are stamped with the new revision here,
/// after the move has taken the settings row's lock: no other writer can stamp between the
/// move and the commit, so a reader that sees revision R sees every row stamped up to R.
pub(crate) async fn bump_revision<C: ConnectionTrait>(db: &C, program_id: i64) -> StoreResult<()> {
    const NEW: &str = "(SELECT revision FROM plan_settings WHERE program_id = ?)";
    let statements = [
        "UPDATE plan_settings SET revision = revision + 1 WHERE program_id = ?".to_owned(),
        format!("UPDATE plan_task SET revision = {NEW} WHERE program_id = ? AND revision IS NULL"),
        format!(
            "UPDATE plan_dependency SET revision = {NEW} WHERE program_id = ? AND revision IS NULL"
        ),
        format!(
            "UPDATE plan_removed SET revision = {NEW} WHERE program_id = ? AND revision IS NULL"
        ),
        format!(
            "DELETE FROM plan_removed WHERE revision < {NEW} - {REMOVED_KEPT_FOR} AND program_id = ?"
        ),
    ];
    for (k, sql) in statements.iter().enumerate() {
        let values = if k == 0 {
            vec![program_id.into()]
        } else {
            vec![program_id.into(), program_id.into()]
        };
        db.execute_raw(crate::raw::statement(
            crate::raw::backend_of(db),
            sql,
            values,
        ))
        .await?;
    }
    Ok(())
}

/// `select` (ending in `WHERE program_id = ?`) narrowed to the rows written after revision
/// `since` (stamped later, or not stamped yet), ordered by id; every row for `None`. Two
/// index probes rather than an OR, which not every planner takes to the index.
pub(crate) fn since_sql(
    select: &str,
    program_id: i64,
    since: Option<i64>,
) -> (String, Vec<sea_orm::Value>) {
    match since {
        None => (format!("{select} ORDER BY id"), vec![program_id.into()]),
        Some(r) => (
            format!(
                "SELECT * FROM ({select} AND revision > ? UNION ALL {select} AND revision IS NULL) \
                 changed ORDER BY id"
            ),
            vec![program_id.into(), r.into(), program_id.into()],
        ),
    }
}

/// The tasks and links deleted after revision `since`: (entity, id).
pub(crate) async fn removed_since<C: ConnectionTrait>(
    db: &C,
    program_id: i64,
    since: i64,
) -> StoreResult<Vec<(String, i64)>> {
    let (sql, values) = since_sql(
        "SELECT row_id AS id, entity FROM plan_removed WHERE program_id = ?",
        program_id,
        Some(since),
    );
    let rows = db
        .query_all_raw(crate::raw::statement(
            crate::raw::backend_of(db),
            &sql,
            values,
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get_by_index(1)?, r.try_get_by_index(0)?)))
        .collect()
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
