//! Go/no-go decisions: appended per wave (the latest is current), each with the scorecard
//! it was made on frozen beside it.

use chrono::Utc;
use muster_domain::readiness::gate::{Gate, GateDecision, GateSpec};
use muster_domain::readiness::scorecard::Scorecard;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::assessment::{frozen, thawed};
use crate::Store;
use crate::audit::Change;
use crate::entity::readiness_gate;
use crate::error::{StoreError, StoreResult};

const ENTITY: &str = "readiness_gate";

fn to_gate(m: readiness_gate::Model) -> StoreResult<Gate> {
    Ok(Gate {
        id: m.id,
        wave_id: m.wave_id,
        decision: GateDecision::parse(&m.decision).map_err(StoreError::Corrupt)?,
        rationale: m.rationale,
        conditions: m.conditions,
        dissent: m.dissent,
        decided_by: m.decided_by,
        decided_by_account_id: m.decided_by_account_id,
        decider: m.decider,
        decided_at: m.decided_at,
        scorecard: thawed(&m.scorecard)?,
    })
}

/// What the audit log keeps of a decision (its scorecard stays in its row).
#[derive(Serialize)]
struct Audited<'a> {
    id: i64,
    wave_id: i64,
    decision: GateDecision,
    rationale: &'a str,
    conditions: Option<&'a str>,
    dissent: Option<&'a str>,
    decider: &'a str,
}

impl Store {
    /// Records a decision on `scorecard`'s wave, made by (or for) `decider`; the caller has
    /// checked the decision right.
    #[tracing::instrument(skip(self, change, scorecard))]
    pub async fn record_gate(
        &self,
        change: &Change<'_>,
        spec: GateSpec,
        decider: &str,
        scorecard: &Scorecard,
    ) -> StoreResult<Gate> {
        let row = readiness_gate::ActiveModel {
            id: NotSet,
            program_id: Set(change.program_id()),
            wave_id: Set(spec.wave_id),
            decision: Set(spec.decision.code().into()),
            rationale: Set(spec.rationale),
            conditions: Set(spec.conditions),
            dissent: Set(spec.dissent),
            decided_by: Set(change.actor.name.clone()),
            decided_by_account_id: Set(change.actor.account_id),
            decider: Set(decider.to_owned()),
            decided_at: Set(Utc::now()),
            scorecard: Set(frozen(scorecard)?),
        };
        use sea_orm::{ActiveModelTrait, TransactionTrait};
        let txn = self.db.begin().await?;
        let gate = to_gate(row.insert(&txn).await?)?;
        let audited = Audited {
            id: gate.id,
            wave_id: gate.wave_id,
            decision: gate.decision,
            rationale: &gate.rationale,
            conditions: gate.conditions.as_deref(),
            dissent: gate.dissent.as_deref(),
            decider,
        };
        crate::audit::record(
            &txn,
            change,
            ENTITY,
            gate.id,
            muster_domain::audit::AuditAction::Create,
            None,
            Some(&audited),
        )
        .await?;
        txn.commit().await?;
        Ok(gate)
    }

    /// Decisions, newest first: of one wave, or of every wave.
    #[tracing::instrument(skip(self))]
    pub async fn list_gates(
        &self,
        program_id: i64,
        wave_id: Option<i64>,
    ) -> StoreResult<Vec<Gate>> {
        use readiness_gate::Column as C;
        let mut query = readiness_gate::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(wave_id) = wave_id {
            query = query.filter(C::WaveId.eq(wave_id));
        }
        query
            .order_by_desc(C::DecidedAt)
            .order_by_desc(C::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_gate)
            .collect()
    }

    pub async fn gate(&self, program_id: i64, id: i64) -> StoreResult<Gate> {
        let row = readiness_gate::Entity::find_by_id(id)
            .filter(readiness_gate::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found("go/no-go decision", id))?;
        to_gate(row)
    }

    /// How many assessments and decisions wave `wave_id` has (a wave with history is not
    /// deleted).
    pub(crate) async fn readiness_history(&self, wave_id: i64) -> StoreResult<(u64, u64)> {
        use crate::entity::readiness_assessment;
        use sea_orm::PaginatorTrait;
        let assessments = readiness_assessment::Entity::find()
            .filter(readiness_assessment::Column::WaveId.eq(wave_id))
            .count(&self.db)
            .await?;
        let gates = readiness_gate::Entity::find()
            .filter(readiness_gate::Column::WaveId.eq(wave_id))
            .count(&self.db)
            .await?;
        Ok((assessments, gates))
    }
}
