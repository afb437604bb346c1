//! Decision rights: which role or body decides which kind of build change to which module.

use muster_domain::decision::{ChangeKind, DecisionRight};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::Store;
use crate::entity::decision_right;
use crate::error::{StoreError, StoreResult};

pub(crate) const ENTITY: &str = "decision_right";

pub(crate) fn to_decision_right(m: decision_right::Model) -> StoreResult<DecisionRight> {
    Ok(DecisionRight {
        id: m.id,
        module_id: m.module_id,
        change_kind: ChangeKind::parse(&m.change_kind).map_err(StoreError::Corrupt)?,
        decider: m.decider,
        decider_account_id: m.decider_account_id,
    })
}

impl Store {
    /// The whole matrix (a program has at most a few hundred rights).
    pub async fn decision_rights(&self, program_id: i64) -> StoreResult<Vec<DecisionRight>> {
        decision_right::Entity::find()
            .filter(decision_right::Column::ProgramId.eq(program_id))
            .order_by_asc(decision_right::Column::ChangeKind)
            .order_by_asc(decision_right::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_decision_right)
            .collect()
    }
}
