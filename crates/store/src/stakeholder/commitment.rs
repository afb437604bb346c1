//! Commitments of stakeholder groups. Overdue (open and past due) is computed from the
//! status and the due date against `today`, never stored.

use chrono::{NaiveDate, Utc};
use muster_domain::access::{Actor, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::stakeholder::commitment::{
    Commitment, CommitmentSpec, CommitmentStatus, MonthProgress, is_overdue, progress_by_month,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entity::commitment;
use super::reads;
use crate::audit::Change;
use crate::error::{StoreError, StoreResult};
use crate::{Store, paging};

pub(crate) const ENTITY: &str = "commitment";

/// How many commitments a group's page lists (overdue first).
pub const GROUP_COMMITMENTS_SHOWN: u64 = 200;
/// How many months of progress a group's page charts.
pub const PROGRESS_MONTHS: usize = 24;

#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentFilter {
    pub group_id: Option<i64>,
    pub status: Option<CommitmentStatus>,
    /// Only overdue (true) or only not overdue (false) on `today`.
    pub overdue: Option<bool>,
    pub today: NaiveDate,
}

impl Default for CommitmentFilter {
    fn default() -> Self {
        CommitmentFilter {
            group_id: None,
            status: None,
            overdue: None,
            today: Utc::now().date_naive(),
        }
    }
}

fn to_commitment(
    m: commitment::Model,
    group_name: String,
    owner_name: Option<String>,
    today: NaiveDate,
) -> StoreResult<Commitment> {
    let status = CommitmentStatus::parse(&m.status).map_err(StoreError::Corrupt)?;
    Ok(Commitment {
        id: m.id,
        group_id: m.group_id,
        group_name,
        what: m.what,
        due_on: m.due_on,
        status,
        done_on: m.done_on,
        evidence: m.evidence.unwrap_or_default(),
        owner_person_id: m.owner_person_id,
        owner_name,
        overdue: is_overdue(status, m.due_on, today),
        created_at: m.created_at,
    })
}

fn commitment_row(
    program_id: i64,
    spec: CommitmentSpec,
    done_before: Option<NaiveDate>,
    now: chrono::DateTime<Utc>,
) -> commitment::ActiveModel {
    // A done commitment keeps the day it was done; marked done without one, it is today.
    let done_on = match spec.status {
        CommitmentStatus::Done => spec.done_on.or(done_before).or(Some(now.date_naive())),
        _ => None,
    };
    commitment::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        group_id: Set(spec.group_id),
        what: Set(spec.what),
        due_on: Set(spec.due_on),
        status: Set(spec.status.code().into()),
        done_on: Set(done_on),
        evidence: Set(Some(spec.evidence).filter(|e| !e.is_empty())),
        owner_person_id: Set(spec.owner_person_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Open and due before `today`.
fn overdue_condition(today: NaiveDate) -> Condition {
    use commitment::Column as C;
    Condition::all()
        .add(C::Status.is_in(CommitmentStatus::OPEN.iter().map(|s| s.code())))
        .add(C::DueOn.lt(today))
}

impl Store {
    async fn with_group_names(
        &self,
        rows: Vec<commitment::Model>,
        today: NaiveDate,
    ) -> StoreResult<Vec<Commitment>> {
        let names = self.group_names_of(rows.iter().map(|m| m.group_id)).await?;
        let owners = self
            .names_by_id("person", rows.iter().filter_map(|m| m.owner_person_id))
            .await?;
        rows.into_iter()
            .map(|m| {
                let name = names.get(&m.group_id).cloned().unwrap_or_default();
                let owner = m.owner_person_id.and_then(|p| owners.get(&p).cloned());
                to_commitment(m, name, owner, today)
            })
            .collect()
    }

    /// Commitments under `filter`, by due date.
    #[tracing::instrument(skip(self))]
    pub async fn list_commitments(
        &self,
        program_id: i64,
        filter: &CommitmentFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Commitment>> {
        use commitment::Column as C;
        let mut query = commitment::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(group_id) = filter.group_id {
            query = query.filter(C::GroupId.eq(group_id));
        }
        if let Some(status) = filter.status {
            query = query.filter(C::Status.eq(status.code()));
        }
        match filter.overdue {
            Some(true) => query = query.filter(overdue_condition(filter.today)),
            Some(false) => query = query.filter(overdue_condition(filter.today).not()),
            None => {}
        }
        let total = query.clone().count(&self.db).await?;
        let start = match cursor {
            Some(c) => Some((
                muster_domain::text::date(&c.key)
                    .map_err(|_| StoreError::invalid("cursor", "is not a cursor of this list"))?,
                c.id,
            )),
            None => None,
        };
        let rows = paging::after_key(query, C::DueOn, C::Id, start, Order::Asc, limit)
            .all(&self.db)
            .await?;
        let items = self.with_group_names(rows, filter.today).await?;
        Ok(paging::page(items, limit, total, |c: &Commitment| {
            (c.due_on.to_string(), c.id)
        }))
    }

    pub async fn commitment(&self, program_id: i64, id: i64) -> StoreResult<Commitment> {
        let row = commitment::Entity::find_by_id(id)
            .filter(commitment::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let today = Utc::now().date_naive();
        Ok(self.with_group_names(vec![row], today).await?.remove(0))
    }

    /// The program's overdue commitments on `today`, longest overdue first, at most `limit`
    /// (the page's total counts them all): the program dashboard's panel.
    #[tracing::instrument(skip(self, actor))]
    pub async fn overdue_commitments(
        &self,
        actor: &Actor,
        today: NaiveDate,
        limit: u64,
    ) -> StoreResult<Page<Commitment>> {
        if !reads(actor, Subject::Commitment) {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
                total: 0,
            });
        }
        let filter = CommitmentFilter {
            overdue: Some(true),
            today,
            ..Default::default()
        };
        self.list_commitments(actor.program_id, &filter, None, limit)
            .await
    }

    /// A group's commitments for its page: overdue first, then by due date, at most
    /// `GROUP_COMMITMENTS_SHOWN`; and how many it has in all.
    pub async fn group_commitments(
        &self,
        program_id: i64,
        group_id: i64,
        today: NaiveDate,
    ) -> StoreResult<(Vec<Commitment>, u64)> {
        use commitment::Column as C;
        let base = commitment::Entity::find()
            .filter(C::ProgramId.eq(program_id))
            .filter(C::GroupId.eq(group_id));
        let total = base.clone().count(&self.db).await?;
        let overdue = base
            .clone()
            .filter(overdue_condition(today))
            .order_by_asc(C::DueOn)
            .order_by_asc(C::Id)
            .limit(GROUP_COMMITMENTS_SHOWN)
            .all(&self.db)
            .await?;
        let room = GROUP_COMMITMENTS_SHOWN - overdue.len() as u64;
        let mut rows = overdue;
        if room > 0 {
            let rest = base
                .filter(overdue_condition(today).not())
                .order_by_asc(C::DueOn)
                .order_by_asc(C::Id)
                .limit(room)
                .all(&self.db)
                .await?;
            rows.extend(rest);
        }
        Ok((self.with_group_names(rows, today).await?, total))
    }

    /// A group's commitment progress month by month up to `today`.
    pub async fn commitment_progress(
        &self,
        program_id: i64,
        group_id: i64,
        today: NaiveDate,
    ) -> StoreResult<Vec<MonthProgress>> {
        use commitment::Column as C;
        let rows: Vec<(NaiveDate, Option<NaiveDate>, String)> = commitment::Entity::find()
            .select_only()
            .columns([C::DueOn, C::DoneOn, C::Status])
            .filter(C::ProgramId.eq(program_id))
            .filter(C::GroupId.eq(group_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(|(due, done, status)| {
                let status = CommitmentStatus::parse(&status).map_err(StoreError::Corrupt)?;
                Ok((due, done, status))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(progress_by_month(&items, today, PROGRESS_MONTHS))
    }

    /// The group and the owner exist; returns their names.
    async fn check_commitment(
        &self,
        program_id: i64,
        spec: &CommitmentSpec,
    ) -> StoreResult<(String, Option<String>)> {
        let group = self
            .check_group_choice(program_id, "group_id", spec.group_id)
            .await?;
        let owner = match spec.owner_person_id {
            Some(person) => Some(
                self.check_person_choice(program_id, "owner_person_id", person)
                    .await?
                    .name,
            ),
            None => None,
        };
        Ok((group.name, owner))
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_commitment(
        &self,
        change: &Change<'_>,
        spec: CommitmentSpec,
    ) -> StoreResult<Commitment> {
        let (group, owner) = self.check_commitment(change.program_id(), &spec).await?;
        let row = commitment_row(change.program_id(), spec, None, Utc::now());
        let today = Utc::now().date_naive();
        let convert = move |m| to_commitment(m, group, owner, today);
        self.insert_audited(change, ENTITY, row, &[], convert, |c| c.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_commitment(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: CommitmentSpec,
    ) -> StoreResult<Commitment> {
        let before = self.commitment(change.program_id(), id).await?;
        let (group, owner) = self.check_commitment(change.program_id(), &spec).await?;
        let row = commitment::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..commitment_row(change.program_id(), spec, before.done_on, Utc::now())
        };
        let today = Utc::now().date_naive();
        let convert = move |m| to_commitment(m, group, owner, today);
        self.update_audited(change, ENTITY, id, &before, row, &[], convert)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_commitment(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.commitment(change.program_id(), id).await?;
        self.delete_audited::<commitment::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
