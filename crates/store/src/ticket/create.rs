//! Ticket intake. Go-live is a load spike, and SQLite has one writer: every new ticket goes
//! through one task that takes whatever has queued up and writes it in one transaction
//! (group commit), so throughput grows with load instead of collapsing into lock waits.
//! A double submission with the same idempotency key returns the ticket already made.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use chrono::{DateTime, Utc};
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::command_center::Settings;
use muster_domain::support_team::SupportTeam;
use muster_domain::ticket::sla::{self, SlaPolicy, Timers};
use muster_domain::ticket::triage::route;
use muster_domain::ticket::{EventKind, Status, Ticket, TicketSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use super::search_index::{SEARCH_LAG, index_new_tickets};
use super::{secs, ticket_row, to_ticket};
use crate::Store;
use crate::attachment::{NewAttachment, TICKET_FILES};
use crate::audit::{Change, INTAKE_RULES_CHANGED, record_created};
use crate::entity::{module, site, ticket, ticket_event, unit};
use crate::error::{StoreError, StoreResult};

/// Most tickets written in one transaction.
const BATCH: usize = 512;

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
            // When new tickets were last indexed for search, and whether any wait since.
            let mut indexed = Instant::now()
                .checked_sub(SEARCH_LAG)
                .unwrap_or_else(Instant::now);
            let mut waiting = false;
            let mut rules = RulesCache::default();
            loop {
                let due = indexed + SEARCH_LAG;
                let received = tokio::select! {
                    n = rx.recv_many(&mut batch, BATCH) => n,
                    _ = tokio::time::sleep_until(due.into()), if waiting => {
                        match store.index_new_tickets().await {
                            Ok(()) => waiting = false,
                            Err(e) => tracing::warn!(error = %e, "indexing new tickets failed"),
                        }
                        indexed = Instant::now();
                        continue;
                    }
                };
                if received == 0 {
                    break;
                }
                let index = Instant::now() >= due;
                store
                    .write_batch(std::mem::take(&mut batch), &mut rules, index)
                    .await;
                if index {
                    indexed = Instant::now();
                }
                waiting = !index;
            }
        });
        TicketWriter { jobs }
    }
}

/// What intake needs to know about a program: its thresholds, teams, SLA policies and
/// places. Kept by the intake task between batches and reloaded when any of them is written
/// (`audit::INTAKE_RULES_CHANGED`), or after `RULES_TTL` (another server process may have
/// written them).
struct Rules {
    settings: Settings,
    teams: Vec<SupportTeam>,
    policies: Vec<SlaPolicy>,
    places: Places,
}

const RULES_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// The intake task's rules per program, with the write count and time they were loaded at.
#[derive(Default)]
struct RulesCache(HashMap<i64, (u64, Instant, Arc<Rules>)>);

/// A batch's view of one program: its rules and the idempotency keys already used.
struct Prepared {
    program_id: i64,
    rules: Arc<Rules>,
    /// (requester, key) -> the ticket filed with it.
    used_keys: HashMap<(Option<i64>, String), ticket::Model>,
}

/// The program's sites, its units (with their site) and its modules.
struct Places {
    sites: HashSet<i64>,
    units: HashMap<i64, i64>,
    modules: HashSet<i64>,
}

impl Places {
    async fn load<C: ConnectionTrait>(db: &C, program_id: i64) -> StoreResult<Self> {
        let sites = site::Entity::find()
            .select_only()
            .column(site::Column::Id)
            .filter(site::Column::ProgramId.eq(program_id))
            .into_tuple::<i64>()
            .all(db)
            .await?;
        let units = unit::Entity::find()
            .select_only()
            .columns([unit::Column::Id, unit::Column::SiteId])
            .filter(unit::Column::ProgramId.eq(program_id))
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?;
        let modules = module::Entity::find()
            .select_only()
            .column(module::Column::Id)
            .filter(module::Column::ProgramId.eq(program_id))
            .into_tuple::<i64>()
            .all(db)
            .await?;
        Ok(Places {
            sites: sites.into_iter().collect(),
            units: units.into_iter().collect(),
            modules: modules.into_iter().collect(),
        })
    }

    /// The site, unit and module exist in the program and the unit is at the site.
    fn check(&self, spec: &TicketSpec) -> StoreResult<()> {
        if !self.sites.contains(&spec.site_id) {
            return Err(StoreError::invalid(
                "site_id",
                format!("there is no site {}", spec.site_id),
            ));
        }
        if let Some(unit_id) = spec.unit_id
            && self.units.get(&unit_id) != Some(&spec.site_id)
        {
            return Err(StoreError::invalid(
                "unit_id",
                format!("unit {unit_id} is not a unit of that site"),
            ));
        }
        if let Some(module_id) = spec.module_id
            && !self.modules.contains(&module_id)
        {
            return Err(StoreError::invalid(
                "module_id",
                format!("there is no module {module_id}"),
            ));
        }
        Ok(())
    }
}

