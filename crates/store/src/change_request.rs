//! Change requests beyond the ticket: routing to the governance body that holds the right,
//! raised directly for a wave, and the approved customizations each wave takes live (which
//! feed its scale index's complexity). Raising and deciding live in `ticket/change.rs`.

use std::collections::HashMap;

use muster_domain::access::{Actor, Scope, Subject};
use muster_domain::decision::{ChangeKind, ChangeRequestSpec, ChangeStatus, DecisionRight};
use muster_domain::decision_log::WaveCustomizations;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::Store;
use crate::error::{StoreError, StoreResult};
use crate::raw::{backend_of, marks, statement};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeRequestFilter {
    pub ticket_id: Option<i64>,
    pub status: Option<ChangeStatus>,
    pub wave_id: Option<i64>,
    pub body_id: Option<i64>,
}

#[derive(FromQueryResult)]
struct WaveCount {
    wave_id: i64,
    approved: i64,
    pending: i64,
}

/// Approved and pending change requests of customization kinds per wave; `waves` limits it.
async fn counts_by_wave<C: ConnectionTrait>(
    db: &C,
    program_id: i64,
    waves: Option<&[i64]>,
) -> StoreResult<HashMap<i64, (i64, i64)>> {
    let kinds = ChangeKind::customization_codes();
    let mut values: Vec<Value> = vec![
        ChangeStatus::Approved.code().into(),
        ChangeStatus::Pending.code().into(),
        program_id.into(),
    ];
    values.extend(kinds.iter().map(|&k| Value::from(k)));
    let mut sql = format!(
        "SELECT wave_id, \
         CAST(SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS BIGINT) AS approved, \
         CAST(SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS BIGINT) AS pending \
         FROM change_request WHERE program_id = ? AND wave_id IS NOT NULL \
         AND change_kind IN ({})",
        marks(kinds.len())
    );
    if let Some(ids) = waves {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        sql.push_str(&format!(" AND wave_id IN ({})", marks(ids.len())));
        values.extend(ids.iter().map(|&i| Value::from(i)));
    }
    sql.push_str(" GROUP BY wave_id");
    Ok(
        WaveCount::find_by_statement(statement(backend_of(db), &sql, values))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.wave_id, (c.approved, c.pending)))
            .collect(),
    )
}

/// Approved customization requests of waves `ids`, for the waves' scale index.
pub(crate) async fn approved_customizations<C: ConnectionTrait>(
    db: &C,
    program_id: i64,
    ids: &[i64],
) -> StoreResult<HashMap<i64, i64>> {
    Ok(counts_by_wave(db, program_id, Some(ids))
        .await?
        .into_iter()
        .map(|(wave, (approved, _))| (wave, approved))
        .collect())
}

impl Store {
    /// A request's route: the wave exists; a body the requester chose must hold the
    /// governing right for the request's module and kind.
    pub(crate) async fn check_change_request_route(
        &self,
        program_id: i64,
        spec: &ChangeRequestSpec,
        right: Option<&DecisionRight>,
    ) -> StoreResult<()> {
        self.check_module_choice(program_id, spec.module_id).await?;
        if let Some(wave) = spec.wave_id
            && self.wave(program_id, wave).await.is_err()
        {
            return Err(StoreError::invalid(
                "wave_id",
                format!("there is no wave {wave}"),
            ));
        }
        let Some(chosen) = spec.body_id else {
            return Ok(());
        };
        let body = self
            .check_body_choice(program_id, "body_id", chosen)
            .await?;
        if right.and_then(|r| r.body_id) != Some(chosen) {
            let holder = right.map_or_else(
                || "no body holds it yet".to_owned(),
                |r| format!("{} does", r.decider),
            );
            return Err(StoreError::invalid(
                "body_id",
                format!(
                    "{} does not hold the decision right for {} changes to this module: {holder}",
                    body.name,
                    spec.change_kind.label().to_lowercase()
                ),
            ));
        }
        Ok(())
    }

    /// Each wave's customizations: approved and pending change requests of customization
    /// kinds (`ChangeKind::is_customization`), beside its hand count. One aggregate query.
    /// Empty for an actor who may not read change requests.
    #[tracing::instrument(skip(self, actor))]
    pub async fn customizations_by_wave(
        &self,
        actor: &Actor,
    ) -> StoreResult<Vec<WaveCustomizations>> {
        if actor.read_scope(Subject::ChangeRequest) == Scope::Nothing {
            return Ok(Vec::new());
        }
        #[derive(FromQueryResult)]
        struct WaveRow {
            id: i64,
            name: String,
            go_live: chrono::NaiveDate,
            approved_customizations: i64,
        }
        let waves = WaveRow::find_by_statement(statement(
            self.backend(),
            "SELECT id, name, go_live, approved_customizations FROM wave \
             WHERE program_id = ? ORDER BY go_live, name, id",
            vec![actor.program_id.into()],
        ))
        .all(&self.db)
        .await?;
        let counts = counts_by_wave(&self.db, actor.program_id, None).await?;
        Ok(waves
            .into_iter()
            .map(|w| {
                let (approved, pending) = counts.get(&w.id).copied().unwrap_or((0, 0));
                WaveCustomizations {
                    wave_id: w.id,
                    wave: w.name,
                    go_live: w.go_live,
                    approved,
                    pending,
                    counted_by_hand: w.approved_customizations,
                }
            })
            .collect())
    }
}
