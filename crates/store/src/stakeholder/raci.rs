//! RACI assignments on plan deliverables. A second accountable on a deliverable is refused
//! with the deliverable's and the holder's names (and a partial unique index guarantees it);
//! the matrix flags deliverables with no accountable or no responsible.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::Invalid;
use muster_domain::paging::{Cursor, Page};
use muster_domain::stakeholder::raci::{Holder, RaciAssignment, RaciMatrix, RaciRole, RaciSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::raci_assignment;
use crate::audit::Change;
use crate::error::{StoreError, StoreResult, UniqueField};
use crate::raw::{marks, statement};
use crate::{Store, paging};

pub(crate) const ENTITY: &str = "raci_assignment";

/// At most this many deliverables and assignments make a matrix page.
pub const MATRIX_LIMIT: usize = 2_000;

const UNIQUE: &[UniqueField] = &[
    UniqueField {
        index: "ux_raci_accountable",
        column: "raci_assignment.task_id",
        field: "role",
        message: "this deliverable already has an accountable person",
    },
    UniqueField {
        index: "ux_raci_person_role",
        column: "raci_assignment.person_id",
        field: "person_id",
        message: "this person already has this role on this deliverable",
    },
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RaciFilter {
    pub task_id: Option<i64>,
    pub person_id: Option<i64>,
    pub group_id: Option<i64>,
    pub role: Option<RaciRole>,
}

#[derive(FromQueryResult)]
struct NameRow {
    id: i64,
    name: String,
}

/// What an assignment shows beside its ids.
struct Names {
    task: String,
    holder: String,
}

fn to_raci(m: raci_assignment::Model, names: Names) -> StoreResult<RaciAssignment> {
    Ok(RaciAssignment {
        id: m.id,
        task_id: m.task_id,
        task_name: names.task,
        role: RaciRole::parse(&m.role).map_err(StoreError::Corrupt)?,
        person_name: m.person_id.map(|_| names.holder.clone()),
        person_id: m.person_id,
        group_name: m.group_id.map(|_| names.holder),
        group_id: m.group_id,
        created_at: m.created_at,
    })
}

fn raci_row(
    program_id: i64,
    spec: &RaciSpec,
    now: chrono::DateTime<Utc>,
) -> raci_assignment::ActiveModel {
    let (person_id, group_id) = match spec.holder {
        Holder::Person(p) => (Some(p), None),
        Holder::Group(g) => (None, Some(g)),
    };
    raci_assignment::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        task_id: Set(spec.task_id),
        role: Set(spec.role.code().into()),
        person_id: Set(person_id),
        group_id: Set(group_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// `name` by `id` in `table` (a table with both) for the rows of a page, 500 ids a query.
    pub(crate) async fn names_by_id(
        &self,
        table: &'static str,
        ids: impl IntoIterator<Item = i64>,
    ) -> StoreResult<HashMap<i64, String>> {
        let ids: Vec<i64> = ids
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, name FROM {table} WHERE id IN ({})",
                marks(chunk.len())
            );
            let values = chunk.iter().map(|&id| id.into()).collect();
            for r in NameRow::find_by_statement(statement(self.backend(), &sql, values))
                .all(&self.db)
                .await?
            {
                out.insert(r.id, r.name);
            }
        }
        Ok(out)
    }

    async fn raci_named(
        &self,
        rows: Vec<raci_assignment::Model>,
    ) -> StoreResult<Vec<RaciAssignment>> {
        let tasks = self
            .names_by_id("plan_task", rows.iter().map(|m| m.task_id))
            .await?;
        let people = self
            .names_by_id("person", rows.iter().filter_map(|m| m.person_id))
            .await?;
        let groups = self
            .group_names_of(rows.iter().filter_map(|m| m.group_id))
            .await?;
        rows.into_iter()
            .map(|m| {
                Ok(RaciAssignment {
                    id: m.id,
                    task_name: tasks.get(&m.task_id).cloned().unwrap_or_default(),
                    task_id: m.task_id,
                    role: RaciRole::parse(&m.role).map_err(StoreError::Corrupt)?,
                    person_name: m.person_id.and_then(|p| people.get(&p).cloned()),
                    person_id: m.person_id,
                    group_name: m.group_id.and_then(|g| groups.get(&g).cloned()),
                    group_id: m.group_id,
                    created_at: m.created_at,
                })
            })
            .collect()
    }

    /// Assignments under `filter`, by deliverable.
    #[tracing::instrument(skip(self))]
    pub async fn list_raci(
        &self,
        program_id: i64,
        filter: &RaciFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<RaciAssignment>> {
        use raci_assignment::Column as C;
        let mut query = raci_assignment::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(id) = filter.task_id {
            query = query.filter(C::TaskId.eq(id));
        }
        if let Some(id) = filter.person_id {
            query = query.filter(C::PersonId.eq(id));
        }
        if let Some(id) = filter.group_id {
            query = query.filter(C::GroupId.eq(id));
        }
        if let Some(role) = filter.role {
            query = query.filter(C::Role.eq(role.code()));
        }
        let total = query.clone().count(&self.db).await?;
        let start = match cursor {
            Some(c) => Some((
                c.key
                    .parse::<i64>()
                    .map_err(|_| StoreError::invalid("cursor", "is not a cursor of this list"))?,
                c.id,
            )),
            None => None,
        };
        let rows = paging::after_key(query, C::TaskId, C::Id, start, sea_orm::Order::Asc, limit)
            .all(&self.db)
            .await?;
        let items = self.raci_named(rows).await?;
        Ok(paging::page(items, limit, total, |a: &RaciAssignment| {
            (a.task_id.to_string(), a.id)
        }))
    }

    pub async fn raci(&self, program_id: i64, id: i64) -> StoreResult<RaciAssignment> {
        let row = raci_assignment::Entity::find_by_id(id)
            .filter(raci_assignment::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        Ok(self.raci_named(vec![row]).await?.remove(0))
    }

    /// The program's deliverables: the summary tasks one level below the top of the plan
    /// (a wave's phases), in plan order.
    pub async fn plan_deliverables(&self, program_id: i64) -> StoreResult<Vec<(i64, String)>> {
        let sql = "SELECT t.id AS id, t.name AS name FROM plan_task t \
             JOIN plan_task p ON p.id = t.parent_id \
             WHERE t.program_id = ? AND p.parent_id IS NULL \
             AND EXISTS (SELECT 1 FROM plan_task c WHERE c.parent_id = t.id) \
             ORDER BY p.position, p.id, t.position, t.id";
        let rows =
            NameRow::find_by_statement(statement(self.backend(), sql, vec![program_id.into()]))
                .all(&self.db)
                .await?;
        Ok(rows
            .into_iter()
            .take(MATRIX_LIMIT)
            .map(|r| (r.id, r.name))
            .collect())
    }

    /// Deliverables x holders with their letters and gaps (at most `MATRIX_LIMIT`
    /// deliverables and assignments).
    #[tracing::instrument(skip(self))]
    pub async fn raci_matrix(&self, program_id: i64) -> StoreResult<RaciMatrix> {
        let deliverables = self.plan_deliverables(program_id).await?;
        let rows = raci_assignment::Entity::find()
            .filter(raci_assignment::Column::ProgramId.eq(program_id))
            .order_by_asc(raci_assignment::Column::TaskId)
            .order_by_asc(raci_assignment::Column::Id)
            .limit(MATRIX_LIMIT as u64)
            .all(&self.db)
            .await?;
        let assignments = self.raci_named(rows).await?;
        Ok(RaciMatrix::build(&deliverables, &assignments))
    }

    /// The task, the person or group exist; a deliverable has one accountable at most.
    /// Returns the names an assignment shows: the task's, the person's or the group's.
    async fn check_raci(
        &self,
        program_id: i64,
        id: Option<i64>,
        spec: &RaciSpec,
    ) -> StoreResult<Names> {
        let task = self
            .plan_task(program_id, spec.task_id)
            .await
            .map_err(|_| {
                StoreError::invalid("task_id", format!("there is no plan task {}", spec.task_id))
            })?;
        let holder = match spec.holder {
            Holder::Person(p) => {
                self.check_person_choice(program_id, "person_id", p)
                    .await?
                    .name
            }
            Holder::Group(g) => {
                self.check_group_choice(program_id, "group_id", g)
                    .await?
                    .name
            }
        };
        if spec.role == RaciRole::Accountable {
            use raci_assignment::Column as C;
            let mut query = raci_assignment::Entity::find()
                .filter(C::ProgramId.eq(program_id))
                .filter(C::TaskId.eq(spec.task_id))
                .filter(C::Role.eq(RaciRole::Accountable.code()));
            if let Some(id) = id {
                query = query.filter(C::Id.ne(id));
            }
            if let Some(existing) = query.one(&self.db).await? {
                let holder = self.raci_named(vec![existing]).await?.remove(0).holder();
                return Err(StoreError::Conflict(Invalid::one(
                    "role",
                    format!(
                        "{} already has an accountable person: {holder}; a deliverable has exactly one accountable, so change that assignment or choose responsible",
                        task.name
                    ),
                )));
            }
        }
        Ok(Names {
            task: task.name,
            holder,
        })
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_raci(
        &self,
        change: &Change<'_>,
        spec: RaciSpec,
    ) -> StoreResult<RaciAssignment> {
        let names = self.check_raci(change.program_id(), None, &spec).await?;
        let row = raci_row(change.program_id(), &spec, Utc::now());
        let convert = move |m| to_raci(m, names);
        self.insert_audited(change, ENTITY, row, UNIQUE, convert, |a| a.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_raci(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: RaciSpec,
    ) -> StoreResult<RaciAssignment> {
        let before = self.raci(change.program_id(), id).await?;
        let names = self
            .check_raci(change.program_id(), Some(id), &spec)
            .await?;
        let row = raci_assignment::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..raci_row(change.program_id(), &spec, Utc::now())
        };
        let convert = move |m| to_raci(m, names);
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, convert)
            .await
    }

    /// How many RACI assignments name plan task `task_id` (a task with some is not deleted).
    pub(crate) async fn raci_on_task(&self, task_id: i64) -> StoreResult<u64> {
        Ok(raci_assignment::Entity::find()
            .filter(raci_assignment::Column::TaskId.eq(task_id))
            .count(&self.db)
            .await?)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_raci(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.raci(change.program_id(), id).await?;
        self.delete_audited::<raci_assignment::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
