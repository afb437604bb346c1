//! Tickets: intake through a batching writer (`create`), changes with optimistic locking
//! (`change`), the sweeper that records breaches and escalates (`sweep`), notifications
//! (`notify`) and the command center's figures (`board`).

mod board;
mod change;
mod create;
mod notify;
mod search_index;
mod sweep;

use chrono::{DateTime, Utc};
use muster_domain::access::Scope;
use muster_domain::paging::{Cursor, Page};
use muster_domain::person::JobRole;
use muster_domain::ticket::sla::Timers;
use muster_domain::ticket::{
    Attachment, Category, EventKind, Impact, Priority, ResolutionCode, Similar, Status, Ticket,
    TicketEvent, Urgency,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};

use crate::Store;
use crate::attachment::TICKET_FILES;
use crate::entity::{support_team, ticket, ticket_event};
use crate::error::{StoreError, StoreResult};

pub use crate::attachment::NewAttachment;
pub use board::{DayFigures, HourFigures, Huddle, Summary, Tally, VendorScore, WaitingTicket};
pub use create::{Created, NewTicket, TicketWriter};
pub use notify::{Mail, Notification};
pub use search_index::SEARCH_LAG;
pub(crate) use search_index::index_new_tickets;
pub use sweep::SweepReport;

pub(crate) const ENTITY: &str = "ticket";

pub(crate) fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

pub(crate) fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn parse<T>(raw: &str, f: fn(&str) -> Result<T, String>) -> StoreResult<T> {
    f(raw).map_err(StoreError::Corrupt)
}

pub(crate) fn to_ticket(m: ticket::Model, now: DateTime<Utc>) -> StoreResult<Ticket> {
    let timers = Timers {
        response_due_at: at(m.response_due_at),
        resolve_due_at: at(m.resolve_due_at),
        paused_at: m.paused_at.map(at),
        responded_at: m.responded_at.map(at),
        resolved_at: m.resolved_at.map(at),
        response_breached: m.response_breached,
        resolve_breached: m.resolve_breached,
    };
    Ok(Ticket {
        id: m.id,
        number: m.number,
        requester_account_id: m.requester_account_id,
        requester_name: m.requester_name,
        contact: m.contact,
        site_id: m.site_id,
        unit_id: m.unit_id,
        job_role: m
            .job_role
            .as_deref()
            .map(|r| parse(r, JobRole::parse))
            .transpose()?,
        module_id: m.module_id,
        workflow: m.workflow,
        summary: m.summary,
        what_happened: m.what_happened,
        expected: m.expected,
        category: parse(&m.category, Category::parse)?,
        impact: parse(&m.impact, Impact::parse)?,
        urgency: parse(&m.urgency, Urgency::parse)?,
        priority: parse(&m.priority, Priority::parse)?,
        patient_safety: m.patient_safety,
        status: parse(&m.status, Status::parse)?,
        team_id: m.team_id,
        assignee_account_id: m.assignee_account_id,
        escalation_level: m.escalation_level,
        known_issue_id: m.known_issue_id,
        merged_into_id: m.merged_into_id,
        resolution_code: m
            .resolution_code
            .as_deref()
            .map(|c| parse(c, ResolutionCode::parse))
            .transpose()?,
        resolution_note: m.resolution_note,
        reopen_count: m.reopen_count,
        version: m.version,
        opened_at: at(m.opened_at),
        team_since_at: at(m.team_since_at),
        responded_at: m.responded_at.map(at),
        resolved_at: m.resolved_at.map(at),
        closed_at: m.closed_at.map(at),
        updated_at: at(m.updated_at),
        sla: timers.read(now),
        timers,
    })
}

