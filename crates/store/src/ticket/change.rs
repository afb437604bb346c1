//! Changing tickets: the workflow's outcome written with optimistic locking (a stale
//! version is refused, never overwritten), its history, and who is told. Also merging,
//! joining and change requests.

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::decision::{
    ChangeRequest, ChangeRequestSpec, ChangeStatus, UNASSIGNED_DECIDER, governing_right,
};
use muster_domain::ticket::workflow::{self, ChangeSpec, Context, Refusal};
use muster_domain::ticket::{EventKind, Status, Ticket, TicketSpec};
use muster_domain::{FieldError, Invalid};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use super::create::{NewTicket, add_event};
use super::{ENTITY, ticket_row};
use crate::Store;
use crate::audit::{Change, record};
use crate::entity::{change_request, ticket};
use crate::error::{StoreError, StoreResult};

fn refusal(r: Refusal, number: i64) -> StoreError {
    match r {
        Refusal::Forbidden(m) => StoreError::Refused(m),
        Refusal::Invalid(i) => StoreError::Invalid(i),
        Refusal::Stale { current } => StoreError::Conflict(Invalid(vec![FieldError::new(
            "version",
            format!(
                "ticket {number} was changed by someone else (now version {current}); reload it and make your change again"
            ),
        )])),
    }
}

impl Store {
    /// Applies `spec` to ticket `id`. `staff`: the caller works tickets (else they raised it).
    #[tracing::instrument(skip(self, change, spec))]
    pub async fn update_ticket(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: ChangeSpec,
        staff: bool,
    ) -> StoreResult<Ticket> {
        let program_id = change.program_id();
        let before = self.ticket(program_id, id).await?;
        if let Some(Some(account)) = spec.assignee {
            self.account_in_program(program_id, account, "assignee_account_id")
                .await?;
        }
        if let Some(Some(known)) = spec.known_issue_id {
            self.known_issue(program_id, known).await.map_err(|_| {
                StoreError::invalid("known_issue_id", format!("there is no known issue {known}"))
            })?;
        }
        let settings = self.command_center_settings(program_id).await?;
        let teams = self.support_teams_with_triage(change).await?;
        let policies = self.sla_policies(program_id).await?;
        let ctx = Context {
            now: Utc::now(),
            settings: &settings,
            policies: &policies,
            teams: &teams,
            staff,
        };
        let outcome =
            workflow::apply(&before, spec, &ctx).map_err(|r| refusal(r, before.number))?;
        let txn = self.db.begin().await?;
        self.save_ticket(&txn, &before, &outcome.ticket).await?;
        for (kind, detail) in &outcome.events {
            add_event(&txn, change, id, *kind, detail).await?;
        }
        record(
            &txn,
            change,
            ENTITY,
            id,
            AuditAction::Update,
            Some(&before),
            Some(&outcome.ticket),
        )
        .await?;
        if let Some((_, to)) = outcome.status_change {
            let mut message = format!(
                "Ticket {} ({}) is now {}",
                before.number,
                before.summary,
                to.label().to_lowercase()
            );
            if to == Status::Resolved {
                message.push_str(&format!(
                    ": {}",
                    outcome.ticket.resolution_note.clone().unwrap_or_default()
                ));
            }
            self.notify_requesters(&txn, change, &outcome.ticket, &message)
                .await?;
        }
        txn.commit().await?;
        Ok(outcome.ticket)
    }

    /// Writes `after` over `before` only if nobody changed the ticket in between.
    pub(crate) async fn save_ticket<C: ConnectionTrait>(
        &self,
        db: &C,
        before: &Ticket,
        after: &Ticket,
    ) -> StoreResult<()> {
        let mut row = ticket_row(0, after, None);
        row.id = NotSet;
        row.program_id = NotSet;
        row.idempotency_key = NotSet;
        let result = ticket::Entity::update_many()
            .set(row)
            .filter(ticket::Column::Id.eq(before.id))
            .filter(ticket::Column::Version.eq(before.version))
            .exec(db)
            .await?;
        if result.rows_affected == 0 {
            return Err(refusal(
                Refusal::Stale {
                    current: before.version + 1,
                },
                before.number,
            ));
        }
        Ok(())
    }

