//! The audit log: written in the same transaction as every change, never updated or deleted
//! (the store has no function for it and the database refuses it with a trigger).

use chrono::Utc;
use muster_domain::access::Actor;
use muster_domain::audit::{AuditAction, AuditEntry, AuditFilter, Via};
use muster_domain::paging::{Cursor, Page};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;

use crate::Store;
use crate::entity::audit_log;
use crate::error::{StoreError, StoreResult};

/// Who is making a change and through which door; every write function takes one.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub actor: &'a Actor,
    pub via: Via,
}

impl<'a> Change<'a> {
    pub fn new(actor: &'a Actor, via: Via) -> Self {
        Change { actor, via }
    }

    pub fn program_id(&self) -> i64 {
        self.actor.program_id
    }
}

/// Counts audited writes to what ticket intake reads (sites, units, modules, support teams,
/// SLA policies, command-center settings): the intake task reloads them when it moves.
pub(crate) static INTAKE_RULES_CHANGED: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);
const INTAKE_RULES: &[&str] = &[
    "site",
    "unit",
    "module",
    "support_team",
    "sla_policy",
    "command_center",
];

fn note_intake_rules(entity: &str) {
    if INTAKE_RULES.contains(&entity) {
        INTAKE_RULES_CHANGED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// What a computed schedule is made from: a write to any of them moves the program's plan
/// revision in the same transaction (`plan::bump_revision`), so the schedule is recomputed.
const PLAN: &[&str] = &[
    "plan_task",
    "plan_dependency",
    "plan_holiday",
    "plan_settings",
    "plan_import",
    "wave_move",
];

async fn note_plan<C: ConnectionTrait>(db: &C, program_id: i64, entity: &str) -> StoreResult<()> {
    if PLAN.contains(&entity) {
        crate::plan::bump_revision(db, program_id).await?;
    }
    Ok(())
}

/// Appends one entry. `before` and `after` are the record's JSON around the change.
pub(crate) async fn record<C: ConnectionTrait, T: Serialize>(
    db: &C,
    change: &Change<'_>,
    entity: &'static str,
    entity_id: i64,
    action: AuditAction,
    before: Option<&T>,
    after: Option<&T>,
) -> StoreResult<()> {
    audit_log::Entity::insert(audit_row(change, entity, entity_id, action, before, after))
        .exec_without_returning(db)
        .await?;
    note_intake_rules(entity);
    note_plan(db, change.program_id(), entity).await
}

/// Records a save that created the record (no `before`) or changed it.
pub(crate) async fn record_saved<C: ConnectionTrait, T: Serialize>(
    db: &C,
    change: &Change<'_>,
    entity: &'static str,
    entity_id: i64,
    before: Option<&T>,
    after: &T,
) -> StoreResult<()> {
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    record(db, change, entity, entity_id, action, before, Some(after)).await
}

/// Appends one entry per record created, in one statement: `(change, id, record)`.
pub(crate) async fn record_created<'a, C: ConnectionTrait, T: Serialize + 'a>(
    db: &C,
    entity: &'static str,
    created: impl IntoIterator<Item = (Change<'a>, i64, &'a T)>,
) -> StoreResult<()> {
    let rows: Vec<_> = created
        .into_iter()
        .map(|(change, id, after)| {
            audit_row(&change, entity, id, AuditAction::Create, None, Some(after))
        })
        .collect();
    let Some(program_id) = rows.first().map(|r| r.program_id.clone().unwrap()) else {
        return Ok(());
    };
    audit_log::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    note_intake_rules(entity);
    note_plan(db, program_id, entity).await
}

fn audit_row<T: Serialize>(
    change: &Change<'_>,
    entity: &'static str,
    entity_id: i64,
    action: AuditAction,
    before: Option<&T>,
    after: Option<&T>,
) -> audit_log::ActiveModel {
    let json = |v: Option<&T>| v.map(|v| serde_json::to_string(v).expect("domain types serialize"));
    let actor = change.actor;
    let label = actor_label(actor);
    audit_log::ActiveModel {
        program_id: Set(actor.program_id),
        at: Set(Utc::now()),
        actor_account_id: Set(actor.account_id),
        actor: Set(label),
        via: Set(change.via.code().into()),
        entity: Set(entity.into()),
        entity_id: Set(entity_id),
        action: Set(action.code().into()),
        before_json: Set(json(before)),
        after_json: Set(json(after)),
        ..Default::default()
    }
}

/// "Name <email>" as the log shows who acted; the bare name for the operator and rules.
pub(crate) fn actor_label(actor: &Actor) -> String {
    if actor.email.is_empty() {
        actor.name.clone()
    } else {
        format!("{} <{}>", actor.name, actor.email)
    }
}

impl Store {
    /// Entries newest first, filtered, a page at a time.
    #[tracing::instrument(skip(self))]
    pub async fn list_audit(
        &self,
        program_id: i64,
        filter: &AuditFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<AuditEntry>> {
        let store = self;
        use audit_log::Column as C;
        let mut query = audit_log::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(entity) = &filter.entity {
            query = query.filter(C::Entity.eq(entity.as_str()));
        }
        if let Some(id) = filter.entity_id {
            query = query.filter(C::EntityId.eq(id));
        }
        if let Some(action) = filter.action {
            query = query.filter(C::Action.eq(action.code()));
        }
        if let Some(actor) = filter.actor_account_id {
            query = query.filter(C::ActorAccountId.eq(actor));
        }
        if let Some(since) = filter.since {
            query = query.filter(C::At.gte(since));
        }
        if let Some(until) = filter.until {
            query = query.filter(C::At.lt(until));
        }
        let total = query.clone().count(&store.db).await?;
        if let Some(c) = cursor {
            query = query.filter(C::Id.lt(c.id));
        }
        let rows = query
            .order_by_desc(C::Id)
            .limit(limit + 1)
            .all(&store.db)
            .await?;
        let mut items = rows
            .into_iter()
            .map(to_entry)
            .collect::<StoreResult<Vec<_>>>()?;
        let next_cursor = (items.len() as u64 > limit).then(|| {
            items.truncate(limit as usize);
            Cursor {
                key: String::new(),
                id: items.last().map_or(0, |e| e.id),
            }
            .encode()
        });
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    /// Runs raw SQL: for maintenance and for tests that prove the database's own guards.
    pub async fn execute_raw(&self, sql: &str) -> StoreResult<u64> {
        use sea_orm::ConnectionTrait;
        Ok(self.db.execute_unprepared(sql).await?.rows_affected())
    }
}

fn to_entry(m: audit_log::Model) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        id: m.id,
        at: m.at,
        actor_account_id: m.actor_account_id,
        actor: m.actor,
        via: Via::parse(&m.via).map_err(StoreError::Corrupt)?,
        entity: m.entity,
        entity_id: m.entity_id,
        action: AuditAction::parse(&m.action).map_err(StoreError::Corrupt)?,
        before: m.before_json,
        after: m.after_json,
    })
}
