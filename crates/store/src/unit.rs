//! Units: departments within a site.

use chrono::Utc;
use muster_domain::paging::{Cursor, Page};
use muster_domain::site::SiteId;
use muster_domain::unit::{Unit, UnitId, UnitSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::audit::Change;
use crate::champion::ChampionRef;
use crate::entity::{person, rounding, site, unit};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses};
use crate::{Store, paging};

const ENTITY: &str = "unit";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_unit_name",
    column: "unit.name",
    field: "name",
    message: "this site already has a unit with this name",
}];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitFilter {
    pub site_id: Option<SiteId>,
    pub search: Option<String>,
}

fn unit_row(program_id: i64, spec: UnitSpec, now: chrono::DateTime<Utc>) -> unit::ActiveModel {
    unit::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        site_id: Set(spec.site_id),
        name: Set(spec.name.into_string()),
        code: Set(spec.code),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// The names of the sites the given units belong to.
    async fn site_names(
        &self,
        program_id: i64,
        units: &[unit::Model],
    ) -> StoreResult<std::collections::HashMap<i64, String>> {
        let ids: Vec<i64> = units.iter().map(|u| u.site_id).collect();
        Ok(site::Entity::find()
            .filter(site::Column::ProgramId.eq(program_id))
            .filter(site::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect())
    }

    #[tracing::instrument(skip(self))]
    pub async fn list_units(
        &self,
        program_id: i64,
        filter: &UnitFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Unit>> {
        use unit::Column as C;
        let mut query = unit::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(site_id) = filter.site_id {
            query = query.filter(C::SiteId.eq(site_id));
        }
        if let Some(text) = &filter.search {
            query = query.filter(crate::filter::contains(&[C::Name, C::Code], text));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let names = self.site_names(program_id, &rows).await?;
        let items = rows.into_iter().map(|m| to_unit(m, &names)).collect();
        Ok(paging::page(items, limit, total, |u: &Unit| {
            (u.name.clone(), u.id)
        }))
    }

    pub async fn unit(&self, program_id: i64, id: UnitId) -> StoreResult<Unit> {
        let row = unit::Entity::find_by_id(id)
            .filter(unit::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let site = self.site(program_id, row.site_id).await?;
        Ok(to_unit(row, &[(site.id, site.name)].into()))
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_unit(&self, change: &Change<'_>, spec: UnitSpec) -> StoreResult<Unit> {
        let site = self
            .site(change.program_id(), spec.site_id)
            .await
            .map_err(|_| no_such_site(spec.site_id))?;
        let row = unit_row(change.program_id(), spec, Utc::now());
        let convert = |m| Ok(to_unit(m, &[(site.id, site.name)].into()));
        self.insert_audited(change, ENTITY, row, UNIQUE, convert, |u| u.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_unit(
        &self,
        change: &Change<'_>,
        id: UnitId,
        spec: UnitSpec,
    ) -> StoreResult<Unit> {
        let before = self.unit(change.program_id(), id).await?;
        let site = self
            .site(change.program_id(), spec.site_id)
            .await
            .map_err(|_| no_such_site(spec.site_id))?;
        if site.id != before.site_id {
            // People in the unit would end up with a unit of another site.
            let people = self.people_in_unit(id).await?;
            if people > 0 {
                return Err(StoreError::invalid(
                    "site_id",
                    format!(
                        "{people} people work in this unit; move them before moving the unit to another site"
                    ),
                ));
            }
        }
        let row = unit::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..unit_row(change.program_id(), spec, Utc::now())
        };
        let convert = |m| Ok(to_unit(m, &[(site.id, site.name)].into()));
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, convert)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_unit(&self, change: &Change<'_>, id: UnitId) -> StoreResult<()> {
        let before = self.unit(change.program_id(), id).await?;
        let people = self.people_in_unit(id).await?;
        let rounding = self.roundings_of(rounding::Column::UnitId, id).await?;
        let champions = self.champions_of(ChampionRef::Unit, id).await?;
        if let Some(uses) = describe_uses(&[
            (people, "person"),
            (rounding, "rounding assignment"),
            (champions, "champion"),
        ]) {
            return Err(StoreError::InUse(format!(
                "unit {} is still used by {uses}; move them to another unit first",
                before.name
            )));
        }
        self.delete_audited::<unit::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    async fn people_in_unit(&self, id: UnitId) -> StoreResult<u64> {
        Ok(person::Entity::find()
            .filter(person::Column::UnitId.eq(id))
            .count(&self.db)
            .await?)
    }
}

fn no_such_site(id: SiteId) -> StoreError {
    StoreError::invalid("site_id", format!("there is no site {id}"))
}

fn to_unit(m: unit::Model, site_names: &std::collections::HashMap<i64, String>) -> Unit {
    Unit {
        id: m.id,
        site_id: m.site_id,
        site_name: site_names.get(&m.site_id).cloned().unwrap_or_default(),
        name: m.name,
        code: m.code,
    }
}
