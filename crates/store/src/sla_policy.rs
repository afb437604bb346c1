//! SLA policies: response and resolution targets per priority.

use chrono::{DateTime, Utc};
use muster_domain::paging::{Cursor, Page};
use muster_domain::ticket::Priority;
use muster_domain::ticket::sla::{SlaPolicy, SlaPolicySpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::audit::Change;
use crate::entity::sla_policy;
use crate::error::{StoreError, StoreResult, UniqueField};
use crate::{Store, paging};

pub(crate) const ENTITY: &str = "sla_policy";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_sla_policy_priority",
    column: "sla_policy.priority",
    field: "priority",
    message: "this priority already has a policy",
}];

pub(crate) fn to_sla_policy(m: sla_policy::Model) -> StoreResult<SlaPolicy> {
    Ok(SlaPolicy {
        id: m.id,
        priority: Priority::parse(&m.priority).map_err(StoreError::Corrupt)?,
        response_minutes: m.response_minutes,
        resolve_minutes: m.resolve_minutes,
    })
}

fn sla_policy_row(
    program_id: i64,
    spec: SlaPolicySpec,
    now: DateTime<Utc>,
) -> sla_policy::ActiveModel {
    sla_policy::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        priority: Set(spec.priority.code().into()),
        response_minutes: Set(spec.response_minutes),
        resolve_minutes: Set(spec.resolve_minutes),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// The program's policies by priority; priorities without one use the defaults.
    pub async fn sla_policies(&self, program_id: i64) -> StoreResult<Vec<SlaPolicy>> {
        sla_policy::Entity::find()
            .filter(sla_policy::Column::ProgramId.eq(program_id))
            .order_by_asc(sla_policy::Column::Priority)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_sla_policy)
            .collect()
    }

    /// The policies a page at a time, by priority (at most four, but every list pages alike).
    #[tracing::instrument(skip(self))]
    pub async fn list_sla_policies(
        &self,
        program_id: i64,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<SlaPolicy>> {
        use sla_policy::Column as C;
        let query = sla_policy::Entity::find().filter(C::ProgramId.eq(program_id));
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Priority, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(to_sla_policy)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |p| {
            (p.priority.code().to_owned(), p.id)
        }))
    }

    pub async fn sla_policy(&self, program_id: i64, id: i64) -> StoreResult<SlaPolicy> {
        let row = sla_policy::Entity::find_by_id(id)
            .filter(sla_policy::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        to_sla_policy(row)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_sla_policy(
        &self,
        change: &Change<'_>,
        spec: SlaPolicySpec,
    ) -> StoreResult<SlaPolicy> {
        let row = sla_policy_row(change.program_id(), spec, Utc::now());
        self.insert_audited(change, ENTITY, row, UNIQUE, to_sla_policy, |p| p.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_sla_policy(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: SlaPolicySpec,
    ) -> StoreResult<SlaPolicy> {
        let before = self.sla_policy(change.program_id(), id).await?;
        let row = sla_policy::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..sla_policy_row(change.program_id(), spec, Utc::now())
        };
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, to_sla_policy)
            .await
    }

    /// Nothing refers to a policy: without one, its priority falls back to the default
    /// targets (tickets keep the due times they were given).
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_sla_policy(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.sla_policy(change.program_id(), id).await?;
        self.delete_audited::<sla_policy::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
