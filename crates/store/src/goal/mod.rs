//! Benefit goals and their KPI measurements (migration 0017). `mod.rs` keeps the goals and
//! the sites each concerns; `measurement.rs` the measurements (upserts: re-posting a goal,
//! site and period replaces the value); `benefits.rs` the dashboard's aggregates, the
//! program dashboard's summary and the goals' value a delay postpones.

mod benefits;
mod import;
mod measurement;

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::goal::{Direction, Goal, GoalId, GoalSpec, KpiUnit};
use muster_domain::money::Cents;
use muster_domain::paging::{Cursor, Page};
use muster_domain::site::SiteId;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, Value,
};

pub use benefits::{Benefits, SeriesOf};
pub use import::{MeasurementTally, MeasurementWriter};
pub use measurement::{MEASUREMENTS_PER_STATEMENT, MeasurementRow};

use crate::audit::Change;
use crate::entity::{Ts, entity};
use crate::error::{StoreError, StoreResult, UniqueField};
use crate::raw::{marks, statement};
use crate::write::Then;
use crate::{Backend, Store, paging};

pub mod goal_entity {
    use super::*;
    entity!("goal" {
        name: String, definition: Option<String>, unit: String, direction: String,
        baseline_value: f64, baseline_date: chrono::NaiveDate, target_value: f64,
        target_date: chrono::NaiveDate, owner_person_id: Option<i64>,
        value_per_year_cents: i64, created_at: Ts, updated_at: Ts,
    });
}

pub mod measurement_entity {
    use super::*;
    entity!("measurement" {
        goal_id: i64, site_id: Option<i64>, site_key: i64, period: chrono::NaiveDate,
        month: i64, value: f64, created_at: Ts, updated_at: Ts,
    });
}

use goal_entity as goal;

const ENTITY: &str = "goal";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_goal_name",
    column: "goal.name",
    field: "name",
    message: "another goal already has this name",
}];

/// List filters for goals.
#[derive(Debug, Clone, Default)]
pub struct GoalFilter {
    /// Goals that concern this site (program-wide goals concern every site).
    pub site_id: Option<SiteId>,
    /// Name containing this text.
    pub search: Option<String>,
}

#[derive(FromQueryResult)]
struct Linked {
    goal_id: i64,
    site_id: i64,
}

async fn goal_sites<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    ids: &[GoalId],
) -> StoreResult<HashMap<GoalId, Vec<SiteId>>> {
    let mut by_goal: HashMap<GoalId, Vec<SiteId>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by_goal);
    }
    let sql = format!(
        "SELECT goal_id, site_id FROM goal_site WHERE goal_id IN ({}) ORDER BY goal_id, site_id",
        marks(ids.len())
    );
    let values = ids.iter().map(|&g| Value::from(g)).collect();
    for r in Linked::find_by_statement(statement(backend, &sql, values))
        .all(db)
        .await?
    {
        by_goal.entry(r.goal_id).or_default().push(r.site_id);
    }
    Ok(by_goal)
}

fn to_goal(m: goal::Model, site_ids: Vec<SiteId>) -> StoreResult<Goal> {
    Ok(Goal {
        id: m.id,
        name: m.name,
        definition: m.definition,
        unit: KpiUnit::parse(&m.unit).map_err(StoreError::Corrupt)?,
        direction: Direction::parse(&m.direction).map_err(StoreError::Corrupt)?,
        baseline_value: m.baseline_value,
        baseline_date: m.baseline_date,
        target_value: m.target_value,
        target_date: m.target_date,
        owner_person_id: m.owner_person_id,
        value_per_year: Cents(m.value_per_year_cents),
        site_ids,
    })
}

async fn to_goals<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    rows: Vec<goal::Model>,
) -> StoreResult<Vec<Goal>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut sites = goal_sites(db, backend, &ids).await?;
    rows.into_iter()
        .map(|m| {
            let s = sites.remove(&m.id).unwrap_or_default();
            to_goal(m, s)
        })
        .collect()
}

fn goal_row(program_id: i64, spec: &GoalSpec, now: chrono::DateTime<Utc>) -> goal::ActiveModel {
    goal::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        name: Set(spec.name.as_str().to_owned()),
        definition: Set(spec.definition.clone()),
        unit: Set(spec.unit.code().into()),
        direction: Set(spec.direction.code().into()),
        baseline_value: Set(spec.baseline_value),
        baseline_date: Set(spec.baseline_date),
        target_value: Set(spec.target_value),
        target_date: Set(spec.target_date),
        owner_person_id: Set(spec.owner_person_id),
        value_per_year_cents: Set(spec.value_per_year.0),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

async fn set_sites<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    program_id: i64,
    goal_id: GoalId,
    site_ids: &[SiteId],
) -> StoreResult<()> {
    db.execute_raw(statement(
        backend,
        "DELETE FROM goal_site WHERE goal_id = ?",
        vec![goal_id.into()],
    ))
    .await?;
    if site_ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO goal_site (program_id, goal_id, site_id) VALUES {}",
        vec!["(?, ?, ?)"; site_ids.len()].join(", ")
    );
    let values = site_ids
        .iter()
        .flat_map(|&s| [program_id.into(), goal_id.into(), s.into()])
        .collect();
    db.execute_raw(statement(backend, &sql, values)).await?;
    Ok(())
}

