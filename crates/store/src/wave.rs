//! Waves: groups of sites going live on one date.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::paging::{Cursor, Page};
use muster_domain::site::SiteId;
use muster_domain::wave::{Wave, WaveId, WaveSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};

use crate::audit::{Change, record};
use crate::entity::{site, wave, wave_site};
use crate::error::{StoreError, StoreResult, UniqueField, map_unique};
use crate::{Store, paging};

const ENTITY: &str = "wave";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_wave_name",
    column: "wave.name",
    field: "name",
    message: "another wave already has this name",
}];

fn to_wave(m: wave::Model, site_ids: Vec<SiteId>) -> Wave {
    Wave {
        id: m.id,
        name: m.name,
        go_live: m.go_live,
        notes: m.notes,
        site_ids,
    }
}

async fn sites_of<C: ConnectionTrait>(
    db: &C,
    wave_ids: &[WaveId],
) -> StoreResult<HashMap<WaveId, Vec<SiteId>>> {
    let rows = wave_site::Entity::find()
        .filter(wave_site::Column::WaveId.is_in(wave_ids.to_vec()))
        .order_by_asc(wave_site::Column::SiteId)
        .all(db)
        .await?;
    let mut by_wave: HashMap<WaveId, Vec<SiteId>> = HashMap::new();
    for r in rows {
        by_wave.entry(r.wave_id).or_default().push(r.site_id);
    }
    Ok(by_wave)
}

fn wave_row(program_id: i64, spec: &WaveSpec, now: chrono::DateTime<Utc>) -> wave::ActiveModel {
    wave::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        name: Set(spec.name.as_str().to_owned()),
        go_live: Set(spec.go_live),
        notes: Set(spec.notes.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// Waves by name, optionally only those that include `site_id`.
    #[tracing::instrument(skip(self))]
    pub async fn list_waves(
        &self,
        program_id: i64,
        site_id: Option<SiteId>,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Wave>> {
        use wave::Column as C;
        let mut query = wave::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(site_id) = site_id {
            let ids: Vec<i64> = wave_site::Entity::find()
                .filter(wave_site::Column::SiteId.eq(site_id))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|r| r.wave_id)
                .collect();
            query = query.filter(C::Id.is_in(ids));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut sites = sites_of(&self.db, &ids).await?;
        let items = rows
            .into_iter()
            .map(|m| {
                let site_ids = sites.remove(&m.id).unwrap_or_default();
                to_wave(m, site_ids)
            })
            .collect();
        Ok(paging::page(items, limit, total, |w: &Wave| {
            (w.name.clone(), w.id)
        }))
    }

    pub async fn wave(&self, program_id: i64, id: WaveId) -> StoreResult<Wave> {
        let row = wave::Entity::find_by_id(id)
            .filter(wave::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let sites = sites_of(&self.db, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        Ok(to_wave(row, sites))
    }

    async fn check_sites(&self, program_id: i64, site_ids: &[SiteId]) -> StoreResult<()> {
        let known = site::Entity::find()
            .filter(site::Column::ProgramId.eq(program_id))
            .filter(site::Column::Id.is_in(site_ids.to_vec()))
            .count(&self.db)
            .await?;
        if known as usize != site_ids.len() {
            return Err(StoreError::invalid(
                "site_ids",
                "one or more of the chosen sites do not exist",
            ));
        }
        Ok(())
    }

    async fn set_wave_sites<C: ConnectionTrait>(
        db: &C,
        program_id: i64,
        wave_id: WaveId,
        site_ids: &[SiteId],
    ) -> StoreResult<()> {
        wave_site::Entity::delete_many()
            .filter(wave_site::Column::WaveId.eq(wave_id))
            .exec(db)
            .await?;
        if !site_ids.is_empty() {
            let rows = site_ids.iter().map(|&site_id| wave_site::ActiveModel {
                program_id: Set(program_id),
                wave_id: Set(wave_id),
                site_id: Set(site_id),
            });
            wave_site::Entity::insert_many(rows)
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_wave(&self, change: &Change<'_>, spec: WaveSpec) -> StoreResult<Wave> {
        self.check_sites(change.program_id(), &spec.site_ids)
            .await?;
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let row = wave_row(change.program_id(), &spec, now)
            .insert(&txn)
            .await
            .map_err(|e| map_unique(e, UNIQUE))?;
        Self::set_wave_sites(&txn, change.program_id(), row.id, &spec.site_ids).await?;
        let created = to_wave(row, spec.site_ids);
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
    pub async fn update_wave(
        &self,
        change: &Change<'_>,
        id: WaveId,
        spec: WaveSpec,
    ) -> StoreResult<Wave> {
        let before = self.wave(change.program_id(), id).await?;
        self.check_sites(change.program_id(), &spec.site_ids)
            .await?;
        let txn = self.db.begin().await?;
        let row = wave::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..wave_row(change.program_id(), &spec, Utc::now())
        }
        .update(&txn)
        .await
        .map_err(|e| map_unique(e, UNIQUE))?;
        Self::set_wave_sites(&txn, change.program_id(), id, &spec.site_ids).await?;
        let after = to_wave(row, spec.site_ids);
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

    /// A wave's site list goes with it (ON DELETE CASCADE); the sites themselves stay.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_wave(&self, change: &Change<'_>, id: WaveId) -> StoreResult<()> {
        let before = self.wave(change.program_id(), id).await?;
        let (assessments, gates) = self.readiness_history(id).await?;
        let uses = crate::error::describe_uses(&[
            (assessments, "readiness assessment"),
            (gates, "go/no-go decision"),
        ]);
        if let Some(uses) = uses {
            return Err(StoreError::InUse(format!(
                "wave {} has {uses}, kept as history; it cannot be deleted",
                before.name
            )));
        }
        self.delete_audited::<wave::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
