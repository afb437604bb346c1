//! Rounding: who walks which unit on which shift during go-live, one assignment per person
//! and shift. Lists page by shift date, so a go-live's schedule reads in order.

use chrono::{DateTime, NaiveDate, Utc};
use muster_domain::paging::{Cursor, Page};
use muster_domain::rounding::{Duty, Rounding, RoundingSpec};
use muster_domain::site::SiteId;
use muster_domain::unit::UnitId;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, Order, PaginatorTrait, QueryFilter};

use crate::audit::Change;
use crate::entity::rounding;
use crate::error::{StoreError, StoreResult, UniqueField};
use crate::placement::{Names, units_of_sites};
use crate::{Store, paging};

const ENTITY: &str = "rounding";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_rounding",
    column: "rounding.shift",
    field: "person_id",
    message: "this person is already rounding on that shift",
}];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundingFilter {
    pub shift_date: Option<NaiveDate>,
    pub site_id: Option<SiteId>,
    pub unit_id: Option<UnitId>,
    pub duty: Option<Duty>,
}

fn to_rounding(m: rounding::Model, names: &Names) -> StoreResult<Rounding> {
    Ok(Rounding {
        id: m.id,
        placed: names.placed(ENTITY, m.id, m.person_id, m.unit_id, &m.shift)?,
        shift_date: m.shift_date,
        duty: Duty::parse(&m.duty).map_err(StoreError::Corrupt)?,
        notes: m.notes,
    })
}

fn rounding_row(program_id: i64, spec: RoundingSpec, now: DateTime<Utc>) -> rounding::ActiveModel {
    rounding::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        person_id: Set(spec.placement.person_id),
        unit_id: Set(spec.placement.unit_id),
        shift_date: Set(spec.shift_date),
        shift: Set(spec.placement.shift.code().into()),
        duty: Set(spec.duty.code().into()),
        notes: Set(spec.notes),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// Rounding assignments by shift date, earliest first.
    #[tracing::instrument(skip(self))]
    pub async fn list_roundings(
        &self,
        program_id: i64,
        filter: &RoundingFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Rounding>> {
        use rounding::Column as C;
        let mut query = rounding::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(day) = filter.shift_date {
            query = query.filter(C::ShiftDate.eq(day));
        }
        if let Some(unit_id) = filter.unit_id {
            query = query.filter(C::UnitId.eq(unit_id));
        }
        if let Some(site_id) = filter.site_id {
            query = query.filter(C::UnitId.in_subquery(units_of_sites(vec![site_id])));
        }
        if let Some(duty) = filter.duty {
            query = query.filter(C::Duty.eq(duty.code()));
        }
        let total = query.clone().count(&self.db).await?;
        let start = paging::date_start(cursor)?;
        let rows = paging::after_key(query, C::ShiftDate, C::Id, start, Order::Asc, limit)
            .all(&self.db)
            .await?;
        let names = self.rounding_names(program_id, &rows).await?;
        let items = rows
            .into_iter()
            .map(|m| to_rounding(m, &names))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |r| {
            (r.shift_date.format(paging::DATE).to_string(), r.id)
        }))
    }

    pub async fn rounding(&self, program_id: i64, id: i64) -> StoreResult<Rounding> {
        let row = rounding::Entity::find_by_id(id)
            .filter(rounding::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let names = self
            .rounding_names(program_id, std::slice::from_ref(&row))
            .await?;
        to_rounding(row, &names)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_rounding(
        &self,
        change: &Change<'_>,
        spec: RoundingSpec,
    ) -> StoreResult<Rounding> {
        let names = self.check_rounding(change.program_id(), &spec).await?;
        let row = rounding_row(change.program_id(), spec, Utc::now());
        let convert = |m| to_rounding(m, &names);
        self.insert_audited(change, ENTITY, row, UNIQUE, convert, |r| r.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_rounding(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: RoundingSpec,
    ) -> StoreResult<Rounding> {
        let before = self.rounding(change.program_id(), id).await?;
        let names = self.check_rounding(change.program_id(), &spec).await?;
        let row = rounding::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..rounding_row(change.program_id(), spec, Utc::now())
        };
        let convert = |m| to_rounding(m, &names);
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, convert)
            .await
    }

    /// Nothing refers to a rounding assignment.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_rounding(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.rounding(change.program_id(), id).await?;
        self.delete_audited::<rounding::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    /// How many rounding assignments put people on `unit_id`, or `person_id` on units.
    pub(crate) async fn roundings_of(&self, column: rounding::Column, id: i64) -> StoreResult<u64> {
        Ok(rounding::Entity::find()
            .filter(column.eq(id))
            .count(&self.db)
            .await?)
    }

    /// The person exists and the unit belongs to the named site; returns their names.
    async fn check_rounding(&self, program_id: i64, spec: &RoundingSpec) -> StoreResult<Names> {
        let (person, unit) = self.placement(program_id, &spec.placement).await?;
        Ok(Store::names_of(&person, &unit))
    }

    async fn rounding_names(
        &self,
        program_id: i64,
        rows: &[rounding::Model],
    ) -> StoreResult<Names> {
        let people = rows.iter().map(|r| r.person_id).collect();
        let units = rows.iter().map(|r| r.unit_id).collect();
        self.placement_names(&self.db, program_id, people, units)
            .await
    }
}
