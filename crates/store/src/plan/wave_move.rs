//! Moving a site or module to another wave. The what-if changes the kept plan in memory by
//! the domain's rules (`muster_domain::plan::wave_move`), schedules it again and compares;
//! nothing is written. The save writes the same change (the wave's sites or modules, the
//! moved tasks' wave and parent, the rewired and dropped links) in one transaction with its
//! audit entries, which moves the plan's revision.

use chrono::{NaiveDate, Utc};
use muster_domain::Invalid;
use muster_domain::audit::AuditAction;
use muster_domain::plan::outlook::{WaveMoveOutcome, WhatIf};
use muster_domain::plan::wave_move::{
    MoveKind, MoveWaves, PlanMove, WaveMove, WaveMoveSpec, plan_move,
};
use muster_domain::wave::Wave;
use sea_orm::{ConnectionTrait, DatabaseTransaction, SqlErr, TransactionTrait, Value};
use serde::Serialize;

use super::schedule::compute_apart;
use crate::Store;
use crate::audit::{Change, record};
use crate::error::{StoreError, StoreResult};
use crate::raw::{marks, statement};
use crate::wave::Link;

/// A move with everything its save writes.
struct Prepared {
    outcome: WaveMoveOutcome,
    plan_move: PlanMove,
    from: (Wave, Wave),
    to: (Wave, Wave),
}

/// What the audit log keeps of a move.
#[derive(Serialize)]
struct MoveRecord<'a> {
    change: &'a WaveMove,
    item: &'a str,
    plan: &'a PlanMove,
}

fn conflict(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Conflict(Invalid::one(field, message))
}

impl Store {
    /// What moving the site or module would do to both waves and to the schedule, computed
    /// on the plan as it stands for `today`; nothing is written.
    #[tracing::instrument(skip(self))]
    pub async fn preview_wave_move(
        &self,
        program_id: i64,
        today: NaiveDate,
        change: &WaveMove,
    ) -> StoreResult<WaveMoveOutcome> {
        Ok(self
            .prepare_wave_move(program_id, today, change)
            .await?
            .outcome)
    }

    /// Makes the move: the same change the what-if shows, in one audited transaction. With
    /// `spec.revision`, a plan changed since that revision is refused (409) rather than
    /// changed unseen; a move whose plan cannot be scheduled (a loop) is refused (422).
    #[tracing::instrument(skip(self, change))]
    pub async fn apply_wave_move(
        &self,
        change: &Change<'_>,
        today: NaiveDate,
        spec: &WaveMoveSpec,
    ) -> StoreResult<WaveMoveOutcome> {
        let program_id = change.program_id();
        let current = self.plan_settings(program_id).await?.revision;
        if let Some(seen) = spec.revision
            && seen != current
        {
            return Err(conflict(
                "revision",
                format!(
                    "the plan has changed since this what-if (revision {seen}, now {current}): \
                     look at it again before saving"
                ),
            ));
        }
        let p = self
            .prepare_wave_move(program_id, today, &spec.change)
            .await?;
        if let Some(error) = &p.outcome.error {
            return Err(StoreError::invalid(
                "to_wave_id",
                format!("the plan could not be scheduled after this move: {error}"),
            ));
        }
        let txn = self.db.begin().await?;
        self.write_move(&txn, program_id, &p).await?;
        for (before, after) in [&p.from, &p.to] {
            record(
                &txn,
                change,
                "wave",
                before.id,
                AuditAction::Update,
                Some(before),
                Some(after),
            )
            .await?;
        }
        let entry = MoveRecord {
            change: &spec.change,
            item: &p.outcome.item,
            plan: &p.plan_move,
        };
        record(
            &txn,
            change,
            "wave_move",
            p.from.0.id,
            AuditAction::Create,
            None,
            Some(&entry),
        )
        .await?;
        txn.commit().await?;
        let mut outcome = p.outcome;
        outcome.applied = true;
        outcome.revision = self.plan_settings(program_id).await?.revision;
        Ok(outcome)
    }

    async fn prepare_wave_move(
        &self,
        program_id: i64,
        today: NaiveDate,
        change: &WaveMove,
    ) -> StoreResult<Prepared> {
        let waves = self.all_waves(program_id).await?;
        let find = |id| waves.iter().find(|w| w.id == id);
        let item = match change.kind {
            MoveKind::Site => self.site(program_id, change.item_id).await.map(|s| s.name),
            MoveKind::Module => self
                .module(program_id, change.item_id)
                .await
                .map(|m| m.name),
        };
        let mut unknown = Vec::new();
        let item = match item {
            Ok(name) => Some(name),
            Err(StoreError::NotFound { .. }) => {
                unknown.push((
                    match change.kind {
                        MoveKind::Site => "site_id",
                        MoveKind::Module => "module_id",
                    },
                    format!("no such {}", change.kind.code()),
                ));
                None
            }
            Err(other) => return Err(other),
        };
        let (from, to) = (find(change.from_wave_id), find(change.to_wave_id));
        for (field, wave) in [("from_wave_id", from), ("to_wave_id", to)] {
            if wave.is_none() {
                unknown.push((field, "no such wave".to_owned()));
            }
        }
        let (Some(item), Some(from), Some(to)) = (item, from, to) else {
            let errors = unknown
                .into_iter()
                .map(|(f, m)| muster_domain::FieldError::new(f, m))
                .collect();
            return Err(StoreError::Invalid(Invalid(errors)));
        };
        change.check(from, to, &item).map_err(StoreError::Invalid)?;
        let (from_after, to_after) = change.moved_waves(from, to);

        let plan = self.plan_schedule(program_id, today).await?;
        let go_live_id = |wave| plan.go_lives().get(&wave).map(|&i| plan.tasks[i].id);
        let moved = plan_move(
            &plan.tasks,
            &plan.dependencies,
            change,
            &MoveWaves {
                from_name: &from.name,
                to_name: &to.name,
                from_go_live: go_live_id(from.id),
                to_go_live: go_live_id(to.id),
            },
        );
        let (tasks, dependencies) = moved.apply(&plan.tasks, &plan.dependencies, to.id);
        let after = compute_apart(
            plan.settings.clone(),
            plan.status_date,
            plan.calendars.clone(),
            tasks,
            dependencies,
        )
        .await?;
        let mut sites: Vec<i64> = from.site_ids.iter().chain(&to.site_ids).copied().collect();
        sites.sort_unstable();
        sites.dedup();
        let headcounts = self.site_headcounts(program_id, Some(&sites)).await?;
        let working_days = |a, b| plan.working_days(a, b);
        // A plan that could not be scheduled before the move is no news about the move.
        let error = after
            .error
            .clone()
            .filter(|_| plan.error.is_none())
            .or_else(|| {
                plan.error
                    .as_ref()
                    .map(|e| format!("the plan cannot be scheduled even before the move: {e}"))
            });
        let outcome = WhatIf {
            change,
            item,
            from: (from, &from_after),
            to: (to, &to_after),
            waves: &waves,
            headcounts: &headcounts,
            before: plan.scheduled_plan(&working_days),
            after: after.scheduled_plan(&working_days),
            plan_move: &moved,
            error,
            revision: plan.settings.revision,
        }
        .outcome();
        Ok(Prepared {
            outcome,
            plan_move: moved,
            from: (from.clone(), from_after),
            to: (to.clone(), to_after),
        })
    }

