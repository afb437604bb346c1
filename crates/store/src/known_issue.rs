//! Known issues: published problems with their workaround, and the tickets linked to them.

use muster_domain::known_issue::{KnownIssue, KnownIssueStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::Store;
use crate::entity::{known_issue, ticket};
use crate::error::{StoreError, StoreResult};

pub(crate) const ENTITY: &str = "known_issue";

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

impl Store {
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
}
