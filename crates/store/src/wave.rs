//! Waves: groups of sites going live on one date, with the modules they take live and their
//! counted interfaces and approved customizations. A wave's sites and modules are link
//! tables (`wave_site`, `wave_module`) read and written the same way.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::paging::{Cursor, Page};
use muster_domain::site::SiteId;
use muster_domain::wave::{Wave, WaveId, WaveSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait, Value,
};

use crate::audit::{Change, record};
use crate::entity::{wave, wave_site};
use crate::error::{StoreError, StoreResult, UniqueField, map_unique};
use crate::raw::{marks, statement};
use crate::{Backend, Store, paging};

const ENTITY: &str = "wave";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_wave_name",
    column: "wave.name",
    field: "name",
    message: "another wave already has this name",
}];

/// What a wave links to: its sites (`wave_site.site_id`) or its modules
/// (`wave_module.module_id`), and the table their ids must be found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    Sites,
    Modules,
}

impl Link {
    pub(crate) fn table(self) -> &'static str {
        match self {
            Link::Sites => "wave_site",
            Link::Modules => "wave_module",
        }
    }

    pub(crate) fn column(self) -> &'static str {
        match self {
            Link::Sites => "site_id",
            Link::Modules => "module_id",
        }
    }

    fn target(self) -> &'static str {
        match self {
            Link::Sites => "site",
            Link::Modules => "module",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Link::Sites => "site_ids",
            Link::Modules => "module_ids",
        }
    }
}

#[derive(FromQueryResult)]
struct Linked {
    wave_id: i64,
    item: i64,
}

/// The ids each of `wave_ids` links to, in order.
async fn linked<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    link: Link,
    wave_ids: &[WaveId],
) -> StoreResult<HashMap<WaveId, Vec<i64>>> {
    let mut by_wave: HashMap<WaveId, Vec<i64>> = HashMap::new();
    if wave_ids.is_empty() {
        return Ok(by_wave);
    }
    let sql = format!(
        "SELECT wave_id, {column} AS item FROM {table} WHERE wave_id IN ({}) \
         ORDER BY wave_id, {column}",
        marks(wave_ids.len()),
        column = link.column(),
        table = link.table(),
    );
    let values = wave_ids.iter().map(|&w| Value::from(w)).collect();
    for r in Linked::find_by_statement(statement(backend, &sql, values))
        .all(db)
        .await?
    {
        by_wave.entry(r.wave_id).or_default().push(r.item);
    }
    Ok(by_wave)
}

/// Replaces what wave `wave_id` links to with `ids`.
pub(crate) async fn set_linked<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    link: Link,
    program_id: i64,
    wave_id: WaveId,
    ids: &[i64],
) -> StoreResult<()> {
    let sql = format!("DELETE FROM {} WHERE wave_id = ?", link.table());
    db.execute_raw(statement(backend, &sql, vec![wave_id.into()]))
        .await?;
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO {} (program_id, wave_id, {}) VALUES {}",
        link.table(),
        link.column(),
        vec!["(?, ?, ?)"; ids.len()].join(", ")
    );
    let values = ids
        .iter()
        .flat_map(|&id| [program_id.into(), wave_id.into(), id.into()])
        .collect();
    db.execute_raw(statement(backend, &sql, values)).await?;
    Ok(())
}

/// Reads the links of `rows` and makes them waves.
async fn to_waves<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    rows: Vec<wave::Model>,
) -> StoreResult<Vec<Wave>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut sites = linked(db, backend, Link::Sites, &ids).await?;
    let mut modules = linked(db, backend, Link::Modules, &ids).await?;
    let program_id = rows.first().map_or(0, |r| r.program_id);
    let requested = crate::change_request::approved_customizations(db, program_id, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let site_ids = sites.remove(&m.id).unwrap_or_default();
            let module_ids = modules.remove(&m.id).unwrap_or_default();
            let counted = requested.get(&m.id).copied().unwrap_or(0);
            to_wave(m, site_ids, module_ids, counted)
        })
        .collect())
}

