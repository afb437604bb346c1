//! Units: departments within a site.

use chrono::Utc;
use muster_domain::access::Scope;
use muster_domain::audit::AuditAction;
use muster_domain::paging::{Cursor, Page};
use muster_domain::site::SiteId;
use muster_domain::unit::{Unit, UnitId, UnitSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use crate::audit::{Change, record};
use crate::entity::{person, site, unit};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses, map_unique};
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
    async fn site_names(
        &self,
        program_id: i64,
    ) -> StoreResult<std::collections::HashMap<i64, String>> {
        Ok(site::Entity::find()
            .filter(site::Column::ProgramId.eq(program_id))
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
        let names = self.site_names(program_id).await?;
        let items = rows.into_iter().map(|m| to_unit(m, &names)).collect();
        Ok(paging::page(items, limit, total, |u: &Unit| {
            (u.name.clone(), u.id)
        }))
    }

    /// Every unit of the given sites (or all), by site and name (for choosers).
    pub async fn all_units(&self, program_id: i64, scope: &Scope) -> StoreResult<Vec<Unit>> {
        use unit::Column as C;
        let mut query = unit::Entity::find().filter(C::ProgramId.eq(program_id));
        match scope {
            Scope::Sites(ids) => query = query.filter(C::SiteId.is_in(ids.clone())),
            Scope::Nothing => return Ok(Vec::new()),
            Scope::Everything | Scope::Organization(_) => {}
        }
        let rows = query
            .order_by_asc(C::SiteId)
            .order_by_asc(C::Name)
            .all(&self.db)
            .await?;
        let names = self.site_names(program_id).await?;
        Ok(rows.into_iter().map(|m| to_unit(m, &names)).collect())
    }

    pub async fn unit(&self, program_id: i64, id: UnitId) -> StoreResult<Unit> {
        let row = unit::Entity::find_by_id(id)
            .filter(unit::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let names = self.site_names(program_id).await?;
        Ok(to_unit(row, &names))
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_unit(&self, change: &Change<'_>, spec: UnitSpec) -> StoreResult<Unit> {
        let site = self
            .site(change.program_id(), spec.site_id)
            .await
            .map_err(|_| no_such_site(spec.site_id))?;
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let row = unit_row(change.program_id(), spec, now)
            .insert(&txn)
            .await
            .map_err(|e| map_unique(e, UNIQUE))?;
        let created = to_unit(row, &[(site.id, site.name)].into());
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
        let txn = self.db.begin().await?;
        if site.id != before.site_id {
            // People in the unit would end up with a unit of another site.
            let people = person::Entity::find()
                .filter(person::Column::UnitId.eq(id))
                .count(&txn)
                .await?;
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
        }
        .update(&txn)
        .await
        .map_err(|e| map_unique(e, UNIQUE))?;
        let after = to_unit(row, &[(site.id, site.name)].into());
        record(
            &txn,
            change,
            ENTITY,
            id,
            AuditAction::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_unit(&self, change: &Change<'_>, id: UnitId) -> StoreResult<()> {
        let before = self.unit(change.program_id(), id).await?;
        let txn = self.db.begin().await?;
        let people = person::Entity::find()
            .filter(person::Column::UnitId.eq(id))
            .count(&txn)
            .await?;
        if let Some(uses) = describe_uses(&[(people, "person")]) {
            return Err(StoreError::InUse(format!(
                "unit {} is still used by {uses}; move them to another unit first",
                before.name
            )));
        }
        unit::Entity::delete_by_id(id)
            .exec(&txn)
            .await
            .map_err(|e| map_unique(e, &[]))?;
        record(
            &txn,
            change,
            ENTITY,
            id,
            AuditAction::Delete,
            Some(&before),
            None,
        )
        .await?;
        txn.commit().await?;
        Ok(())
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
