//! The cost of a day's delay: the entered cost items, and the daily rates of the program's
//! active people, added up per employer kind.

use chrono::Utc;
use muster_domain::money::Cents;
use muster_domain::paging::{Cursor, Page};
use muster_domain::person::EmployerKind;
use muster_domain::plan::cost::{CostItem, CostItemSpec, CostKind, CostOfDelay, RatedPeople};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::cost_item;
use crate::Store;
use crate::audit::Change;
use crate::entity::person;
use crate::error::{StoreError, StoreResult, UniqueField};

const ENTITY: &str = "cost_item";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_cost_item_name",
    column: "cost_item.name",
    field: "name",
    message: "another cost item already has this name",
}];

fn to_item(m: cost_item::Model) -> StoreResult<CostItem> {
    Ok(CostItem {
        id: m.id,
        kind: CostKind::parse(&m.kind).map_err(StoreError::Corrupt)?,
        name: m.name,
        per_day: Cents(m.per_day_cents),
        notes: m.notes,
    })
}

fn item_row(program_id: i64, spec: CostItemSpec) -> cost_item::ActiveModel {
    let now = Utc::now();
    cost_item::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        kind: Set(spec.kind.code().into()),
        name: Set(spec.name.into_string()),
        per_day_cents: Set(spec.per_day.0),
        notes: Set(spec.notes),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// Every cost item of the program, by name (a program has tens, not thousands).
    pub async fn all_cost_items(&self, program_id: i64) -> StoreResult<Vec<CostItem>> {
        cost_item::Entity::find()
            .filter(cost_item::Column::ProgramId.eq(program_id))
            .order_by_asc(cost_item::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_item)
            .collect()
    }

    pub async fn list_cost_items(
        &self,
        program_id: i64,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<CostItem>> {
        let mut q = cost_item::Entity::find()
            .filter(cost_item::Column::ProgramId.eq(program_id))
            .order_by_asc(cost_item::Column::Id);
        if let Some(c) = cursor {
            q = q.filter(cost_item::Column::Id.gt(c.id));
        }
        let rows = q.limit(limit + 1).all(&self.db).await?;
        let items = rows.into_iter().map(to_item).collect::<StoreResult<_>>()?;
        let total = cost_item::Entity::find()
            .filter(cost_item::Column::ProgramId.eq(program_id))
            .count(&self.db)
            .await?;
        Ok(crate::paging::page(items, limit, total, |i: &CostItem| {
            (String::new(), i.id)
        }))
    }

    pub async fn cost_item(&self, program_id: i64, id: i64) -> StoreResult<CostItem> {
        cost_item::Entity::find_by_id(id)
            .filter(cost_item::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))
            .and_then(to_item)
    }

    pub async fn create_cost_item(
        &self,
        change: &Change<'_>,
        spec: CostItemSpec,
    ) -> StoreResult<CostItem> {
        let row = item_row(change.program_id(), spec);
        self.insert_audited(change, ENTITY, row, UNIQUE, to_item, |i| i.id)
            .await
    }

    pub async fn update_cost_item(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: CostItemSpec,
    ) -> StoreResult<CostItem> {
        let before = self.cost_item(change.program_id(), id).await?;
        let row = cost_item::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..item_row(change.program_id(), spec)
        };
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, to_item)
            .await
    }

    pub async fn delete_cost_item(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.cost_item(change.program_id(), id).await?;
        self.delete_audited::<cost_item::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    /// The active people with a daily rate, per employer kind (read from the partial index
    /// `ix_person_daily_rate`, not the roster).
    pub async fn rated_people(&self, program_id: i64) -> StoreResult<Vec<RatedPeople>> {
        use person::Column as P;
        let rows: Vec<(String, i64, Option<i64>)> = person::Entity::find()
            .select_only()
            .column(P::EmployerKind)
            // PostgreSQL counts and sums BIGINTs as BIGINT and NUMERIC: both read as BIGINT.
            .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "people")
            .column_as(
                Expr::cust("CAST(SUM(daily_rate_cents) AS BIGINT)"),
                "per_day",
            )
            .filter(P::ProgramId.eq(program_id))
            .filter(P::Active.eq(true))
            .filter(P::DailyRateCents.is_not_null())
            .group_by(P::EmployerKind)
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|(kind, people, per_day)| {
                Ok(RatedPeople {
                    employer_kind: EmployerKind::parse(&kind).map_err(StoreError::Corrupt)?,
                    people,
                    per_day: Cents(per_day.unwrap_or(0)),
                })
            })
            .collect()
    }

    /// What one day of delay costs the program, itemized, with the goals' value postponed
    /// (`goals_postponed`).
    pub async fn cost_of_delay(&self, program_id: i64) -> StoreResult<CostOfDelay> {
        let items = self.all_cost_items(program_id).await?;
        let rated = self.rated_people(program_id).await?;
        let goals = self.goals_postponed_today(program_id).await?;
        Ok(CostOfDelay::itemize(&items, &rated, goals))
    }
}
