//! Training in the store: courses and curricula, sessions and their rosters, completions
//! (one per person and course, bulk-loadable by the million), assessments, follow-ups,
//! and the per-person curriculum progress that the dashboard and readiness read.

mod assessment;
mod completion;
mod completion_import;
mod course;
mod curriculum;
mod enrollment;
mod feed;
mod follow_up;
mod forecast;
pub(crate) mod progress;
pub(crate) mod requirement;
mod session;

use std::collections::HashMap;

use muster_domain::access::Scope;
use muster_domain::paging::{Cursor, Page};
use muster_domain::site::SiteId;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select};

pub use completion::COMPLETIONS_PER_STATEMENT;
pub use completion_import::{BatchWritten, CompletionBatch, CompletionTally, CompletionWriter};
pub use course::CourseFilter;
pub use follow_up::FollowUpFilter;
pub use progress::{BehindPage, TrainingCell};
pub(crate) use progress::{add_status_rows, last_person_id, status_rows};
pub use session::SessionFilter;

use crate::Store;
use crate::entity::{account, person};
use crate::error::StoreResult;

/// What training records show of the person they belong to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trainee {
    pub name: String,
    pub site_id: Option<SiteId>,
    pub email: String,
}

/// The person ids whose training `scope` may see: `None` for nobody, `Some(None)` for
/// everybody, else a subquery.
fn trainee_ids(program_id: i64, scope: &Scope) -> Option<Option<SelectStatement>> {
    use person::Column as P;
    let people = person::Entity::find()
        .select_only()
        .column(P::Id)
        .filter(P::ProgramId.eq(program_id));
    match scope {
        Scope::Nothing | Scope::Organization(_) => None,
        Scope::Everything => Some(None),
        Scope::Sites(ids) => Some(Some(
            people.filter(P::SiteId.is_in(ids.clone())).into_query(),
        )),
        Scope::Own(account_id) => {
            let email = account::Entity::find()
                .select_only()
                .column(account::Column::Email)
                .filter(account::Column::Id.eq(*account_id))
                .into_query();
            Some(Some(
                people.filter(P::Email.in_subquery(email)).into_query(),
            ))
        }
    }
}

/// Rows of `E` (a training record with `program_id` and `person_id`) of the people `scope`
/// reaches and, given a site, of that site's people; `None` when the scope reaches nobody.
pub(crate) fn of_trainees<E: EntityTrait>(
    program_id: i64,
    scope: &Scope,
    site_id: Option<SiteId>,
    program: E::Column,
    person_column: E::Column,
) -> Option<Select<E>> {
    let people = trainee_ids(program_id, scope)?;
    let mut query = E::find().filter(program.eq(program_id));
    if let Some(people) = people {
        query = query.filter(person_column.in_subquery(people));
    }
    if let Some(site) = site_id {
        let at_site = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::ProgramId.eq(program_id))
            .filter(person::Column::SiteId.eq(site))
            .into_query();
        query = query.filter(person_column.in_subquery(at_site));
    }
    Some(query)
}

/// An empty page, for a scope that reaches nobody.
pub(crate) fn nothing<T>() -> Page<T> {
    Page {
        items: Vec::new(),
        next_cursor: None,
        total: 0,
    }
}

/// A page of `limit + 1` fetched rows, newest first: the cursor is the last id shown.
pub(crate) fn newest_page<T>(
    mut items: Vec<T>,
    limit: u64,
    total: u64,
    id: impl Fn(&T) -> i64,
) -> Page<T> {
    let next_cursor = (items.len() as u64 > limit).then(|| {
        items.truncate(limit as usize);
        Cursor {
            key: String::new(),
            id: items.last().map_or(0, &id),
        }
        .encode()
    });
    Page {
        items,
        next_cursor,
        total,
    }
}

impl Store {
    /// Deletes training record `id` of `E` and rebuilds its person's progress, with the
    /// audit entry, in one transaction.
    pub(crate) async fn delete_with_progress<E, T>(
        &self,
        change: &crate::Change<'_>,
        entity: &'static str,
        id: i64,
        person_id: i64,
        before: &T,
    ) -> StoreResult<()>
    where
        E: EntityTrait,
        i64: Into<<E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType>,
        T: serde::Serialize + Send + Sync,
    {
        use sea_orm::TransactionTrait;
        let txn = self.db.begin().await?;
        E::delete_by_id(id).exec(&txn).await?;
        progress::refresh(&txn, self.backend(), progress::Target::People(&[person_id])).await?;
        let action = muster_domain::audit::AuditAction::Delete;
        crate::audit::record(&txn, change, entity, id, action, Some(before), None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The total of `query`, and its rows after `cursor` newest first, one more than `limit`.
    pub(crate) async fn newest_first<E: EntityTrait>(
        &self,
        query: Select<E>,
        id: E::Column,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<(Vec<E::Model>, u64)>
    where
        E::Model: Send + Sync,
    {
        use sea_orm::{PaginatorTrait, QueryOrder};
        let total = query.clone().count(&self.db).await?;
        let query = match cursor {
            Some(c) => query.filter(id.lt(c.id)),
            None => query,
        };
        let rows = query
            .order_by_desc(id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        Ok((rows, total))
    }

    /// Names, sites and emails of `ids`, in one query.
    pub(crate) async fn trainees(
        &self,
        program_id: i64,
        mut ids: Vec<i64>,
    ) -> StoreResult<HashMap<i64, Trainee>> {
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, String, Option<i64>, String)> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::Name,
                person::Column::SiteId,
                person::Column::Email,
            ])
            .filter(person::Column::ProgramId.eq(program_id))
            .filter(person::Column::Id.is_in(ids))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, site_id, email)| {
                (
                    id,
                    Trainee {
                        name,
                        site_id,
                        email,
                    },
                )
            })
            .collect())
    }

    /// Every active person's id, site and job role, by id: for loading training records
    /// in bulk (the demo, imports).
    pub async fn active_trainees(
        &self,
        program_id: i64,
    ) -> StoreResult<Vec<(i64, Option<SiteId>, muster_domain::person::JobRole)>> {
        use sea_orm::QueryOrder;
        let rows: Vec<(i64, Option<i64>, String)> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::SiteId,
                person::Column::JobRole,
            ])
            .filter(person::Column::ProgramId.eq(program_id))
            .filter(person::Column::Active.eq(true))
            .order_by_asc(person::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|(id, site, role)| {
                let role = muster_domain::person::JobRole::parse(&role)
                    .map_err(crate::StoreError::Corrupt)?;
                Ok((id, site, role))
            })
            .collect()
    }

    /// The person `id` exists in the program: else a field error on `field`.
    pub(crate) async fn check_person_choice(
        &self,
        program_id: i64,
        field: &str,
        id: i64,
    ) -> StoreResult<muster_domain::person::Person> {
        self.person(program_id, id)
            .await
            .map_err(|_| crate::StoreError::invalid(field, format!("there is no person {id}")))
    }
}
