//! Stakeholder groups with their stance history; their commitments, ADKAR assessments and
//! RACI assignments in the submodules. Stance changes are written as history rows in the
//! same transaction as the audited write that changes the stance.

pub mod adkar;
pub mod commitment;
mod entity;
pub mod raci;

use chrono::{DateTime, Utc};
use muster_domain::access::{Actor, Scope, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::stakeholder::commitment::CommitmentStatus;
use muster_domain::stakeholder::{
    GroupKind, Influence, StakeholderGroup, StakeholderSpec, StakeholderStance, Stance,
    StanceChange,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::audit::{Change, actor_label};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses};
use crate::raw::{marks, statement};
use crate::write::Then;
use crate::{Store, paging};
use entity::commitment as commitment_row;
use entity::{adkar_assessment, raci_assignment, stakeholder_group, stakeholder_stance};

pub(crate) const ENTITY: &str = "stakeholder_group";

const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_stakeholder_group_name",
    column: "stakeholder_group.name",
    field: "name",
    message: "another stakeholder group has this name",
}];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StakeholderFilter {
    pub kind: Option<GroupKind>,
    pub stance: Option<Stance>,
    pub influence: Option<Influence>,
    pub site_id: Option<i64>,
    /// Name, interests, gains or concessions containing this text.
    pub search: Option<String>,
}

fn to_group(
    m: stakeholder_group::Model,
    leader_name: Option<String>,
) -> StoreResult<StakeholderGroup> {
    Ok(StakeholderGroup {
        id: m.id,
        kind: GroupKind::parse(&m.kind).map_err(StoreError::Corrupt)?,
        influence: Influence::parse(&m.influence).map_err(StoreError::Corrupt)?,
        stance: Stance::parse(&m.stance).map_err(StoreError::Corrupt)?,
        name: m.name,
        site_id: m.site_id,
        interests: m.interests,
        gains: m.gains,
        concessions: m.concessions,
        leader_person_id: m.leader_person_id,
        leader_name,
        created_at: m.created_at,
    })
}