fn to_wave(m: wave::Model, site_ids: Vec<SiteId>, module_ids: Vec<i64>, requested: i64) -> Wave {
    Wave {
        id: m.id,
        name: m.name,
        go_live: m.go_live,
        notes: m.notes,
        site_ids,
        module_ids,
        interfaces: m.interfaces,
        approved_customizations: m.approved_customizations,
        requested_customizations: requested,
    }
}

fn wave_row(program_id: i64, spec: &WaveSpec, now: chrono::DateTime<Utc>) -> wave::ActiveModel {
    wave::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        name: Set(spec.name.as_str().to_owned()),
        go_live: Set(spec.go_live),
        notes: Set(spec.notes.clone()),
        interfaces: Set(spec.interfaces),
        approved_customizations: Set(spec.approved_customizations),
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
        let items = to_waves(&self.db, self.backend(), rows).await?;
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
        let mut waves = to_waves(&self.db, self.backend(), vec![row]).await?;
        Ok(waves.remove(0))
    }

    /// Every wave of the program, by go-live date then name.
    pub async fn all_waves(&self, program_id: i64) -> StoreResult<Vec<Wave>> {
        let rows = wave::Entity::find()
            .filter(wave::Column::ProgramId.eq(program_id))
            .order_by_asc(wave::Column::GoLive)
            .order_by_asc(wave::Column::Name)
            .order_by_asc(wave::Column::Id)
            .all(&self.db)
            .await?;
        to_waves(&self.db, self.backend(), rows).await
    }

    /// Every id of `link`'s kind in `ids` is one of this program's.
    async fn check_linked(&self, program_id: i64, link: Link, ids: &[i64]) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {} WHERE program_id = ? AND id IN ({})",
            link.target(),
            marks(ids.len())
        );
        let mut values: Vec<Value> = vec![program_id.into()];
        values.extend(ids.iter().map(|&id| Value::from(id)));
        let known = self
            .db
            .query_one_raw(statement(self.backend(), &sql, values))
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if known as usize != ids.len() {
            return Err(StoreError::invalid(
                link.field(),
                format!("one or more of the chosen {}s do not exist", link.target()),
            ));
        }
        Ok(())
    }

    async fn check_wave(&self, program_id: i64, spec: &WaveSpec) -> StoreResult<()> {
        self.check_linked(program_id, Link::Sites, &spec.site_ids)
            .await?;
        self.check_linked(program_id, Link::Modules, &spec.module_ids)
            .await
    }

    /// Writes a wave's sites and modules in its transaction.
    async fn set_wave_links<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        wave_id: WaveId,
        spec: &WaveSpec,
    ) -> StoreResult<()> {
        let backend = self.backend();
        set_linked(
            db,
            backend,
            Link::Sites,
            program_id,
            wave_id,
            &spec.site_ids,
        )
        .await?;
        set_linked(
            db,
            backend,
            Link::Modules,
            program_id,
            wave_id,
            &spec.module_ids,
        )
        .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_wave(&self, change: &Change<'_>, spec: WaveSpec) -> StoreResult<Wave> {
        self.check_wave(change.program_id(), &spec).await?;
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let row = wave_row(change.program_id(), &spec, now)
            .insert(&txn)
            .await
            .map_err(|e| map_unique(e, UNIQUE))?;
        self.set_wave_links(&txn, change.program_id(), row.id, &spec)
            .await?;
        let created = to_wave(row, spec.site_ids, spec.module_ids, 0);
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
        self.check_wave(change.program_id(), &spec).await?;
        let txn = self.db.begin().await?;
        let row = wave::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..wave_row(change.program_id(), &spec, Utc::now())
        }
        .update(&txn)
        .await
        .map_err(|e| map_unique(e, UNIQUE))?;
        self.set_wave_links(&txn, change.program_id(), id, &spec)
            .await?;
        let after = to_wave(
            row,
            spec.site_ids,
            spec.module_ids,
            before.requested_customizations,
        );
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

    /// A wave's site and module lists go with it (ON DELETE CASCADE); the sites and modules
    /// themselves stay.
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
