//! SLA policies: response and resolution targets per priority.

use muster_domain::ticket::Priority;
use muster_domain::ticket::sla::SlaPolicy;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::Store;
use crate::entity::sla_policy;
use crate::error::{StoreError, StoreResult};

pub(crate) const ENTITY: &str = "sla_policy";

pub(crate) fn to_sla_policy(m: sla_policy::Model) -> StoreResult<SlaPolicy> {
    Ok(SlaPolicy {
        id: m.id,
        priority: Priority::parse(&m.priority).map_err(StoreError::Corrupt)?,
        response_minutes: m.response_minutes,
        resolve_minutes: m.resolve_minutes,
    })
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
}