    /// Merges `duplicate_id` into `keeper_id`; both requesters are told and the duplicate's
    /// requester follows the keeper from now on.
    #[tracing::instrument(skip(self, change))]
    pub async fn merge_tickets(
        &self,
        change: &Change<'_>,
        duplicate_id: i64,
        keeper_id: i64,
    ) -> StoreResult<Ticket> {
        let program_id = change.program_id();
        let duplicate = self.ticket(program_id, duplicate_id).await?;
        let keeper = self
            .ticket(program_id, keeper_id)
            .await
            .map_err(|_| StoreError::invalid("into", format!("there is no ticket {keeper_id}")))?;
        workflow::check_merge(&duplicate, &keeper).map_err(|r| refusal(r, duplicate.number))?;
        let merged = workflow::merged(&duplicate, keeper.id, Utc::now());
        let txn = self.db.begin().await?;
        self.save_ticket(&txn, &duplicate, &merged).await?;
        add_event(
            &txn,
            change,
            duplicate.id,
            EventKind::Merged,
            &format!("merged into ticket {}", keeper.number),
        )
        .await?;
        add_event(
            &txn,
            change,
            keeper.id,
            EventKind::Joined,
            &format!(
                "{} (ticket {}) follows this ticket",
                duplicate.requester_name, duplicate.number
            ),
        )
        .await?;
        record(
            &txn,
            change,
            ENTITY,
            duplicate.id,
            AuditAction::Update,
            Some(&duplicate),
            Some(&merged),
        )
        .await?;
        let message = format!(
            "Ticket {} is the same issue as ticket {} ({}): it was merged and you will be told of its progress",
            duplicate.number, keeper.number, keeper.summary
        );
        if let Some(account) = duplicate.requester_account_id {
            self.notify(&txn, change, &[account], Some(duplicate.id), &message)
                .await?;
        }
        txn.commit().await?;
        Ok(merged)
    }

    /// "Me too": files a ticket for the caller that follows `keeper_id` instead of a duplicate.
    pub async fn join_ticket(
        &self,
        change: &Change<'_>,
        keeper_id: i64,
        contact: Option<String>,
    ) -> StoreResult<Ticket> {
        let keeper = self.ticket(change.program_id(), keeper_id).await?;
        if !keeper.status.is_open() {
            return Err(StoreError::invalid(
                "ticket",
                format!(
                    "ticket {} is {}; file a new ticket instead",
                    keeper.number,
                    keeper.status.label().to_lowercase()
                ),
            ));
        }
        let spec = TicketSpec {
            site_id: keeper.site_id,
            unit_id: None,
            job_role: None,
            module_id: keeper.module_id,
            workflow: keeper.workflow.clone(),
            summary: keeper.summary.clone(),
            what_happened: format!("Same issue as ticket {}.", keeper.number),
            expected: None,
            category: keeper.category,
            impact: keeper.impact,
            urgency: keeper.urgency,
            patient_safety: false,
            contact,
            requester_name: None,
        };
        let mine = self
            .create_ticket(
                change,
                NewTicket {
                    spec,
                    idempotency_key: Some(format!("join-{keeper_id}")),
                    attachments: Vec::new(),
                },
            )
            .await?;
        if mine.existed && mine.ticket.status == Status::Merged {
            return Ok(mine.ticket);
        }
        self.merge_tickets(change, mine.ticket.id, keeper_id).await
    }

