//! Ticket intake. Go-live is a load spike, and SQLite has one writer: every new ticket goes
//! through one task that takes whatever has queued up and writes it in one transaction
//! (group commit), so throughput grows with load instead of collapsing into lock waits.
//! A double submission with the same idempotency key returns the ticket already made.

use chrono::Utc;
use muster_domain::access::Actor;
use muster_domain::audit::{AuditAction, Via};
use muster_domain::command_center::Settings;
use muster_domain::support_team::SupportTeam;
use muster_domain::ticket::sla::{self, SlaPolicy, Timers};
use muster_domain::ticket::triage::route;
use muster_domain::ticket::{EventKind, Status, Ticket, TicketSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use super::{secs, ticket_row, to_ticket};
use crate::Store;
use crate::audit::{Change, record};
use crate::entity::{module, site, ticket, ticket_attachment, ticket_event, unit};
use crate::error::{StoreError, StoreResult};

/// Most tickets written in one transaction.
const BATCH: usize = 512;

pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

pub struct NewTicket {
    pub spec: TicketSpec,
    /// A client's key for this submission: the same key again returns the same ticket.
    pub idempotency_key: Option<String>,
    pub attachments: Vec<NewAttachment>,
}

#[derive(Debug)]
pub struct Created {
    pub ticket: Ticket,
    /// The key had been used: this is the ticket made the first time.
    pub existed: bool,
}

struct Job {
    actor: Actor,
    via: Via,
    new: NewTicket,
    reply: oneshot::Sender<StoreResult<Created>>,
}

/// The handle to the intake task.
#[derive(Clone)]
pub struct TicketWriter {
    jobs: mpsc::Sender<Job>,
}

impl TicketWriter {
    fn start(store: Store) -> Self {
        let (jobs, mut rx) = mpsc::channel::<Job>(4 * BATCH);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            while rx.recv_many(&mut batch, BATCH).await > 0 {
                store.write_batch(std::mem::take(&mut batch)).await;
            }
        });
        TicketWriter { jobs }
    }
}

/// What a batch needs to know about a program.
struct Rules {
    settings: Settings,
    teams: Vec<SupportTeam>,
    policies: Vec<SlaPolicy>,
}

