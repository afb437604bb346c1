//! Known issues: published problems with their workaround, and the tickets linked to them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use muster_domain::known_issue::{KnownIssue, KnownIssueSpec, KnownIssueStatus};
use muster_domain::module::ModuleId;
use muster_domain::paging::{Cursor, Page};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::audit::Change;
use crate::entity::{known_issue, ticket};
use crate::error::{StoreError, StoreResult, describe_uses};
use crate::{Store, paging};

pub(crate) const ENTITY: &str = "known_issue";

/// How many linked tickets a known issue's page lists.
pub const LINKED_TICKETS_SHOWN: u64 = 50;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnownIssueFilter {
    pub status: Option<KnownIssueStatus>,
    pub module_id: Option<ModuleId>,
    /// Title, symptoms or workaround containing this text.
    pub search: Option<String>,
}

/// A ticket linked to a known issue, as its page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedTicket {
    pub id: i64,
    pub number: i64,
    pub summary: String,
    /// The ticket's status code.
    pub status: String,
}

pub(crate) fn to_known_issue(
    m: known_issue::Model,
    linked_tickets: i64,
) -> StoreResult<KnownIssue> {
    Ok(KnownIssue {
        id: m.id,
        status: KnownIssueStatus::parse(&m.status).map_err(StoreError::Corrupt)?,
        title: m.title,
        symptoms: m.symptoms,
        workaround: m.workaround,
        module_id: m.module_id,
        retired_at: m.retired_at,
        created_at: m.created_at,
        linked_tickets,
    })
}

/// The stored row for `spec`. Retiring stamps the time once; publishing again clears it.
fn known_issue_row(
    program_id: i64,
    spec: KnownIssueSpec,
    retired_before: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> known_issue::ActiveModel {
    let retired_at = match spec.status {
        KnownIssueStatus::Retired => Some(retired_before.unwrap_or(now)),
        KnownIssueStatus::Published => None,
    };
    known_issue::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        title: Set(spec.title.into_string()),
        symptoms: Set(spec.symptoms),
        workaround: Set(spec.workaround),
        module_id: Set(spec.module_id),
        status: Set(spec.status.code().into()),
        retired_at: Set(retired_at),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// The known issues board: published before retired, newest first within each.
    #[tracing::instrument(skip(self))]
    pub async fn list_known_issues(
        &self,
        program_id: i64,
        filter: &KnownIssueFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<KnownIssue>> {
        use known_issue::Column as C;
        let mut query = known_issue::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(status) = filter.status {
            query = query.filter(C::Status.eq(status.code()));
        }
        if let Some(module_id) = filter.module_id {
            query = query.filter(C::ModuleId.eq(module_id));
        }
        if let Some(text) = &filter.search {
            let columns = [C::Title, C::Symptoms, C::Workaround];
            query = query.filter(crate::filter::contains(&columns, text));
        }
        let total = query.clone().count(&self.db).await?;
        // "published" sorts before "retired": the status code is the first sort key.
        let start = cursor.map(|c| (c.key.clone(), c.id));
        let rows = paging::after_key(query, C::Status, C::Id, start, Order::Desc, limit)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        let counts = self.linked_ticket_counts(&ids).await?;
        let items = rows
            .into_iter()
            .map(|m| {
                let linked = counts.get(&m.id).copied().unwrap_or(0);
                to_known_issue(m, linked)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |k| {
            (k.status.code().to_owned(), k.id)
        }))
    }

    pub async fn known_issue(&self, program_id: i64, id: i64) -> StoreResult<KnownIssue> {
        let row = known_issue::Entity::find_by_id(id)
            .filter(known_issue::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let linked = self.linked_ticket_count(id).await?;
        to_known_issue(row, linked)
    }

    pub(crate) async fn linked_ticket_count(&self, known_issue_id: i64) -> StoreResult<i64> {
        Ok(ticket::Entity::find()
            .filter(ticket::Column::KnownIssueId.eq(known_issue_id))
            .count(&self.db)
            .await? as i64)
    }

    /// Linked tickets per known issue, for a page of them: one GROUP BY query.
    async fn linked_ticket_counts(&self, ids: &[i64]) -> StoreResult<HashMap<i64, i64>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        use ticket::Column as T;
        let rows: Vec<(Option<i64>, i64)> = ticket::Entity::find()
            .select_only()
            .column(T::KnownIssueId)
            .column_as(T::Id.count(), "linked")
            .filter(T::KnownIssueId.is_in(ids.iter().copied()))
            .group_by(T::KnownIssueId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, n)| id.map(|id| (id, n)))
            .collect())
    }

    /// The newest tickets linked to a known issue, at most `LINKED_TICKETS_SHOWN`.
    pub async fn known_issue_tickets(
        &self,
        program_id: i64,
        known_issue_id: i64,
    ) -> StoreResult<Vec<LinkedTicket>> {
        use ticket::Column as T;
        let rows: Vec<(i64, i64, String, String)> = ticket::Entity::find()
            .select_only()
            .columns([T::Id, T::Number, T::Summary, T::Status])
            .filter(T::ProgramId.eq(program_id))
            .filter(T::KnownIssueId.eq(known_issue_id))
            .order_by_desc(T::Id)
            .limit(LINKED_TICKETS_SHOWN)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, number, summary, status)| LinkedTicket {
                id,
                number,
                summary,
                status,
            })
            .collect())
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_known_issue(
        &self,
        change: &Change<'_>,
        spec: KnownIssueSpec,
    ) -> StoreResult<KnownIssue> {
        self.check_module_choice(change.program_id(), spec.module_id)
            .await?;
        let row = known_issue_row(change.program_id(), spec, None, Utc::now());
        let convert = |m| to_known_issue(m, 0);
        self.insert_audited(change, ENTITY, row, &[], convert, |k| k.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_known_issue(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: KnownIssueSpec,
    ) -> StoreResult<KnownIssue> {
        let before = self.known_issue(change.program_id(), id).await?;
        self.check_module_choice(change.program_id(), spec.module_id)
            .await?;
        let row = known_issue::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..known_issue_row(change.program_id(), spec, before.retired_at, Utc::now())
        };
        let convert = |m| to_known_issue(m, before.linked_tickets);
        self.update_audited(change, ENTITY, id, &before, row, &[], convert)
            .await
    }

    /// Deletes a known issue no ticket links to; one that was followed is retired instead.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_known_issue(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.known_issue(change.program_id(), id).await?;
        if let Some(uses) = describe_uses(&[(before.linked_tickets as u64, "ticket")]) {
            return Err(StoreError::InUse(format!(
                "known issue {} is linked to {uses}; retire it instead",
                before.title
            )));
        }
        self.delete_audited::<known_issue::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