    /// Raises a change request from ticket `ticket_id` (or none), routed to whoever holds
    /// the decision right for its module and kind.
    #[tracing::instrument(skip(self, change))]
    pub async fn create_change_request(
        &self,
        change: &Change<'_>,
        ticket_id: Option<i64>,
        spec: ChangeRequestSpec,
    ) -> StoreResult<ChangeRequest> {
        let program_id = change.program_id();
        let rights = self.decision_rights(program_id).await?;
        let right = governing_right(&rights, spec.module_id, spec.change_kind);
        self.check_change_request_route(program_id, &spec, right)
            .await?;
        let now = Utc::now();
        let row = change_request::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            ticket_id: Set(ticket_id),
            wave_id: Set(spec.wave_id),
            body_id: Set(right.and_then(|r| r.body_id)),
            module_id: Set(spec.module_id),
            change_kind: Set(spec.change_kind.code().into()),
            title: Set(spec.title),
            justification: Set(spec.justification),
            decision_right_id: Set(right.map(|r| r.id)),
            decider: Set(right.map_or(UNASSIGNED_DECIDER.to_owned(), |r| r.decider.clone())),
            status: Set(ChangeStatus::Pending.code().into()),
            decision_note: Set(None),
            decided_by: Set(None),
            decided_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let txn = self.db.begin().await?;
        let stored = row.insert(&txn).await?;
        let request = to_change_request(stored)?;
        record(
            &txn,
            change,
            "change_request",
            request.id,
            AuditAction::Create,
            None,
            Some(&request),
        )
        .await?;
        if let Some(ticket_id) = ticket_id {
            add_event(
                &txn,
                change,
                ticket_id,
                EventKind::ChangeRequest,
                &format!(
                    "change request {} raised: {} decides",
                    request.id, request.decider
                ),
            )
            .await?;
        }
        if let Some(account) = right.and_then(|r| r.decider_account_id) {
            self.notify(
                &txn,
                change,
                &[account],
                ticket_id,
                &format!("A change request awaits your decision: {}", request.title),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(request)
    }

    pub async fn change_request(&self, program_id: i64, id: i64) -> StoreResult<ChangeRequest> {
        let row = change_request::Entity::find_by_id(id)
            .filter(change_request::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found("change request", id))?;
        to_change_request(row)
    }

    /// Change requests of a ticket, or all of the program with `status`, newest first.
    pub async fn list_change_requests(
        &self,
        program_id: i64,
        ticket_id: Option<i64>,
        status: Option<ChangeStatus>,
    ) -> StoreResult<Vec<ChangeRequest>> {
        let filter = crate::change_request::ChangeRequestFilter {
            ticket_id,
            status,
            ..Default::default()
        };
        self.find_change_requests(program_id, &filter).await
    }

    /// Change requests by ticket, status, wave and body, newest first (at most 500).
    pub async fn find_change_requests(
        &self,
        program_id: i64,
        filter: &crate::change_request::ChangeRequestFilter,
    ) -> StoreResult<Vec<ChangeRequest>> {
        let mut query =
            change_request::Entity::find().filter(change_request::Column::ProgramId.eq(program_id));
        if let Some(t) = filter.ticket_id {
            query = query.filter(change_request::Column::TicketId.eq(t));
        }
        if let Some(s) = filter.status {
            query = query.filter(change_request::Column::Status.eq(s.code()));
        }
        if let Some(w) = filter.wave_id {
            query = query.filter(change_request::Column::WaveId.eq(w));
        }
        if let Some(b) = filter.body_id {
            query = query.filter(change_request::Column::BodyId.eq(b));
        }
        use sea_orm::QuerySelect;
        query
            .order_by_desc(change_request::Column::Id)
            .limit(500)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_change_request)
            .collect()
    }

    /// Records the decision on a pending change request; the ticket shows it.
    #[tracing::instrument(skip(self, change))]
    pub async fn decide_change_request(
        &self,
        change: &Change<'_>,
        id: i64,
        status: ChangeStatus,
        note: String,
        patient_impact: Option<String>,
    ) -> StoreResult<ChangeRequest> {
        let before = self.change_request(change.program_id(), id).await?;
        if before.status != ChangeStatus::Pending {
            return Err(StoreError::invalid(
                "status",
                format!(
                    "change request {id} was already {}",
                    before.status.label().to_lowercase()
                ),
            ));
        }
        let now = Utc::now();
        let row = change_request::ActiveModel {
            id: Set(id),
            status: Set(status.code().into()),
            decision_note: Set(Some(note.clone())),
            decided_by: Set(Some(change.actor.name.clone())),
            decided_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        };
        let txn = self.db.begin().await?;
        let after = to_change_request(row.update(&txn).await?)?;
        record(
            &txn,
            change,
            "change_request",
            id,
            AuditAction::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        if let Some(ticket_id) = before.ticket_id {
            add_event(
                &txn,
                change,
                ticket_id,
                EventKind::ChangeRequest,
                &format!(
                    "change request {id} {}: {note}",
                    status.label().to_lowercase()
                ),
            )
            .await?;
            let ticket = self.ticket(change.program_id(), ticket_id).await?;
            let message = format!(
                "The change requested on ticket {} was {}: {note}",
                ticket.number,
                status.label().to_lowercase()
            );
            self.notify_requesters(&txn, change, &ticket, &message)
                .await?;
        }
        if let Some(impact) = patient_impact {
            let entry = logged_decision(&after, &note, impact);
            let kind = after.decision_right_id.map(|_| after.change_kind);
            Store::insert_decision_in(&txn, change, entry, kind).await?;
        }
        txn.commit().await?;
        Ok(after)
    }
}

pub(crate) fn to_change_request(m: change_request::Model) -> StoreResult<ChangeRequest> {
    use muster_domain::decision::ChangeKind;
    Ok(ChangeRequest {
        id: m.id,
        ticket_id: m.ticket_id,
        wave_id: m.wave_id,
        body_id: m.body_id,
        module_id: m.module_id,
        change_kind: ChangeKind::parse(&m.change_kind).map_err(StoreError::Corrupt)?,
        title: m.title,
        justification: m.justification,
        decision_right_id: m.decision_right_id,
        decider: m.decider,
        status: ChangeStatus::parse(&m.status).map_err(StoreError::Corrupt)?,
        decision_note: m.decision_note,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
        created_at: m.created_at,
    })
}

/// The decision-log entry for a decided change request, linked to it and to its wave and
/// module.
fn logged_decision(
    request: &ChangeRequest,
    note: &str,
    patient_impact: String,
) -> muster_domain::decision_log::DecisionEntrySpec {
    use muster_domain::decision_log::{DecisionEntrySpec, DecisionLink, DecisionStatus, LinkKind};
    let mut links = vec![DecisionLink {
        kind: LinkKind::ChangeRequest,
        target_id: request.id,
    }];
    let mut also = |kind, id: Option<i64>| {
        if let Some(target_id) = id {
            links.push(DecisionLink { kind, target_id });
        }
    };
    also(LinkKind::Wave, request.wave_id);
    also(LinkKind::Module, request.module_id);
    also(LinkKind::Ticket, request.ticket_id);
    links.sort_by_key(|l| (l.kind, l.target_id));
    DecisionEntrySpec {
        question: format!("Change request {}: {}", request.id, request.title),
        options: vec![
            "Approve".into(),
            "Reject (stay with the standard build)".into(),
            "Defer".into(),
        ],
        decision: Some(format!("{}: {note}", request.status.label())),
        rationale: Some(note.to_owned()),
        patient_impact,
        body_id: request.body_id,
        decision_right_id: request.body_id.and(request.decision_right_id),
        decided_on: Some(Utc::now().date_naive()),
        dissent: None,
        status: DecisionStatus::Decided,
        links,
    }
}