impl Store {
    /// Files a new ticket: queues it for the intake task and waits for its outcome.
    #[tracing::instrument(skip(self, change, new))]
    pub async fn create_ticket(&self, change: &Change<'_>, new: NewTicket) -> StoreResult<Created> {
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

    /// Writes a batch in one transaction; if the transaction fails, each ticket is retried
    /// alone so that one bad ticket does not sink the others.
    async fn write_batch(&self, jobs: Vec<Job>, rules: &mut RulesCache, index: bool) {
        match self.try_batch(&jobs, rules, index).await {
            Ok(results) => {
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(e) if jobs.len() == 1 => {
                let job = jobs.into_iter().next().expect("one job");
                let _ = job.reply.send(Err(e));
            }
            Err(_) => {
                for job in jobs {
                    let result = match self
                        .try_batch(std::slice::from_ref(&job), rules, index)
                        .await
                    {
                        Ok(mut one) => one.remove(0),
                        Err(e) => Err(e),
                    };
                    let _ = job.reply.send(result);
                }
            }
        }
    }

    /// Each program's tickets in the batch: a handful of reads, then one transaction with
    /// one multi-row INSERT each for the tickets, their history and their audit entries.
    /// A ticket refused for its own reasons (an unknown site) does not fail the others.
    /// With `index`, everything new is also indexed for search (see `search_index`).
    async fn try_batch(
        &self,
        jobs: &[Job],
        rules: &mut RulesCache,
        index: bool,
    ) -> StoreResult<Vec<StoreResult<Created>>> {
        let programs: BTreeSet<i64> = jobs.iter().map(|j| j.actor.program_id).collect();
        let mut prepared = Vec::with_capacity(programs.len());
        for program_id in programs {
            let group: Vec<&Job> = jobs
                .iter()
                .filter(|j| j.actor.program_id == program_id)
                .collect();
            prepared.push(self.prepare(program_id, &group, rules).await?);
        }
        let now = Utc::now();
        let mut out: Vec<Option<StoreResult<Created>>> = jobs.iter().map(|_| None).collect();
        let txn = self.intake_db.begin().await?;
        for p in &prepared {
            let mut number = self.last_ticket_number(&txn, p.program_id).await?;
            // Tickets to insert, as (job index, ticket); and repeats of a key within the batch.
            let mut fresh: Vec<(usize, Ticket)> = Vec::new();
            let mut repeats: Vec<(usize, usize)> = Vec::new();
            for (i, job) in jobs.iter().enumerate() {
                if job.actor.program_id != p.program_id {
                    continue;
                }
                if let Err(e) = p.rules.places.check(&job.new.spec) {
                    out[i] = Some(Err(e));
                    continue;
                }
                if let Some(key) = &job.new.idempotency_key {
                    let owner = (job.actor.account_id, key.clone());
                    if let Some(row) = p.used_keys.get(&owner) {
                        out[i] = Some(to_ticket(row.clone(), now).map(|ticket| Created {
                            ticket,
                            existed: true,
                        }));
                        continue;
                    }
                    let first = fresh.iter().position(|(f, _)| {
                        let other = &jobs[*f];
                        other.actor.account_id == job.actor.account_id
                            && other.new.idempotency_key.as_ref() == Some(key)
                    });
                    if let Some(first) = first {
                        repeats.push((i, first));
                        continue;
                    }
                }
                number += 1;
                fresh.push((i, p.draft(job, number, now)?));
            }
            let stored = insert_tickets(&txn, p.program_id, jobs, &fresh, now).await?;
            for (&(i, _), ticket) in fresh.iter().zip(&stored) {
                out[i] = Some(Ok(Created {
                    ticket: ticket.clone(),
                    existed: false,
                }));
            }
            for (i, first) in repeats {
                out[i] = Some(Ok(Created {
                    ticket: stored[first].clone(),
                    existed: true,
                }));
            }
        }
        if index {
            index_new_tickets(&txn, self.backend()).await?;
        }
        txn.commit().await?;
        Ok(out
            .into_iter()
            .map(|r| r.expect("every job has an outcome"))
            .collect())
    }

    async fn prepare(
        &self,
        program_id: i64,
        group: &[&Job],
        cache: &mut RulesCache,
    ) -> StoreResult<Prepared> {
        let keys: BTreeSet<&str> = group
            .iter()
            .filter_map(|j| j.new.idempotency_key.as_deref())
            .collect();
        let used_keys = if keys.is_empty() {
            HashMap::new()
        } else {
            ticket::Entity::find()
                .filter(ticket::Column::ProgramId.eq(program_id))
                .filter(ticket::Column::IdempotencyKey.is_in(keys))
                .all(&self.intake_db)
                .await?
                .into_iter()
                .filter_map(|row| {
                    let key = row.idempotency_key.clone()?;
                    Some(((row.requester_account_id, key), row))
                })
                .collect()
        };
        let written = INTAKE_RULES_CHANGED.load(Ordering::SeqCst);
        let rules = match cache.0.get(&program_id) {
            Some((seen, at, rules)) if *seen == written && at.elapsed() < RULES_TTL => {
                rules.clone()
            }
            _ => {
                let change = Change::new(&group[0].actor, group[0].via);
                let rules = Arc::new(Rules {
                    settings: self.command_center_settings(program_id).await?,
                    teams: self.support_teams_with_triage(&change).await?,
                    policies: self.sla_policies(program_id).await?,
                    places: Places::load(&self.intake_db, program_id).await?,
                });
                // Counted before loading: a write that lands meanwhile reloads next time.
                cache
                    .0
                    .insert(program_id, (written, Instant::now(), rules.clone()));
                rules
            }
        };
        Ok(Prepared {
            program_id,
            rules,
            used_keys,
        })
    }
}

impl Prepared {
    /// The new ticket as triage and the SLA policies make it.
    fn draft(&self, job: &Job, number: i64, now: DateTime<Utc>) -> StoreResult<Ticket> {
        let (actor, spec) = (&job.actor, &job.new.spec);
        let priority = self.rules.settings.priority_matrix.priority(
            spec.impact,
            spec.urgency,
            spec.patient_safety,
        );
        let team_id = route(&self.rules.teams, spec.category, spec.module_id)
            .ok_or_else(|| StoreError::Corrupt("the program has no triage queue".into()))?;
        let timers = Timers::start(now, sla::targets(&self.rules.policies, priority));
        Ok(Ticket {
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
        })
    }
}

/// Inserts a program's new tickets with one statement each for the tickets, their
/// attachments, their history and their audit entries; returns them as stored, in order.
async fn insert_tickets<C: ConnectionTrait>(
    db: &C,
    program_id: i64,
    jobs: &[Job],
    fresh: &[(usize, Ticket)],
    now: DateTime<Utc>,
) -> StoreResult<Vec<Ticket>> {
    let (Some((_, first)), Some((_, last))) = (fresh.first(), fresh.last()) else {
        return Ok(Vec::new());
    };
    let rows = fresh
        .iter()
        .map(|(i, t)| ticket_row(program_id, t, jobs[*i].new.idempotency_key.clone()));
    ticket::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    let stored: Vec<Ticket> = ticket::Entity::find()
        .filter(ticket::Column::ProgramId.eq(program_id))
        .filter(ticket::Column::Number.between(first.number, last.number))
        .order_by_asc(ticket::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .map(|row| to_ticket(row, now))
        .collect::<StoreResult<_>>()?;
    if stored.len() != fresh.len() {
        return Err(StoreError::Corrupt(format!(
            "{} tickets written but {} found",
            fresh.len(),
            stored.len()
        )));
    }
    let mut events = Vec::with_capacity(stored.len());
    for ((i, _), ticket) in fresh.iter().zip(&stored) {
        let job = &jobs[*i];
        let change = Change::new(&job.actor, job.via);
        let mut detail = format!(
            "{} filed ticket {} ({})",
            ticket.requester_name,
            ticket.number,
            ticket.priority.label()
        );
        if ticket.patient_safety {
            detail.push_str(", patient-safety flag raised");
        }
        events.push(event_row(&change, ticket.id, EventKind::Created, &detail));
        for file in &job.new.attachments {
            events.push(event_row(
                &change,
                ticket.id,
                EventKind::Attachment,
                &file.file_name,
            ));
        }
    }
    ticket_event::Entity::insert_many(events)
        .exec_without_returning(db)
        .await?;
    for ((i, _), ticket) in fresh.iter().zip(&stored) {
        let job = &jobs[*i];
        let change = Change::new(&job.actor, job.via);
        TICKET_FILES
            .insert_all(db, &change, ticket.id, &job.new.attachments)
            .await?;
    }
    record_created(
        db,
        super::ENTITY,
        fresh.iter().zip(&stored).map(|((i, _), ticket)| {
            let job = &jobs[*i];
            (Change::new(&job.actor, job.via), ticket.id, ticket)
        }),
    )
    .await?;
    Ok(stored)
}

fn event_row(
    change: &Change<'_>,
    ticket_id: i64,
    kind: EventKind,
    detail: &str,
) -> ticket_event::ActiveModel {
    ticket_event::ActiveModel {
        id: NotSet,
        program_id: Set(change.program_id()),
        ticket_id: Set(ticket_id),
        at: Set(secs(Utc::now())),
        actor_account_id: Set(change.actor.account_id),
        actor: Set(change.actor.name.clone()),
        kind: Set(kind.code().into()),
        detail: Set(detail.to_owned()),
    }
}

/// Appends one entry to a ticket's history.
pub(crate) async fn add_event<C: ConnectionTrait>(
    db: &C,
    change: &Change<'_>,
    ticket_id: i64,
    kind: EventKind,
    detail: &str,
) -> StoreResult<()> {
    ticket_event::Entity::insert(event_row(change, ticket_id, kind, detail))
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
            TICKET_FILES.insert(&txn, change, ticket_id, &file).await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
