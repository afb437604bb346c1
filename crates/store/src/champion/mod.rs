//! Champions: a person designated for one unit and shift, with their modules
//! (`champion_module`). `coverage.rs` counts them against the target (`unit_target.rs`:
//! a unit's own target in place of the program's); `advanced.rs` reads their own advanced
//! training.

mod advanced;
mod bulk;
mod coverage;
mod unit_target;

use chrono::Utc;
use muster_domain::access::Scope;
use muster_domain::champion::{Champion, ChampionId, ChampionSpec};
use muster_domain::module::ModuleId;
use muster_domain::paging::{Cursor, Page};
use muster_domain::rounding::Shift;
use muster_domain::site::SiteId;
use muster_domain::unit::UnitId;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, Order,
    PaginatorTrait, QueryFilter,
};

use crate::audit::Change;
use crate::entity::champion;
use crate::error::{StoreError, StoreResult, UniqueField};
use crate::placement::{Names, units_of_sites};
use crate::raw::{marks, statement};
use crate::write::Then;
use crate::{Store, paging};

const ENTITY: &str = "champion";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_champion_person",
    column: "champion.person_id",
    field: "person_id",
    message: "this person is already a champion; a champion covers one unit and shift",
}];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChampionFilter {
    pub site_id: Option<SiteId>,
    pub unit_id: Option<UnitId>,
    pub shift: Option<Shift>,
    pub module_id: Option<ModuleId>,
    /// Only champions with advanced training still to complete.
    pub advanced_incomplete: bool,
}

#[derive(FromQueryResult)]
struct ModuleRow {
    champion_id: i64,
    module_id: i64,
}

/// Champions with an active advanced course of their modules (or of no module) that they
/// have not completed.
const ADVANCED_INCOMPLETE: &str = "EXISTS (SELECT 1 FROM course co \
     WHERE co.program_id = champion.program_id AND co.advanced AND co.active \
     AND (co.module_id IS NULL OR co.module_id IN \
       (SELECT cm.module_id FROM champion_module cm WHERE cm.champion_id = champion.id)) \
     AND NOT EXISTS (SELECT 1 FROM completion k \
       WHERE k.person_id = champion.person_id AND k.course_id = co.id))";

/// Champions of `module_id`. Built with sea-query, not custom SQL: its placeholders are each
/// database's own (`$1` on PostgreSQL).
fn of_module(module_id: ModuleId) -> sea_orm::sea_query::SimpleExpr {
    let links = Query::select()
        .column(Alias::new("champion_id"))
        .from(Alias::new("champion_module"))
        .and_where(Expr::col(Alias::new("module_id")).eq(module_id))
        .to_owned();
    champion::Column::Id.in_subquery(links)
}