impl Store {
    /// Goals by name.
    #[tracing::instrument(skip(self))]
    pub async fn list_goals(
        &self,
        program_id: i64,
        filter: &GoalFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Goal>> {
        use goal::Column as C;
        let mut query = goal::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(text) = &filter.search {
            query = query.filter(C::Name.contains(text));
        }
        if let Some(site_id) = filter.site_id {
            // Program-wide goals (no site) concern every site.
            let sql = "SELECT id FROM goal g WHERE program_id = ? AND (EXISTS (SELECT 1 FROM \
                       goal_site s WHERE s.goal_id = g.id AND s.site_id = ?) OR NOT EXISTS \
                       (SELECT 1 FROM goal_site s WHERE s.goal_id = g.id))";
            let ids: Vec<i64> = self
                .db
                .query_all_raw(statement(
                    self.backend(),
                    sql,
                    vec![program_id.into(), site_id.into()],
                ))
                .await?
                .iter()
                .map(|r| r.try_get::<i64>("", "id"))
                .collect::<Result<_, _>>()?;
            query = query.filter(C::Id.is_in(ids));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = to_goals(&self.db, self.backend(), rows).await?;
        Ok(paging::page(items, limit, total, |g: &Goal| {
            (g.name.clone(), g.id)
        }))
    }

    /// Every goal of the program, by name (tens, not thousands).
    pub async fn all_goals(&self, program_id: i64) -> StoreResult<Vec<Goal>> {
        let rows = goal::Entity::find()
            .filter(goal::Column::ProgramId.eq(program_id))
            .order_by_asc(goal::Column::Name)
            .order_by_asc(goal::Column::Id)
            .all(&self.db)
            .await?;
        to_goals(&self.db, self.backend(), rows).await
    }

    pub async fn goal(&self, program_id: i64, id: GoalId) -> StoreResult<Goal> {
        let row = goal::Entity::find_by_id(id)
            .filter(goal::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let mut goals = to_goals(&self.db, self.backend(), vec![row]).await?;
        Ok(goals.remove(0))
    }

    /// The owner and sites a goal names are this program's.
    async fn check_goal(&self, program_id: i64, spec: &GoalSpec) -> StoreResult<()> {
        let count = |table: &'static str, ids: Vec<i64>| async move {
            if ids.is_empty() {
                return Ok::<_, StoreError>(0);
            }
            let sql = format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table} WHERE program_id = ? AND id IN ({})",
                marks(ids.len())
            );
            let mut values: Vec<Value> = vec![program_id.into()];
            values.extend(ids.iter().map(|&i| Value::from(i)));
            Ok(self
                .db
                .query_one_raw(statement(self.backend(), &sql, values))
                .await?
                .map(|r| r.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0) as usize)
        };
        if let Some(owner) = spec.owner_person_id
            && count("person", vec![owner]).await? != 1
        {
            return Err(StoreError::invalid(
                "owner_person_id",
                format!("there is no person {owner}"),
            ));
        }
        if count("site", spec.site_ids.clone()).await? != spec.site_ids.len() {
            return Err(StoreError::invalid(
                "site_ids",
                "one or more of the chosen sites do not exist",
            ));
        }
        Ok(())
    }

    /// What a goal's write does once its row is stored: replaces its sites and converts it.
    fn goal_sites(
        &self,
        program_id: i64,
        site_ids: Vec<SiteId>,
    ) -> impl for<'t> FnOnce(&'t DatabaseTransaction, goal::Model) -> Then<'t, Goal> + Send + use<>
    {
        let backend = self.backend();
        move |txn, row| {
            Box::pin(async move {
                set_sites(txn, backend, program_id, row.id, &site_ids).await?;
                to_goal(row, site_ids)
            })
        }
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_goal(&self, change: &Change<'_>, spec: GoalSpec) -> StoreResult<Goal> {
        let program_id = change.program_id();
        self.check_goal(program_id, &spec).await?;
        let row = goal_row(program_id, &spec, Utc::now());
        let then = self.goal_sites(program_id, spec.site_ids);
        self.insert_then(change, ENTITY, row, UNIQUE, then, |g| g.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_goal(
        &self,
        change: &Change<'_>,
        id: GoalId,
        spec: GoalSpec,
    ) -> StoreResult<Goal> {
        let program_id = change.program_id();
        let before = self.goal(program_id, id).await?;
        self.check_goal(program_id, &spec).await?;
        if before.unit != spec.unit && self.count_measurements(id).await? > 0 {
            return Err(StoreError::invalid(
                "unit",
                "the goal has measurements in its unit; the unit cannot change",
            ));
        }
        let row = goal::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..goal_row(program_id, &spec, Utc::now())
        };
        let then = self.goal_sites(program_id, spec.site_ids);
        self.update_then(change, ENTITY, id, &before, row, UNIQUE, then)
            .await
    }

    /// A goal goes with its sites and measurements (ON DELETE CASCADE); the deletion's
    /// audit entry says how many measurements went with it.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_goal(&self, change: &Change<'_>, id: GoalId) -> StoreResult<()> {
        let before = self.goal(change.program_id(), id).await?;
        self.delete_audited::<goal::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
