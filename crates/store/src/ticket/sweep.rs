//! The sweeper: records SLA breaches as they happen, escalates by the rules, and closes
//! resolved tickets whose reopen window has passed. Runs every few seconds; `now` is a
//! parameter so that tests can move time.

use chrono::{DateTime, Duration, Utc};
use muster_domain::access::Actor;
use muster_domain::audit::{AuditAction, Via};
use muster_domain::support_team::TeamKind;
use muster_domain::ticket::{EventKind, Status, Ticket, escalation};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use super::create::add_event;
use super::{ENTITY, secs, to_ticket};
use crate::Store;
use crate::audit::{Change, record};
use crate::entity::{program, ticket};
use crate::error::StoreResult;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub breaches: usize,
    pub escalations: usize,
    pub closed: usize,
}

impl Store {
    /// Sweeps every program.
    pub async fn sweep_all(&self, now: DateTime<Utc>) -> StoreResult<SweepReport> {
        let programs = program::Entity::find().all(&self.db).await?;
        let mut total = SweepReport::default();
        for p in programs {
            let r = self.sweep(p.program_id, now).await?;
            total.breaches += r.breaches;
            total.escalations += r.escalations;
            total.closed += r.closed;
        }
        Ok(total)
    }

    #[tracing::instrument(skip(self))]
    pub async fn sweep(&self, program_id: i64, now: DateTime<Utc>) -> StoreResult<SweepReport> {
        let actor = Actor::rules(program_id);
        let change = Change::new(&actor, Via::Rule);
        let settings = self.command_center_settings(program_id).await?;
        let teams = self.support_teams_with_triage(&change).await?;
        let mut report = SweepReport::default();
        let open = ticket::Entity::find()
            .filter(ticket::Column::ProgramId.eq(program_id))
            .filter(ticket::Column::Status.is_in(Status::OPEN.iter().map(|s| s.code())))
            .all(&self.db)
            .await?;
        for row in open {
            let before = to_ticket(row, now)?;
            let mut after = before.clone();
            let mut events = Vec::new();
            let (response, resolve) = before.timers.new_breaches(now);
            if response {
                after.timers.response_breached = true;
                events.push((
                    EventKind::Breached,
                    format!("no response within the {} target", before.priority.label()),
                ));
            }
            if resolve {
                after.timers.resolve_breached = true;
                events.push((
                    EventKind::Breached,
                    format!("not resolved within the {} target", before.priority.label()),
                ));
            }
            report.breaches += usize::from(response) + usize::from(resolve);
            let team = teams.iter().find(|t| t.id == before.team_id);
            let in_triage = team.is_some_and(|t| t.kind == TeamKind::Triage);
            let (level, reasons) = escalation::level(&before, now, &settings, in_triage);
            let mut tell = Vec::new();
            if level > before.escalation_level {
                after.escalation_level = level;
                report.escalations += 1;
                let (to, whom) = if level >= 2 {
                    (settings.lead_account_id, "the command center lead")
                } else {
                    (team.and_then(|t| t.lead_account_id), "the team lead")
                };
                events.push((
                    EventKind::Escalated,
                    format!("raised to {whom}: {}", reasons.join("; ")),
                ));
                tell.extend(to);
                if level >= 2 {
                    tell.extend(team.and_then(|t| t.lead_account_id));
                }
            }
            if events.is_empty() {
                continue;
            }
            after.version += 1;
            after.updated_at = now;
            let txn = self.db.begin().await?;
            match self.save_ticket(&txn, &before, &after).await {
                Ok(()) => {}
                // Someone changed it meanwhile: the next sweep looks again.
                Err(crate::StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
            for (kind, detail) in &events {
                add_event(&txn, &change, before.id, *kind, detail).await?;
            }
            record(
                &txn,
                &change,
                ENTITY,
                before.id,
                AuditAction::Update,
                Some(&before),
                Some(&after),
            )
            .await?;
            let message = format!(
                "Ticket {} ({}, {}): {}",
                before.number,
                before.summary,
                before.priority.label(),
                events
                    .iter()
                    .map(|(_, d)| d.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            self.notify(&txn, &change, &tell, Some(before.id), &message)
                .await?;
            txn.commit().await?;
        }
        report.closed = self
            .close_expired(&change, now, Duration::hours(settings.reopen_window_hours))
            .await?;
        Ok(report)
    }

    /// Closes resolved tickets that can no longer be reopened.
    async fn close_expired(
        &self,
        change: &Change<'_>,
        now: DateTime<Utc>,
        window: Duration,
    ) -> StoreResult<usize> {
        let rows = ticket::Entity::find()
            .filter(ticket::Column::ProgramId.eq(change.program_id()))
            .filter(ticket::Column::Status.eq(Status::Resolved.code()))
            .filter(ticket::Column::ResolvedAt.lt(secs(now - window)))
            .all(&self.db)
            .await?;
        let mut closed = 0;
        for row in rows {
            let before: Ticket = to_ticket(row, now)?;
            let mut after = before.clone();
            after.status = Status::Closed;
            after.closed_at = Some(now);
            after.version += 1;
            after.updated_at = now;
            let txn = self.db.begin().await?;
            if self.save_ticket(&txn, &before, &after).await.is_err() {
                continue;
            }
            add_event(
                &txn,
                change,
                before.id,
                EventKind::Status,
                "Resolved → Closed: the reopen window has passed",
            )
            .await?;
            record(
                &txn,
                change,
                ENTITY,
                before.id,
                AuditAction::Update,
                Some(&before),
                Some(&after),
            )
            .await?;
            txn.commit().await?;
            closed += 1;
        }
        Ok(closed)
    }
}