fn champion_row(
    program_id: i64,
    spec: &ChampionSpec,
    now: chrono::DateTime<Utc>,
) -> champion::ActiveModel {
    champion::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        person_id: Set(spec.placement.person_id),
        unit_id: Set(spec.placement.unit_id),
        shift: Set(spec.placement.shift.code().into()),
        since: Set(spec.since),
        notes: Set(spec.notes.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// Champions by the date they started, longest-serving first, within `scope`.
    #[tracing::instrument(skip(self))]
    pub async fn list_champions(
        &self,
        program_id: i64,
        scope: &Scope,
        filter: &ChampionFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Champion>> {
        use champion::Column as C;
        let mut query = champion::Entity::find().filter(C::ProgramId.eq(program_id));
        match scope {
            Scope::Everything => {}
            Scope::Sites(ids) => {
                query = query.filter(C::UnitId.in_subquery(units_of_sites(ids.clone())));
            }
            _ => {
                return Ok(paging::page(Vec::new(), limit, 0, |c: &Champion| {
                    (String::new(), c.id)
                }));
            }
        }
        if let Some(site_id) = filter.site_id {
            query = query.filter(C::UnitId.in_subquery(units_of_sites(vec![site_id])));
        }
        if let Some(unit_id) = filter.unit_id {
            query = query.filter(C::UnitId.eq(unit_id));
        }
        if let Some(shift) = filter.shift {
            query = query.filter(C::Shift.eq(shift.code()));
        }
        if let Some(module_id) = filter.module_id {
            query = query.filter(of_module(module_id));
        }
        if filter.advanced_incomplete {
            query = query.filter(Expr::cust(ADVANCED_INCOMPLETE));
        }
        let total = query.clone().count(&self.db).await?;
        let start = paging::date_start(cursor)?;
        let rows = paging::after_key(query, C::Since, C::Id, start, Order::Asc, limit)
            .all(&self.db)
            .await?;
        let items = self.hydrate(&self.db, program_id, rows).await?;
        Ok(paging::page(items, limit, total, |c| {
            (c.since.format(paging::DATE).to_string(), c.id)
        }))
    }

    pub async fn champion(&self, program_id: i64, id: ChampionId) -> StoreResult<Champion> {
        self.champion_in(&self.db, program_id, id).await
    }

    async fn champion_in<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        id: ChampionId,
    ) -> StoreResult<Champion> {
        let row = champion::Entity::find_by_id(id)
            .filter(champion::Column::ProgramId.eq(program_id))
            .one(db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let mut items = self.hydrate(db, program_id, vec![row]).await?;
        Ok(items.remove(0))
    }

    /// Rows made champions: names, modules and advanced training, a few queries a page.
    async fn hydrate<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        rows: Vec<champion::Model>,
    ) -> StoreResult<Vec<Champion>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let names = self
            .placement_names(
                db,
                program_id,
                rows.iter().map(|r| r.person_id).collect(),
                rows.iter().map(|r| r.unit_id).collect(),
            )
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let sql = format!(
            "SELECT champion_id, module_id FROM champion_module WHERE champion_id IN ({}) \
             ORDER BY champion_id, module_id",
            marks(ids.len())
        );
        let modules = ModuleRow::find_by_statement(statement(
            self.backend(),
            &sql,
            ids.iter().map(|&i| i.into()).collect(),
        ))
        .all(db)
        .await?;
        let mut champions = rows
            .into_iter()
            .map(|m| {
                let module_ids = modules
                    .iter()
                    .filter(|r| r.champion_id == m.id)
                    .map(|r| r.module_id)
                    .collect();
                to_champion(m, &names, module_ids)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        self.add_advanced_training(db, program_id, &mut champions)
            .await?;
        Ok(champions)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_champion(
        &self,
        change: &Change<'_>,
        spec: ChampionSpec,
    ) -> StoreResult<Champion> {
        let program_id = change.program_id();
        self.check_champion(program_id, &spec).await?;
        let row = champion_row(program_id, &spec, Utc::now());
        let links = self.champion_links(program_id, spec.module_ids);
        self.insert_then(change, ENTITY, row, UNIQUE, links, |c| c.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_champion(
        &self,
        change: &Change<'_>,
        id: ChampionId,
        spec: ChampionSpec,
    ) -> StoreResult<Champion> {
        let program_id = change.program_id();
        let before = self.champion(program_id, id).await?;
        self.check_champion(program_id, &spec).await?;
        let row = champion::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..champion_row(program_id, &spec, Utc::now())
        };
        let links = self.champion_links(program_id, spec.module_ids);
        self.update_then(change, ENTITY, id, &before, row, UNIQUE, links)
            .await
    }

    /// Replaces a champion's modules and reads the champion back, in the write's transaction.
    fn champion_links(
        &self,
        program_id: i64,
        module_ids: Vec<ModuleId>,
    ) -> impl for<'t> FnOnce(&'t DatabaseTransaction, champion::Model) -> Then<'t, Champion> + Send + use<>
    {
        let store = self.clone();
        move |txn, stored| {
            let id = stored.id;
            Box::pin(async move {
                store
                    .set_champion_modules(txn, program_id, id, &module_ids)
                    .await?;
                store.champion_in(txn, program_id, id).await
            })
        }
    }

    /// Nothing refers to a champion; their modules go with them.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_champion(&self, change: &Change<'_>, id: ChampionId) -> StoreResult<()> {
        let before = self.champion(change.program_id(), id).await?;
        self.delete_audited::<champion::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    /// How many champions name `id` in `column` (a person or a unit), or the module `id`.
    pub(crate) async fn champions_of(&self, column: ChampionRef, id: i64) -> StoreResult<u64> {
        let query = match column {
            ChampionRef::Person => {
                champion::Entity::find().filter(champion::Column::PersonId.eq(id))
            }
            ChampionRef::Unit => champion::Entity::find().filter(champion::Column::UnitId.eq(id)),
            ChampionRef::Module => champion::Entity::find().filter(of_module(id)),
        };
        Ok(query.count(&self.db).await?)
    }

    /// The placement holds; the person is active and works at the unit's site; every module
    /// exists.
    async fn check_champion(&self, program_id: i64, spec: &ChampionSpec) -> StoreResult<()> {
        let (person, unit) = self.placement(program_id, &spec.placement).await?;
        if !person.active {
            return Err(StoreError::invalid(
                "person_id",
                format!(
                    "{} is inactive; only active people can be champions",
                    person.name
                ),
            ));
        }
        if person.site_id != Some(unit.site_id) {
            return Err(StoreError::invalid(
                "person_id",
                format!(
                    "{} does not work at {}, the unit's site",
                    person.name, unit.site_name
                ),
            ));
        }
        let known: Vec<ModuleId> = self
            .all_modules(program_id)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        if let Some(missing) = spec.module_ids.iter().find(|m| !known.contains(m)) {
            return Err(StoreError::invalid(
                "module_ids",
                format!("there is no module {missing}"),
            ));
        }
        Ok(())
    }

    async fn set_champion_modules(
        &self,
        txn: &DatabaseTransaction,
        program_id: i64,
        id: ChampionId,
        module_ids: &[ModuleId],
    ) -> StoreResult<()> {
        txn.execute_raw(statement(
            self.backend(),
            "DELETE FROM champion_module WHERE champion_id = ?",
            vec![id.into()],
        ))
        .await?;
        if module_ids.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO champion_module (program_id, champion_id, module_id) VALUES {}",
            vec!["(?, ?, ?)"; module_ids.len()].join(", ")
        );
        let values = module_ids
            .iter()
            .flat_map(|&m| [program_id.into(), id.into(), m.into()])
            .collect();
        txn.execute_raw(statement(self.backend(), &sql, values))
            .await?;
        Ok(())
    }
}

/// What a champion refers to, for the checks before a person, unit or module is deleted.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ChampionRef {
    Person,
    Unit,
    Module,
}

fn to_champion(
    m: champion::Model,
    names: &Names,
    module_ids: Vec<ModuleId>,
) -> StoreResult<Champion> {
    Ok(Champion {
        id: m.id,
        placed: names.placed(ENTITY, m.id, m.person_id, m.unit_id, &m.shift)?,
        person_active: names.person(m.person_id).1,
        module_ids,
        since: m.since,
        notes: m.notes,
        advanced_training: Vec::new(),
        advanced_training_complete: true,
    })
}