    /// The move's rows, inside the save's transaction.
    async fn write_move(
        &self,
        txn: &DatabaseTransaction,
        program_id: i64,
        p: &Prepared,
    ) -> StoreResult<()> {
        let backend = self.backend();
        let run = |sql: String, values: Vec<Value>| {
            let stmt = statement(backend, &sql, values);
            async move { txn.execute_raw(stmt).await.map(|r| r.rows_affected()) }
        };
        // The plan must still be the one the what-if read: this holds it (SQLite's write
        // lock, PostgreSQL's row lock) until the commit.
        let held = run(
            "UPDATE plan_settings SET revision = revision WHERE program_id = ? AND revision = ?"
                .into(),
            vec![program_id.into(), p.outcome.revision.into()],
        )
        .await?;
        if held != 1 {
            return Err(conflict(
                "revision",
                "the plan changed while the move was being prepared: look at it again",
            ));
        }
        let change = &p.outcome.change;
        let link = match change.kind {
            MoveKind::Site => Link::Sites,
            MoveKind::Module => Link::Modules,
        };
        let field = format!("{}_id", change.kind.code());
        let left = run(
            format!(
                "DELETE FROM {} WHERE wave_id = ? AND {} = ?",
                link.table(),
                link.column()
            ),
            vec![change.from_wave_id.into(), change.item_id.into()],
        )
        .await?;
        if left != 1 {
            return Err(conflict(
                &field,
                format!("{} has left {} meanwhile", p.outcome.item, p.from.0.name),
            ));
        }
        let already = match change.kind {
            MoveKind::Site => p.to.0.site_ids.contains(&change.item_id),
            MoveKind::Module => p.to.0.module_ids.contains(&change.item_id),
        };
        if !already {
            run(
                format!(
                    "INSERT INTO {} (program_id, wave_id, {}) VALUES (?, ?, ?)",
                    link.table(),
                    link.column()
                ),
                vec![
                    program_id.into(),
                    change.to_wave_id.into(),
                    change.item_id.into(),
                ],
            )
            .await
            .map_err(|e| match e.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => conflict(
                    &field,
                    format!("{} has joined {} meanwhile", p.outcome.item, p.to.0.name),
                ),
                _ => StoreError::Db(e),
            })?;
        }
        let now = Utc::now();
        let plan = &p.plan_move;
        for ids in plan.rewaved.chunks(500) {
            let mut values: Vec<Value> =
                vec![change.to_wave_id.into(), now.into(), program_id.into()];
            values.extend(ids.iter().map(|&id| Value::from(id)));
            run(
                format!(
                    "UPDATE plan_task SET wave_id = ?, updated_at = ? WHERE program_id = ? \
                     AND id IN ({})",
                    marks(ids.len())
                ),
                values,
            )
            .await?;
        }
        for r in &plan.reparented {
            run(
                "UPDATE plan_task SET parent_id = ?, updated_at = ? WHERE program_id = ? AND id = ?"
                    .into(),
                vec![
                    r.to_parent_id.into(),
                    now.into(),
                    program_id.into(),
                    r.task_id.into(),
                ],
            )
            .await?;
        }
        for ids in plan
            .dropped
            .iter()
            .map(|d| d.dependency_id)
            .collect::<Vec<_>>()
            .chunks(500)
        {
            let mut values: Vec<Value> = vec![program_id.into()];
            values.extend(ids.iter().map(|&id| Value::from(id)));
            run(
                format!(
                    "DELETE FROM plan_dependency WHERE program_id = ? AND id IN ({})",
                    marks(ids.len())
                ),
                values,
            )
            .await?;
        }
        for r in &plan.rewired {
            run(
                "UPDATE plan_dependency SET predecessor_id = ?, successor_id = ?, updated_at = ? \
                 WHERE program_id = ? AND id = ?"
                    .into(),
                vec![
                    r.now.0.into(),
                    r.now.1.into(),
                    now.into(),
                    program_id.into(),
                    r.dependency_id.into(),
                ],
            )
            .await?;
        }
        Ok(())
    }
}