fn group_row(
    program_id: i64,
    spec: StakeholderSpec,
    now: DateTime<Utc>,
) -> stakeholder_group::ActiveModel {
    stakeholder_group::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        kind: Set(spec.kind.code().into()),
        name: Set(spec.name.into_string()),
        site_id: Set(spec.site_id),
        interests: Set(spec.interests),
        gains: Set(spec.gains),
        concessions: Set(spec.concessions),
        influence: Set(spec.influence.code().into()),
        stance: Set(spec.stance.code().into()),
        leader_person_id: Set(spec.leader_person_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// `then` for a group's write: converts the stored row and, when its stance is new (always
/// on create: `before` is `None`), writes the stance history row in the same transaction.
fn stance_then(
    change: &Change<'_>,
    before: Option<Stance>,
    leader_name: Option<String>,
) -> impl for<'t> FnOnce(&'t DatabaseTransaction, stakeholder_group::Model) -> Then<'t, StakeholderGroup>
+ Send
+ use<> {
    let program_id = change.program_id();
    let changed_by = actor_label(change.actor);
    move |txn, stored| {
        Box::pin(async move {
            let group = to_group(stored, leader_name)?;
            if before != Some(group.stance) {
                stakeholder_stance::ActiveModel {
                    id: NotSet,
                    program_id: Set(program_id),
                    group_id: Set(group.id),
                    stance: Set(group.stance.code().into()),
                    changed_at: Set(Utc::now()),
                    changed_by: Set(changed_by),
                }
                .insert(txn)
                .await?;
            }
            Ok(group)
        })
    }
}

/// Alignment records are read by the whole program team or not at all.
pub(crate) fn reads(actor: &Actor, subject: Subject) -> bool {
    !matches!(actor.read_scope(subject), Scope::Nothing)
}

#[derive(FromQueryResult)]
struct StanceRow {
    id: i64,
    name: String,
    kind: String,
    influence: String,
    stance: String,
    overdue: i64,
}

impl Store {
    #[tracing::instrument(skip(self))]
    pub async fn list_stakeholders(
        &self,
        program_id: i64,
        filter: &StakeholderFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<StakeholderGroup>> {
        use stakeholder_group::Column as C;
        let mut query = stakeholder_group::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(kind) = filter.kind {
            query = query.filter(C::Kind.eq(kind.code()));
        }
        if let Some(stance) = filter.stance {
            query = query.filter(C::Stance.eq(stance.code()));
        }
        if let Some(influence) = filter.influence {
            query = query.filter(C::Influence.eq(influence.code()));
        }
        if let Some(site_id) = filter.site_id {
            query = query.filter(C::SiteId.eq(site_id));
        }
        if let Some(text) = &filter.search {
            let columns = [C::Name, C::Interests, C::Gains, C::Concessions];
            query = query.filter(crate::filter::contains(&columns, text));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = self.groups_named(rows).await?;
        Ok(paging::page(items, limit, total, |g: &StakeholderGroup| {
            (g.name.clone(), g.id)
        }))
    }

    pub async fn stakeholder(&self, program_id: i64, id: i64) -> StoreResult<StakeholderGroup> {
        let row = stakeholder_group::Entity::find_by_id(id)
            .filter(stakeholder_group::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        Ok(self.groups_named(vec![row]).await?.remove(0))
    }

    async fn groups_named(
        &self,
        rows: Vec<stakeholder_group::Model>,
    ) -> StoreResult<Vec<StakeholderGroup>> {
        let names = self
            .names_by_id("person", rows.iter().filter_map(|m| m.leader_person_id))
            .await?;
        rows.into_iter()
            .map(|m| {
                let name = m.leader_person_id.and_then(|p| names.get(&p).cloned());
                to_group(m, name)
            })
            .collect()
    }

    /// Every group's id and name, by name: for choosers.
    pub async fn stakeholder_names(&self, program_id: i64) -> StoreResult<Vec<(i64, String)>> {
        use stakeholder_group::Column as C;
        Ok(stakeholder_group::Entity::find()
            .select_only()
            .columns([C::Id, C::Name])
            .filter(C::ProgramId.eq(program_id))
            .order_by_asc(C::Name)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// The group `id` exists in the program: else a field error on `field`.
    pub(crate) async fn check_group_choice(
        &self,
        program_id: i64,
        field: &str,
        id: i64,
    ) -> StoreResult<StakeholderGroup> {
        self.stakeholder(program_id, id)
            .await
            .map_err(|_| StoreError::invalid(field, format!("there is no stakeholder group {id}")))
    }

    /// The site, if any, exists in the program: else a field error on `site_id`.
    pub(crate) async fn check_site_choice(
        &self,
        program_id: i64,
        site_id: Option<i64>,
    ) -> StoreResult<()> {
        if let Some(site_id) = site_id {
            self.site(program_id, site_id).await.map_err(|_| {
                StoreError::invalid("site_id", format!("there is no site {site_id}"))
            })?;
        }
        Ok(())
    }

    /// The site and the leader exist; returns the leader's name.
    async fn check_stakeholder(
        &self,
        program_id: i64,
        spec: &StakeholderSpec,
    ) -> StoreResult<Option<String>> {
        self.check_site_choice(program_id, spec.site_id).await?;
        match spec.leader_person_id {
            Some(person) => Ok(Some(
                self.check_person_choice(program_id, "leader_person_id", person)
                    .await?
                    .name,
            )),
            None => Ok(None),
        }
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_stakeholder(
        &self,
        change: &Change<'_>,
        spec: StakeholderSpec,
    ) -> StoreResult<StakeholderGroup> {
        let leader = self.check_stakeholder(change.program_id(), &spec).await?;
        let row = group_row(change.program_id(), spec, Utc::now());
        let then = stance_then(change, None, leader);
        self.insert_then(change, ENTITY, row, UNIQUE, then, |g| g.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_stakeholder(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: StakeholderSpec,
    ) -> StoreResult<StakeholderGroup> {
        let before = self.stakeholder(change.program_id(), id).await?;
        let leader = self.check_stakeholder(change.program_id(), &spec).await?;
        let row = stakeholder_group::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..group_row(change.program_id(), spec, Utc::now())
        };
        let then = stance_then(change, Some(before.stance), leader);
        self.update_then(change, ENTITY, id, &before, row, UNIQUE, then)
            .await
    }

    /// Deletes a group nothing refers to; its stance history goes with it.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_stakeholder(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.stakeholder(change.program_id(), id).await?;
        let commitments = commitment_row::Entity::find()
            .filter(commitment_row::Column::GroupId.eq(id))
            .count(&self.db)
            .await?;
        let assessments = adkar_assessment::Entity::find()
            .filter(adkar_assessment::Column::GroupId.eq(id))
            .count(&self.db)
            .await?;
        let raci = raci_assignment::Entity::find()
            .filter(raci_assignment::Column::GroupId.eq(id))
            .count(&self.db)
            .await?;
        let uses = [
            (commitments, "commitment"),
            (assessments, "ADKAR assessment"),
            (raci, "RACI assignment"),
        ];
        if let Some(uses) = describe_uses(&uses) {
            return Err(StoreError::InUse(format!(
                "stakeholder group {} still has {uses}",
                before.name
            )));
        }
        let history = statement(
            self.backend(),
            "DELETE FROM stakeholder_stance WHERE group_id = ?",
            vec![id.into()],
        );
        self.delete_audited_after::<stakeholder_group::Entity, _>(
            change,
            ENTITY,
            id,
            &before,
            vec![history],
        )
        .await
    }

    /// The stances a group has held, oldest first.
    pub async fn stance_history(
        &self,
        program_id: i64,
        group_id: i64,
    ) -> StoreResult<Vec<StanceChange>> {
        use stakeholder_stance::Column as C;
        stakeholder_stance::Entity::find()
            .filter(C::ProgramId.eq(program_id))
            .filter(C::GroupId.eq(group_id))
            .order_by_asc(C::ChangedAt)
            .order_by_asc(C::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(StanceChange {
                    stance: Stance::parse(&m.stance).map_err(StoreError::Corrupt)?,
                    changed_at: m.changed_at,
                    changed_by: m.changed_by,
                })
            })
            .collect()
    }

    /// Every group's stance, influence and count of overdue commitments, for the program
    /// dashboard: one aggregate query. Most influential first, then the least supportive,
    /// then by name. Empty for an actor who may not read stakeholder groups.
    #[tracing::instrument(skip(self, actor))]
    pub async fn stakeholder_stances(&self, actor: &Actor) -> StoreResult<Vec<StakeholderStance>> {
        if !reads(actor, Subject::Stakeholder) {
            return Ok(Vec::new());
        }
        let today = Utc::now().date_naive();
        let sql = format!(
            "SELECT g.id AS id, g.name AS name, g.kind AS kind, g.influence AS influence, \
             g.stance AS stance, COALESCE(o.overdue, 0) AS overdue \
             FROM stakeholder_group g LEFT JOIN ( \
               SELECT group_id, CAST(COUNT(*) AS BIGINT) AS overdue FROM commitment \
               WHERE program_id = ? AND status IN ({}) AND due_on < ? GROUP BY group_id \
             ) o ON o.group_id = g.id WHERE g.program_id = ?",
            marks(CommitmentStatus::OPEN.len())
        );
        let mut values: Vec<sea_orm::Value> = vec![actor.program_id.into()];
        values.extend(CommitmentStatus::OPEN.iter().map(|s| s.code().into()));
        values.push(today.into());
        values.push(actor.program_id.into());
        let rows = StanceRow::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        let mut out = rows
            .into_iter()
            .map(|r| {
                Ok(StakeholderStance {
                    group_id: r.id,
                    kind: GroupKind::parse(&r.kind).map_err(StoreError::Corrupt)?,
                    influence: Influence::parse(&r.influence).map_err(StoreError::Corrupt)?,
                    stance: Stance::parse(&r.stance).map_err(StoreError::Corrupt)?,
                    name: r.name,
                    overdue_commitments: r.overdue,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        out.sort_by(|a, b| {
            b.influence
                .cmp(&a.influence)
                .then(b.stance.cmp(&a.stance))
                .then(a.name.cmp(&b.name))
        });
        Ok(out)
    }

    /// Names of groups by id, for the rows of a page.
    pub(crate) async fn group_names_of(
        &self,
        ids: impl IntoIterator<Item = i64>,
    ) -> StoreResult<std::collections::HashMap<i64, String>> {
        self.names_by_id("stakeholder_group", ids).await
    }
}
