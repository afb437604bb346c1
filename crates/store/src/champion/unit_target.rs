//! Per-unit champion coverage targets: a unit's own end users per champion, which coverage
//! uses in place of the program's. Set, changed and removed in audited transactions; the
//! coverage computation reads a program's overrides in one query.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::champion::coverage::{TargetSource, UnitTarget, UnitTargetInForce};
use muster_domain::unit::UnitId;
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait};

use crate::Store;
use crate::audit::{Change, record, record_saved};
use crate::error::StoreResult;
use crate::raw::{backend_of, statement};

const ENTITY: &str = "champion_unit_target";

#[derive(FromQueryResult)]
struct Row {
    unit_id: i64,
    end_users_per_champion: i64,
    note: Option<String>,
}

impl Row {
    fn target(self) -> UnitTarget {
        UnitTarget {
            end_users_per_champion: self.end_users_per_champion,
            note: self.note,
        }
    }
}

async fn override_of<C: ConnectionTrait>(
    db: &C,
    program_id: i64,
    unit_id: UnitId,
) -> StoreResult<Option<UnitTarget>> {
    let row = Row::find_by_statement(statement(
        backend_of(db),
        "SELECT unit_id, end_users_per_champion, note FROM champion_unit_target \
         WHERE program_id = ? AND unit_id = ?",
        vec![program_id.into(), unit_id.into()],
    ))
    .one(db)
    .await?;
    Ok(row.map(Row::target))
}

impl Store {
    /// Every unit's override in the program: one query, whatever the number of units.
    pub async fn unit_champion_targets(
        &self,
        program_id: i64,
    ) -> StoreResult<HashMap<UnitId, UnitTarget>> {
        let rows = Row::find_by_statement(statement(
            self.backend(),
            "SELECT unit_id, end_users_per_champion, note FROM champion_unit_target \
             WHERE program_id = ?",
            vec![program_id.into()],
        ))
        .all(&self.db)
        .await?;
        Ok(rows.into_iter().map(|r| (r.unit_id, r.target())).collect())
    }

    /// The target unit `unit_id` is measured against: its override, else the program's.
    pub async fn unit_champion_target(
        &self,
        program_id: i64,
        unit_id: UnitId,
    ) -> StoreResult<UnitTargetInForce> {
        let unit = self.unit(program_id, unit_id).await?;
        let program = self
            .champion_target(program_id)
            .await?
            .end_users_per_champion;
        let own = override_of(&self.db, program_id, unit_id).await?;
        Ok(UnitTargetInForce {
            unit_id,
            unit_name: unit.name,
            site_id: unit.site_id,
            end_users_per_champion: own.as_ref().map_or(program, |t| t.end_users_per_champion),
            target_source: if own.is_some() {
                TargetSource::Unit
            } else {
                TargetSource::Program
            },
            note: own.and_then(|t| t.note),
            program_end_users_per_champion: program,
        })
    }

    /// Sets or changes unit `unit_id`'s own target, audited with what it replaced.
    #[tracing::instrument(skip(self, change))]
    pub async fn save_unit_champion_target(
        &self,
        change: &Change<'_>,
        unit_id: UnitId,
        target: UnitTarget,
    ) -> StoreResult<UnitTargetInForce> {
        let program_id = change.program_id();
        self.unit(program_id, unit_id).await?;
        let txn = self.db.begin().await?;
        let before = override_of(&txn, program_id, unit_id).await?;
        txn.execute_raw(statement(
            self.backend(),
            "INSERT INTO champion_unit_target \
             (unit_id, program_id, end_users_per_champion, note, updated_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (unit_id) DO UPDATE SET \
             end_users_per_champion = excluded.end_users_per_champion, \
             note = excluded.note, updated_at = excluded.updated_at",
            vec![
                unit_id.into(),
                program_id.into(),
                target.end_users_per_champion.into(),
                target.note.clone().into(),
                Utc::now().into(),
            ],
        ))
        .await?;
        record_saved(&txn, change, ENTITY, unit_id, before.as_ref(), &target).await?;
        txn.commit().await?;
        self.unit_champion_target(program_id, unit_id).await
    }

    /// Removes unit `unit_id`'s own target, so the program's applies again; the removed
    /// override, or `None` (and nothing written) when it had none.
    #[tracing::instrument(skip(self, change))]
    pub async fn remove_unit_champion_target(
        &self,
        change: &Change<'_>,
        unit_id: UnitId,
    ) -> StoreResult<Option<UnitTarget>> {
        let program_id = change.program_id();
        self.unit(program_id, unit_id).await?;
        let txn = self.db.begin().await?;
        let Some(before) = override_of(&txn, program_id, unit_id).await? else {
            return Ok(None);
        };
        txn.execute_raw(statement(
            self.backend(),
            "DELETE FROM champion_unit_target WHERE program_id = ? AND unit_id = ?",
            vec![program_id.into(), unit_id.into()],
        ))
        .await?;
        record(
            &txn,
            change,
            ENTITY,
            unit_id,
            AuditAction::Delete,
            Some(&before),
            None,
        )
        .await?;
        txn.commit().await?;
        Ok(Some(before))
    }
}