/// The stored row of `t` (for updates: every field the workflow may change).
pub(crate) fn ticket_row(
    program_id: i64,
    t: &Ticket,
    idempotency_key: Option<String>,
) -> ticket::ActiveModel {
    use sea_orm::ActiveValue::Set;
    ticket::ActiveModel {
        id: if t.id == 0 {
            sea_orm::ActiveValue::NotSet
        } else {
            Set(t.id)
        },
        program_id: Set(program_id),
        number: Set(t.number),
        requester_account_id: Set(t.requester_account_id),
        requester_name: Set(t.requester_name.clone()),
        contact: Set(t.contact.clone()),
        site_id: Set(t.site_id),
        unit_id: Set(t.unit_id),
        job_role: Set(t.job_role.map(|r| r.code().to_owned())),
        module_id: Set(t.module_id),
        workflow: Set(t.workflow.clone()),
        summary: Set(t.summary.clone()),
        what_happened: Set(t.what_happened.clone()),
        expected: Set(t.expected.clone()),
        category: Set(t.category.code().into()),
        impact: Set(t.impact.code().into()),
        urgency: Set(t.urgency.code().into()),
        priority: Set(t.priority.code().into()),
        patient_safety: Set(t.patient_safety),
        status: Set(t.status.code().into()),
        team_id: Set(t.team_id),
        assignee_account_id: Set(t.assignee_account_id),
        escalation_level: Set(t.escalation_level),
        known_issue_id: Set(t.known_issue_id),
        merged_into_id: Set(t.merged_into_id),
        resolution_code: Set(t.resolution_code.map(|c| c.code().to_owned())),
        resolution_note: Set(t.resolution_note.clone()),
        reopen_count: Set(t.reopen_count),
        version: Set(t.version),
        idempotency_key: Set(idempotency_key),
        opened_at: Set(secs(t.opened_at)),
        team_since_at: Set(secs(t.team_since_at)),
        responded_at: Set(t.timers.responded_at.map(secs)),
        resolved_at: Set(t.resolved_at.map(secs)),
        closed_at: Set(t.closed_at.map(secs)),
        response_due_at: Set(secs(t.timers.response_due_at)),
        resolve_due_at: Set(secs(t.timers.resolve_due_at)),
        paused_at: Set(t.timers.paused_at.map(secs)),
        response_breached: Set(t.timers.response_breached),
        resolve_breached: Set(t.timers.resolve_breached),
        updated_at: Set(secs(t.updated_at)),
    }
}

/// List filters; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketFilter {
    pub statuses: Vec<Status>,
    pub site_id: Option<i64>,
    pub team_id: Option<i64>,
    pub module_id: Option<i64>,
    pub priority: Option<Priority>,
    pub category: Option<Category>,
    pub requester_account_id: Option<i64>,
    pub assignee_account_id: Option<i64>,
    pub known_issue_id: Option<i64>,
    /// Only tickets whose resolution SLA is breached (recorded or running over).
    pub breached: bool,
    /// Full-text search over summary and what happened.
    pub search: Option<String>,
}

/// Words for a full-text query: letters and digits only, at least 3 characters, at most 12.
pub(crate) fn search_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect();
    words.dedup();
    words.truncate(12);
    words
}

const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "not", "but", "with", "when", "was", "are", "can", "cannot", "this",
    "that", "from", "have", "has", "its", "into", "out", "all", "any", "you", "our",
];

