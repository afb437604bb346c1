//! Sites: hospitals, clinics and ambulatory centers.

use chrono::Utc;
use muster_domain::paging::{Cursor, Page};
use muster_domain::site::{Site, SiteId, SiteKind, SiteSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::Store;
use crate::audit::Change;
use crate::entity::{account_site, person, site, unit, wave_site};
use crate::error::{StoreError, StoreResult, UniqueField};
use crate::paging;

const ENTITY: &str = "site";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_site_code",
    column: "site.code",
    field: "code",
    message: "another site already has this code",
}];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteFilter {
    pub kind: Option<SiteKind>,
    pub region: Option<String>,
    /// Name or code containing this text.
    pub search: Option<String>,
}

fn to_site(m: site::Model) -> StoreResult<Site> {
    Ok(Site {
        id: m.id,
        kind: SiteKind::parse(&m.kind).map_err(StoreError::Corrupt)?,
        name: m.name,
        code: m.code,
        region: m.region,
        beds: m.beds,
        expected_users: m.expected_users,
    })
}

fn site_row(program_id: i64, spec: SiteSpec, now: chrono::DateTime<Utc>) -> site::ActiveModel {
    site::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        name: Set(spec.name.into_string()),
        code: Set(spec.code.as_str().into()),
        kind: Set(spec.kind.code().into()),
        region: Set(spec.region),
        beds: Set(spec.beds),
        expected_users: Set(spec.expected_users),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    #[tracing::instrument(skip(self))]
    pub async fn list_sites(
        &self,
        program_id: i64,
        filter: &SiteFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Site>> {
        use site::Column as C;
        let mut query = site::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(kind) = filter.kind {
            query = query.filter(C::Kind.eq(kind.code()));
        }
        if let Some(region) = &filter.region {
            query = query.filter(C::Region.eq(region.as_str()));
        }
        if let Some(text) = &filter.search {
            query = query.filter(crate::filter::contains(&[C::Name, C::Code], text));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(to_site)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |s| {
            (s.name.clone(), s.id)
        }))
    }

    /// Every site of the program, by name (for choosers; a program has at most a few hundred).
    pub async fn all_sites(&self, program_id: i64) -> StoreResult<Vec<Site>> {
        site::Entity::find()
            .filter(site::Column::ProgramId.eq(program_id))
            .order_by_asc(site::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_site)
            .collect()
    }

    pub async fn site(&self, program_id: i64, id: SiteId) -> StoreResult<Site> {
        let row = site::Entity::find_by_id(id)
            .filter(site::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        to_site(row)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_site(&self, change: &Change<'_>, spec: SiteSpec) -> StoreResult<Site> {
        let row = site_row(change.program_id(), spec, Utc::now());
        self.insert_audited(change, ENTITY, row, UNIQUE, to_site, |s| s.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_site(
        &self,
        change: &Change<'_>,
        id: SiteId,
        spec: SiteSpec,
    ) -> StoreResult<Site> {
        let before = self.site(change.program_id(), id).await?;
        let row = site::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..site_row(change.program_id(), spec, Utc::now())
        };
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, to_site)
            .await
    }

    /// Deletes a site nothing refers to; otherwise says what still refers to it.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_site(&self, change: &Change<'_>, id: SiteId) -> StoreResult<()> {
        let before = self.site(change.program_id(), id).await?;
        let db = &self.db;
        let units = unit::Entity::find()
            .filter(unit::Column::SiteId.eq(id))
            .count(db)
            .await?;
        let people = person::Entity::find()
            .filter(person::Column::SiteId.eq(id))
            .count(db)
            .await?;
        let waves = wave_site::Entity::find()
            .filter(wave_site::Column::SiteId.eq(id))
            .count(db)
            .await?;
        let accounts = account_site::Entity::find()
            .filter(account_site::Column::SiteId.eq(id))
            .count(db)
            .await?;
        let attestations = self.attestations_at_site(id).await?;
        let uses = crate::error::describe_uses(&[
            (units, "unit"),
            (people, "person"),
            (waves, "wave"),
            (accounts, "account"),
            (attestations, "readiness attestation"),
        ]);
        if let Some(uses) = uses {
            return Err(StoreError::InUse(format!(
                "site {} is still used by {uses}; move or delete them first",
                before.code
            )));
        }
        self.delete_audited::<site::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