impl Store {
    /// Files a new ticket: checks where it is placed, then queues it for the intake task.
    #[tracing::instrument(skip(self, change, new))]
    pub async fn create_ticket(&self, change: &Change<'_>, new: NewTicket) -> StoreResult<Created> {
        self.check_ticket_place(change.program_id(), &new.spec)
            .await?;
        let writer = self
            .writer
            .get_or_init(|| async { TicketWriter::start(self.clone()) })
            .await;
        let (reply, answer) = oneshot::channel();
        let job = Job {
            actor: change.actor.clone(),
            via: change.via,
            new,
            reply,
        };
        writer
            .jobs
            .send(job)
            .await
            .map_err(|_| StoreError::Corrupt("the ticket intake task has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Corrupt("the ticket intake task dropped a ticket".into()))?
    }

    /// The site, unit and module exist in the program and the unit is at the site.
    async fn check_ticket_place(&self, program_id: i64, spec: &TicketSpec) -> StoreResult<()> {
        let site = site::Entity::find_by_id(spec.site_id)
            .filter(site::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?;
        if site.is_none() {
            return Err(StoreError::invalid(
                "site_id",
                format!("there is no site {}", spec.site_id),
            ));
        }
        if let Some(unit_id) = spec.unit_id {
            let unit = unit::Entity::find_by_id(unit_id).one(&self.db).await?;
            if unit.is_none_or(|u| u.site_id != spec.site_id) {
                return Err(StoreError::invalid(
                    "unit_id",
                    format!("unit {unit_id} is not a unit of that site"),
                ));
            }
        }
        if let Some(module_id) = spec.module_id {
            let module = module::Entity::find_by_id(module_id)
                .filter(module::Column::ProgramId.eq(program_id))
                .one(&self.db)
                .await?;
            if module.is_none() {
                return Err(StoreError::invalid(
                    "module_id",
                    format!("there is no module {module_id}"),
                ));
            }
        }
        Ok(())
    }

    async fn rules(&self, change: &Change<'_>) -> StoreResult<Rules> {
        Ok(Rules {
            settings: self.command_center_settings(change.program_id()).await?,
            teams: self.support_teams_with_triage(change).await?,
            policies: self.sla_policies(change.program_id()).await?,
        })
    }

    /// Writes a batch in one transaction; if any ticket fails, each is retried alone so
    /// that one bad ticket does not sink the others.
    async fn write_batch(&self, jobs: Vec<Job>) {
        match self.try_batch(&jobs).await {
            Ok(results) => {
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(Ok(result));
                }
            }
            Err(_) => {
                for job in jobs {
                    let result = self.try_batch(std::slice::from_ref(&job)).await;
                    let _ = job.reply.send(result.map(|mut r| r.remove(0)));
                }
            }
        }
    }

    async fn try_batch(&self, jobs: &[Job]) -> StoreResult<Vec<Created>> {
        let mut rules: Vec<(i64, Rules)> = Vec::new();
        for job in jobs {
            let program = job.actor.program_id;
            if !rules.iter().any(|(p, _)| *p == program) {
                let change = Change::new(&job.actor, job.via);
                rules.push((program, self.rules(&change).await?));
            }
        }
        let txn = self.db.begin().await?;
        let mut numbers: Vec<(i64, i64)> = Vec::new();
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            let program = job.actor.program_id;
            let number = match numbers.iter_mut().find(|(p, _)| *p == program) {
                Some((_, n)) => n,
                None => {
                    let last = self.last_ticket_number(&txn, program).await?;
                    numbers.push((program, last));
                    &mut numbers.last_mut().expect("pushed").1
                }
            };
            let rules = &rules.iter().find(|(p, _)| *p == program).expect("loaded").1;
            let created = insert_one(&txn, job, rules, *number + 1).await?;
            if !created.existed {
                *number += 1;
            }
            out.push(created);
        }
        txn.commit().await?;
        Ok(out)
    }
}

async fn insert_one<C: ConnectionTrait>(
    db: &C,
    job: &Job,
    rules: &Rules,
    number: i64,
) -> StoreResult<Created> {
    let actor = &job.actor;
    let now = Utc::now();
    if let Some(key) = &job.new.idempotency_key {
        let existing = ticket::Entity::find()
            .filter(ticket::Column::ProgramId.eq(actor.program_id))
            .filter(match actor.account_id {
                Some(id) => ticket::Column::RequesterAccountId.eq(id),
                None => ticket::Column::RequesterAccountId.is_null(),
            })
            .filter(ticket::Column::IdempotencyKey.eq(key.as_str()))
            .one(db)
            .await?;
        if let Some(row) = existing {
            return Ok(Created {
                ticket: to_ticket(row, now)?,
                existed: true,
            });
        }
    }
    let spec = &job.new.spec;
    let priority =
        rules
            .settings
            .priority_matrix
            .priority(spec.impact, spec.urgency, spec.patient_safety);
    let team_id = route(&rules.teams, spec.category, spec.module_id)
        .ok_or_else(|| StoreError::Corrupt("the program has no triage queue".into()))?;
    let timers = Timers::start(now, sla::targets(&rules.policies, priority));
    let draft = Ticket {
        id: 0,
        number,
        requester_account_id: actor.account_id,
        requester_name: spec
            .requester_name
            .clone()
            .unwrap_or_else(|| actor.name.clone()),
        contact: spec.contact.clone(),
        site_id: spec.site_id,
        unit_id: spec.unit_id,
        job_role: spec.job_role,
        module_id: spec.module_id,
        workflow: spec.workflow.clone(),
        summary: spec.summary.clone(),
        what_happened: spec.what_happened.clone(),
        expected: spec.expected.clone(),
        category: spec.category,
        impact: spec.impact,
        urgency: spec.urgency,
        priority,
        patient_safety: spec.patient_safety,
        status: Status::New,
        team_id,
        assignee_account_id: None,
        escalation_level: 0,
        known_issue_id: None,
        merged_into_id: None,
        resolution_code: None,
        resolution_note: None,
        reopen_count: 0,
        version: 1,
        opened_at: now,
        team_since_at: now,
        responded_at: None,
        resolved_at: None,
        closed_at: None,
        updated_at: now,
        sla: timers.read(now),
        timers,
    };
    let stored = ticket_row(actor.program_id, &draft, job.new.idempotency_key.clone())
        .insert(db)
        .await?;
    let ticket = to_ticket(stored, now)?;
    let change = Change::new(actor, job.via);
    let mut detail = format!(
        "{} filed ticket {} ({})",
        ticket.requester_name,
        ticket.number,
        ticket.priority.label()
    );
    if ticket.patient_safety {
        detail.push_str(", patient-safety flag raised");
    }
    add_event(db, &change, ticket.id, EventKind::Created, &detail).await?;
    for file in &job.new.attachments {
        ticket_attachment::ActiveModel {
            id: NotSet,
            program_id: Set(actor.program_id),
            ticket_id: Set(ticket.id),
            file_name: Set(file.file_name.clone()),
            content_type: Set(file.content_type.clone()),
            size: Set(file.data.len() as i64),
            data: Set(file.data.clone()),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
        add_event(
            db,
            &change,
            ticket.id,
            EventKind::Attachment,
            &file.file_name,
        )
        .await?;
    }
    record(
        db,
        &change,
        super::ENTITY,
        ticket.id,
        AuditAction::Create,
        None,
        Some(&ticket),
    )
    .await?;
    Ok(Created {
        ticket,
        existed: false,
    })
}

/// Appends one entry to a ticket's history.
pub(crate) async fn add_event<C: ConnectionTrait>(
    db: &C,
    change: &Change<'_>,
    ticket_id: i64,
    kind: EventKind,
    detail: &str,
) -> StoreResult<()> {
    ticket_event::Entity::insert(ticket_event::ActiveModel {
        id: NotSet,
        program_id: Set(change.program_id()),
        ticket_id: Set(ticket_id),
        at: Set(secs(Utc::now())),
        actor_account_id: Set(change.actor.account_id),
        actor: Set(change.actor.name.clone()),
        kind: Set(kind.code().into()),
        detail: Set(detail.to_owned()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

impl Store {
    /// Adds files to an existing ticket, each noted in its history.
    pub async fn add_attachments(
        &self,
        change: &Change<'_>,
        ticket_id: i64,
        files: Vec<NewAttachment>,
    ) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        for file in files {
            add_event(
                &txn,
                change,
                ticket_id,
                EventKind::Attachment,
                &file.file_name,
            )
            .await?;
            ticket_attachment::ActiveModel {
                id: NotSet,
                program_id: Set(change.program_id()),
                ticket_id: Set(ticket_id),
                file_name: Set(file.file_name),
                content_type: Set(file.content_type),
                size: Set(file.data.len() as i64),
                data: Set(file.data),
                created_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