impl Store {
    pub async fn ticket(&self, program_id: i64, id: i64) -> StoreResult<Ticket> {
        let row = ticket::Entity::find_by_id(id)
            .filter(ticket::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        to_ticket(row, Utc::now())
    }

    /// The ticket people quote by number.
    pub async fn ticket_by_number(&self, program_id: i64, number: i64) -> StoreResult<Ticket> {
        let row = ticket::Entity::find()
            .filter(ticket::Column::ProgramId.eq(program_id))
            .filter(ticket::Column::Number.eq(number))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, format!("number {number}")))?;
        to_ticket(row, Utc::now())
    }

    /// Published known issues a ticket may be linked to: (id, title), newest first.
    pub async fn linkable_known_issues(&self, program_id: i64) -> StoreResult<Vec<(i64, String)>> {
        use crate::entity::known_issue;
        Ok(known_issue::Entity::find()
            .select_only()
            .columns([known_issue::Column::Id, known_issue::Column::Title])
            .filter(known_issue::Column::ProgramId.eq(program_id))
            .filter(known_issue::Column::Status.eq("published"))
            .order_by_desc(known_issue::Column::Id)
            .limit(200)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// The organization of each vendor team, for placing tickets in the access policy.
    pub async fn team_organization(&self, team_id: i64) -> StoreResult<Option<String>> {
        Ok(support_team::Entity::find_by_id(team_id)
            .one(&self.db)
            .await?
            .and_then(|t| t.organization))
    }

    /// Tickets newest first, as far as `scope` lets the caller see.
    #[tracing::instrument(skip(self))]
    pub async fn list_tickets(
        &self,
        program_id: i64,
        scope: &Scope,
        filter: &TicketFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Ticket>> {
        use ticket::Column as C;
        let mut query = ticket::Entity::find().filter(C::ProgramId.eq(program_id));
        match scope {
            Scope::Nothing => {
                return Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                    total: 0,
                });
            }
            Scope::Everything => {}
            Scope::Sites(ids) => query = query.filter(C::SiteId.is_in(ids.clone())),
            Scope::Own(account) => query = query.filter(C::RequesterAccountId.eq(*account)),
            Scope::Organization(org) => {
                let teams: Vec<i64> = support_team::Entity::find()
                    .filter(support_team::Column::ProgramId.eq(program_id))
                    .filter(support_team::Column::Organization.eq(org.as_str()))
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|t| t.id)
                    .collect();
                query = query.filter(C::TeamId.is_in(teams));
            }
        }
        if !filter.statuses.is_empty() {
            query = query.filter(C::Status.is_in(filter.statuses.iter().map(|s| s.code())));
        }
        let eq = |q: sea_orm::Select<ticket::Entity>, col: C, v: Option<i64>| match v {
            Some(v) => q.filter(col.eq(v)),
            None => q,
        };
        query = eq(query, C::SiteId, filter.site_id);
        query = eq(query, C::TeamId, filter.team_id);
        query = eq(query, C::ModuleId, filter.module_id);
        query = eq(query, C::RequesterAccountId, filter.requester_account_id);
        query = eq(query, C::AssigneeAccountId, filter.assignee_account_id);
        query = eq(query, C::KnownIssueId, filter.known_issue_id);
        if let Some(p) = filter.priority {
            query = query.filter(C::Priority.eq(p.code()));
        }
        if let Some(c) = filter.category {
            query = query.filter(C::Category.eq(c.code()));
        }
        if filter.breached {
            let now = secs(Utc::now());
            query = query.filter(
                Condition::any().add(C::ResolveBreached.eq(true)).add(
                    Condition::all()
                        .add(C::ResolvedAt.is_null())
                        .add(C::PausedAt.is_null())
                        .add(C::ResolveDueAt.lt(now))
                        .add(C::Status.is_in(Status::OPEN.iter().map(|s| s.code()))),
                ),
            );
        }
        if let Some(text) = &filter.search {
            let ids = self.search_ticket_ids(program_id, text, 2_000).await?;
            query = query.filter(C::Id.is_in(ids));
        }
        let total = query.clone().count(&self.db).await?;
        if let Some(c) = cursor {
            query = query.filter(C::Id.lt(c.id));
        }
        let rows = query
            .order_by_desc(C::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let now = Utc::now();
        let items = rows
            .into_iter()
            .map(|m| to_ticket(m, now))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(crate::paging::page(items, limit, total, |t| {
            (String::new(), t.id)
        }))
    }

    /// Ids of the program's tickets matching `text`, best first.
    async fn search_ticket_ids(
        &self,
        program_id: i64,
        text: &str,
        limit: i64,
    ) -> StoreResult<Vec<i64>> {
        let words = search_words(text);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, query) = match self.backend() {
            crate::Backend::Sqlite => (
                "SELECT t.id AS id FROM ticket_fts f JOIN ticket t ON t.id = f.rowid \
                 WHERE ticket_fts MATCH ? AND t.program_id = ? ORDER BY bm25(ticket_fts) LIMIT ?",
                words
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(" OR "),
            ),
            crate::Backend::Postgres => (
                "SELECT id FROM ticket WHERE search @@ to_tsquery('english', ?) AND program_id = ? \
                 ORDER BY ts_rank(search, to_tsquery('english', ?)) DESC LIMIT ?",
                words.join(" | "),
            ),
        };
        let mut values: Vec<sea_orm::Value> = vec![query.clone().into(), program_id.into()];
        if self.backend() == crate::Backend::Postgres {
            values.push(query.into());
        }
        values.push(limit.into());
        #[derive(sea_orm::FromQueryResult)]
        struct Row {
            id: i64,
        }
        use sea_orm::FromQueryResult;
        Ok(
            Row::find_by_statement(crate::raw::statement(self.backend(), sql, values))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect(),
        )
    }

    /// Open tickets and published known issues that look like `text`: known issues first.
    #[tracing::instrument(skip(self))]
    pub async fn similar(
        &self,
        program_id: i64,
        scope: &Scope,
        text: &str,
        limit: usize,
    ) -> StoreResult<Vec<Similar>> {
        let words = search_words(text);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = self.similar_known_issues(program_id, &words, limit).await?;
        let ids = self.search_ticket_ids(program_id, text, 200).await?;
        if !ids.is_empty() {
            let mut query = ticket::Entity::find()
                .filter(ticket::Column::ProgramId.eq(program_id))
                .filter(ticket::Column::Id.is_in(ids.clone()))
                .filter(ticket::Column::Status.is_in(Status::OPEN.iter().map(|s| s.code())));
            if let Scope::Sites(sites) = scope {
                query = query.filter(ticket::Column::SiteId.is_in(sites.clone()));
            }
            let rows = query.all(&self.db).await?;
            let mut rows: Vec<_> = rows
                .into_iter()
                .map(|r| (ids.iter().position(|i| *i == r.id).unwrap_or(usize::MAX), r))
                .collect();
            rows.sort_by_key(|(rank, _)| *rank);
            out.extend(rows.into_iter().take(limit).map(|(_, r)| Similar {
                kind: "ticket",
                id: r.id,
                number: r.number,
                title: r.summary,
                status: r.status,
                workaround: None,
            }));
        }
        Ok(out)
    }

    async fn similar_known_issues(
        &self,
        program_id: i64,
        words: &[String],
        limit: usize,
    ) -> StoreResult<Vec<Similar>> {
        let (sql, query) = match self.backend() {
            crate::Backend::Sqlite => (
                "SELECT k.id AS id, k.title AS title, k.workaround AS workaround FROM known_issue_fts f \
                 JOIN known_issue k ON k.id = f.rowid WHERE known_issue_fts MATCH ? AND k.program_id = ? \
                 AND k.status = 'published' ORDER BY bm25(known_issue_fts) LIMIT ?",
                words
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(" OR "),
            ),
            crate::Backend::Postgres => (
                "SELECT id, title, workaround FROM known_issue WHERE search @@ to_tsquery('english', ?) \
                 AND program_id = ? AND status = 'published' ORDER BY id DESC LIMIT ?",
                words.join(" | "),
            ),
        };
        #[derive(sea_orm::FromQueryResult)]
        struct Row {
            id: i64,
            title: String,
            workaround: String,
        }
        use sea_orm::FromQueryResult;
        let values = vec![query.into(), program_id.into(), (limit as i64).into()];
        Ok(
            Row::find_by_statement(crate::raw::statement(self.backend(), sql, values))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|r| Similar {
                    kind: "known_issue",
                    id: r.id,
                    number: 0,
                    title: r.title,
                    status: "published".into(),
                    workaround: Some(r.workaround),
                })
                .collect(),
        )
    }

    /// A ticket's history, oldest first.
    pub async fn ticket_events(
        &self,
        program_id: i64,
        ticket_id: i64,
    ) -> StoreResult<Vec<TicketEvent>> {
        ticket_event::Entity::find()
            .filter(ticket_event::Column::ProgramId.eq(program_id))
            .filter(ticket_event::Column::TicketId.eq(ticket_id))
            .order_by_asc(ticket_event::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| {
                Ok(TicketEvent {
                    id: e.id,
                    ticket_id: e.ticket_id,
                    at: at(e.at),
                    actor: e.actor,
                    kind: parse(&e.kind, EventKind::parse)?,
                    detail: e.detail,
                })
            })
            .collect()
    }

    pub async fn ticket_attachments(
        &self,
        program_id: i64,
        ticket_id: i64,
    ) -> StoreResult<Vec<Attachment>> {
        Ok(TICKET_FILES
            .list(&self.db, program_id, &[ticket_id])
            .await?
            .into_iter()
            .map(|(ticket_id, file)| Attachment { ticket_id, file })
            .collect())
    }

    /// One attachment with its bytes.
    pub async fn ticket_attachment(
        &self,
        program_id: i64,
        ticket_id: i64,
        id: i64,
    ) -> StoreResult<(Attachment, Vec<u8>)> {
        let (file, bytes) = TICKET_FILES
            .read(&self.db, program_id, ticket_id, id)
            .await?;
        Ok((Attachment { ticket_id, file }, bytes))
    }

    /// The newest ticket number of the program (0 before the first ticket).
    pub async fn newest_ticket_number(&self, program_id: i64) -> StoreResult<i64> {
        self.last_ticket_number(&self.db, program_id).await
    }

    pub(crate) async fn last_ticket_number(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        program_id: i64,
    ) -> StoreResult<i64> {
        let max: Option<Option<i64>> = ticket::Entity::find()
            .select_only()
            .expr(sea_orm::sea_query::Func::max(Expr::col(
                ticket::Column::Number,
            )))
            .filter(ticket::Column::ProgramId.eq(program_id))
            .into_tuple()
            .one(db)
            .await?;
        Ok(max.flatten().unwrap_or(0))
    }
}
