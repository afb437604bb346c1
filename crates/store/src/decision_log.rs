//! The decision log: decisions with their options, rationale, patient impact, dissent and
//! links to what they affect; searched by text (LIKE over a lower-case copy of the text
//! fields, measured in docs/performance.md) and filtered by body, status, kind and date.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use muster_domain::access::{Actor, Scope, Subject};
use muster_domain::decision::ChangeKind;
use muster_domain::decision_log::{
    DecisionEntry, DecisionEntrySpec, DecisionLink, DecisionStatus, LinkKind, PendingDecision,
};
use muster_domain::governance::GovernanceBody;
use muster_domain::paging::{Cursor, Page};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Value,
};

use crate::audit::Change;
use crate::entity::decision;
use crate::error::{StoreError, StoreResult};
use crate::raw::{backend_of, marks, statement};
use crate::{Store, paging};

pub(crate) const ENTITY: &str = "decision";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecisionFilter {
    /// Words that must all appear in the question, decision, rationale or patient impact.
    pub text: Option<String>,
    pub body_id: Option<i64>,
    pub status: Option<DecisionStatus>,
    pub right_kind: Option<ChangeKind>,
    pub decided_from: Option<NaiveDate>,
    pub decided_to: Option<NaiveDate>,
    /// Only decisions linked to this record.
    pub linked: Option<(LinkKind, i64)>,
}

fn to_entry(
    m: decision::Model,
    links: Vec<DecisionLink>,
    body_name: Option<String>,
) -> StoreResult<DecisionEntry> {
    Ok(DecisionEntry {
        body_name,
        id: m.id,
        question: m.question,
        options: m
            .options
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        decision: m.decision,
        rationale: m.rationale,
        patient_impact: m.patient_impact,
        body_id: m.body_id,
        decision_right_id: m.decision_right_id,
        right_kind: m
            .right_kind
            .map(|k| ChangeKind::parse(&k))
            .transpose()
            .map_err(StoreError::Corrupt)?,
        decided_on: m.decided_on,
        dissent: m.dissent,
        status: DecisionStatus::parse(&m.status).map_err(StoreError::Corrupt)?,
        links,
        created_at: m.created_at,
    })
}

#[derive(FromQueryResult)]
struct LinkRow {
    decision_id: i64,
    kind: String,
    target_id: i64,
}

/// The links of decisions `ids`, by decision.
async fn links_of<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<DecisionLink>>> {
    let mut out: HashMap<i64, Vec<DecisionLink>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT decision_id, kind, target_id FROM decision_link WHERE decision_id IN ({}) \
             ORDER BY decision_id, kind, target_id",
            marks(chunk.len())
        );
        let values = chunk.iter().map(|&i| Value::from(i)).collect();
        for r in LinkRow::find_by_statement(statement(backend_of(db), &sql, values))
            .all(db)
            .await?
        {
            let kind = LinkKind::parse(&r.kind).map_err(StoreError::Corrupt)?;
            out.entry(r.decision_id).or_default().push(DecisionLink {
                kind,
                target_id: r.target_id,
            });
        }
    }
    Ok(out)
}

/// The names of bodies `ids`.
async fn body_names<C: ConnectionTrait>(db: &C, ids: &[i64]) -> StoreResult<HashMap<i64, String>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
        name: String,
    }
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT id, name FROM governance_body WHERE id IN ({})",
        marks(ids.len())
    );
    let values = ids.iter().map(|&i| Value::from(i)).collect();
    Ok(
        Row::find_by_statement(statement(backend_of(db), &sql, values))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect(),
    )
}

async fn to_entries<C: ConnectionTrait>(
    db: &C,
    rows: Vec<decision::Model>,
) -> StoreResult<Vec<DecisionEntry>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut links = links_of(db, &ids).await?;
    let mut bodies: Vec<i64> = rows.iter().filter_map(|r| r.body_id).collect();
    bodies.sort_unstable();
    bodies.dedup();
    let names = body_names(db, &bodies).await?;
    rows.into_iter()
        .map(|m| {
            let own = links.remove(&m.id).unwrap_or_default();
            let name = m.body_id.and_then(|b| names.get(&b).cloned());
            to_entry(m, own, name)
        })
        .collect()
}

/// Replaces decision `id`'s links with `links`.
async fn write_links(
    txn: &DatabaseTransaction,
    program_id: i64,
    id: i64,
    links: &[DecisionLink],
) -> StoreResult<()> {
    let backend = backend_of(txn);
    txn.execute_raw(statement(
        backend,
        "DELETE FROM decision_link WHERE decision_id = ?",
        vec![id.into()],
    ))
    .await?;
    for chunk in links.chunks(300) {
        let sql = format!(
            "INSERT INTO decision_link (program_id, decision_id, kind, target_id) VALUES {}",
            vec!["(?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let values = chunk
            .iter()
            .flat_map(|l| {
                [
                    program_id.into(),
                    id.into(),
                    l.kind.code().into(),
                    l.target_id.into(),
                ]
            })
            .collect();
        txn.execute_raw(statement(backend, &sql, values)).await?;
    }
    Ok(())
}

fn link_table(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Wave => "wave",
        LinkKind::Site => "site",
        LinkKind::Module => "module",
        LinkKind::Task => "plan_task",
        LinkKind::ChangeRequest => "change_request",
        LinkKind::Ticket => "ticket",
    }
}

fn decision_row(
    program_id: i64,
    spec: &DecisionEntrySpec,
    right_kind: Option<ChangeKind>,
    now: chrono::DateTime<Utc>,
) -> decision::ActiveModel {
    decision::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        question: Set(spec.question.clone()),
        options: Set(spec.options.join("\n")),
        decision: Set(spec.decision.clone()),
        rationale: Set(spec.rationale.clone()),
        patient_impact: Set(spec.patient_impact.clone()),
        body_id: Set(spec.body_id),
        decision_right_id: Set(spec.decision_right_id),
        right_kind: Set(right_kind.map(|k| k.code().to_owned())),
        decided_on: Set(spec.decided_on),
        dissent: Set(spec.dissent.clone()),
        status: Set(spec.status.code().into()),
        search_text: Set(spec.search_text()),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// `text` as LIKE patterns, one per word, with LIKE's wildcards escaped by `!`.
fn like_patterns(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            let escaped = w
                .to_lowercase()
                .replace('!', "!!")
                .replace('%', "!%")
                .replace('_', "!_");
            format!("%{escaped}%")
        })
        .collect()
}

impl Store {
    /// May `actor` decide for `body`: the domain's rule (`Actor::may_decide_for`) with the
    /// membership read here (the account's email is a member's).
    pub async fn may_decide_for_body(
        &self,
        actor: &Actor,
        body: &GovernanceBody,
    ) -> StoreResult<()> {
        let member = self
            .bodies_of_email(actor.program_id, &actor.email)
            .await?
            .contains(&body.id);
        actor
            .may_decide_for(&body.name, member)
            .map_err(StoreError::Refused)
    }

    /// The body exists, holds the right the spec names, and `actor` may decide for it; the
    /// linked records exist. Returns the right's kind.
    async fn check_decision(
        &self,
        actor: &Actor,
        spec: &DecisionEntrySpec,
    ) -> StoreResult<Option<ChangeKind>> {
        let program_id = actor.program_id;
        let body = match spec.body_id {
            Some(id) => Some(self.check_body_choice(program_id, "body_id", id).await?),
            None => None,
        };
        let mut kind = None;
        if let Some(right_id) = spec.decision_right_id {
            let right = self
                .decision_right(program_id, right_id)
                .await
                .map_err(|_| {
                    StoreError::invalid(
                        "decision_right_id",
                        format!("there is no decision right {right_id}"),
                    )
                })?;
            let Some(body) = &body else {
                return Err(StoreError::invalid(
                    "body_id",
                    "name the body that decided under this right",
                ));
            };
            if right.body_id != Some(body.id) {
                return Err(StoreError::invalid(
                    "decision_right_id",
                    format!(
                        "{} does not hold this right ({} changes): {} does",
                        body.name,
                        right.change_kind.label().to_lowercase(),
                        right.decider
                    ),
                ));
            }
            kind = Some(right.change_kind);
        }
        if let (Some(body), DecisionStatus::Decided) = (&body, spec.status) {
            self.may_decide_for_body(actor, body).await?;
        }
        self.check_links(program_id, &spec.links).await?;
        Ok(kind)
    }

    async fn check_links(&self, program_id: i64, links: &[DecisionLink]) -> StoreResult<()> {
        #[derive(FromQueryResult)]
        struct Id {
            id: i64,
        }
        for kind in LinkKind::ALL.iter().copied() {
            let ids: Vec<i64> = links
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| l.target_id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT id FROM {} WHERE program_id = ? AND id IN ({})",
                link_table(kind),
                marks(ids.len())
            );
            let mut values: Vec<Value> = vec![program_id.into()];
            values.extend(ids.iter().map(|&i| Value::from(i)));
            let found: Vec<i64> = Id::find_by_statement(statement(self.backend(), &sql, values))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect();
            if let Some(missing) = ids.iter().find(|i| !found.contains(i)) {
                return Err(StoreError::invalid(
                    DecisionEntrySpec::link_field(kind),
                    format!("there is no {} {missing}", kind.label().to_lowercase()),
                ));
            }
        }
        Ok(())
    }

    /// Decisions, newest first, a page at a time.
    #[tracing::instrument(skip(self))]
    pub async fn list_decisions(
        &self,
        program_id: i64,
        filter: &DecisionFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<DecisionEntry>> {
        use decision::Column as C;
        let mut query = decision::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(text) = filter.text.as_deref() {
            for pattern in like_patterns(text) {
                let like = sea_orm::sea_query::LikeExpr::new(pattern).escape('!');
                query = query.filter(C::SearchText.like(like));
            }
        }
        if let Some(body) = filter.body_id {
            query = query.filter(C::BodyId.eq(body));
        }
        if let Some(status) = filter.status {
            query = query.filter(C::Status.eq(status.code()));
        }
        if let Some(kind) = filter.right_kind {
            query = query.filter(C::RightKind.eq(kind.code()));
        }
        if let Some(from) = filter.decided_from {
            query = query.filter(C::DecidedOn.gte(from));
        }
        if let Some(to) = filter.decided_to {
            query = query.filter(C::DecidedOn.lte(to));
        }
        if let Some((kind, target)) = filter.linked {
            query = query
                .filter(C::Id.is_in(self.linked_decision_ids(program_id, kind, target).await?));
        }
        let total = query.clone().count(&self.db).await?;
        if let Some(c) = cursor {
            query = query.filter(Condition::all().add(C::Id.lt(c.id)));
        }
        let rows = query
            .order_by_desc(C::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let items = to_entries(&self.db, rows).await?;
        Ok(paging::page(items, limit, total, |d| (String::new(), d.id)))
    }

    /// The decisions linked to one record (an index lookup on the link table).
    async fn linked_decision_ids(
        &self,
        program_id: i64,
        kind: LinkKind,
        target: i64,
    ) -> StoreResult<Vec<i64>> {
        #[derive(FromQueryResult)]
        struct Row {
            decision_id: i64,
        }
        let sql = "SELECT decision_id FROM decision_link WHERE program_id = ? AND kind = ? \
                   AND target_id = ?";
        Ok(Row::find_by_statement(statement(
            self.backend(),
            sql,
            vec![program_id.into(), kind.code().into(), target.into()],
        ))
        .all(&self.db)
        .await?
        .into_iter()
        .map(|r| r.decision_id)
        .collect())
    }

    pub async fn decision_entry(&self, program_id: i64, id: i64) -> StoreResult<DecisionEntry> {
        let row = decision::Entity::find_by_id(id)
            .filter(decision::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        Ok(to_entries(&self.db, vec![row]).await?.remove(0))
    }

    /// Decisions linked to one record (a change request's, a wave's), newest first.
    pub async fn decisions_linked_to(
        &self,
        program_id: i64,
        kind: LinkKind,
        target_id: i64,
    ) -> StoreResult<Vec<DecisionEntry>> {
        let filter = DecisionFilter {
            linked: Some((kind, target_id)),
            ..Default::default()
        };
        Ok(self
            .list_decisions(program_id, &filter, None, 100)
            .await?
            .items)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_decision(
        &self,
        change: &Change<'_>,
        spec: DecisionEntrySpec,
    ) -> StoreResult<DecisionEntry> {
        let kind = self.check_decision(change.actor, &spec).await?;
        let program_id = change.program_id();
        let row = decision_row(program_id, &spec, kind, Utc::now());
        let links = spec.links;
        self.insert_then(
            change,
            ENTITY,
            row,
            &[],
            move |txn, stored| {
                Box::pin(async move {
                    write_links(txn, program_id, stored.id, &links).await?;
                    Ok(to_entries(txn, vec![stored]).await?.remove(0))
                })
            },
            |d| d.id,
        )
        .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_decision(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: DecisionEntrySpec,
    ) -> StoreResult<DecisionEntry> {
        let program_id = change.program_id();
        let before = self.decision_entry(program_id, id).await?;
        let kind = self.check_decision(change.actor, &spec).await?;
        let row = decision::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..decision_row(program_id, &spec, kind, Utc::now())
        };
        let links = spec.links;
        self.update_then(change, ENTITY, id, &before, row, &[], move |txn, stored| {
            Box::pin(async move {
                write_links(txn, program_id, id, &links).await?;
                Ok(to_entries(txn, vec![stored]).await?.remove(0))
            })
        })
        .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_decision(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.decision_entry(change.program_id(), id).await?;
        let first = vec![statement(
            self.backend(),
            "DELETE FROM decision_link WHERE decision_id = ?",
            vec![id.into()],
        )];
        self.delete_audited_after::<decision::Entity, _>(change, ENTITY, id, &before, first)
            .await
    }

    /// Inserts a decision inside another write's transaction (a change request's decision
    /// entered in the log), with its links and audit entry.
    pub(crate) async fn insert_decision_in(
        txn: &DatabaseTransaction,
        change: &Change<'_>,
        spec: DecisionEntrySpec,
        right_kind: Option<ChangeKind>,
    ) -> StoreResult<DecisionEntry> {
        let program_id = change.program_id();
        let stored = decision_row(program_id, &spec, right_kind, Utc::now())
            .insert(txn)
            .await?;
        write_links(txn, program_id, stored.id, &spec.links).await?;
        let entry = to_entries(txn, vec![stored]).await?.remove(0);
        crate::audit::record(
            txn,
            change,
            ENTITY,
            entry.id,
            muster_domain::audit::AuditAction::Create,
            None,
            Some(&entry),
        )
        .await?;
        Ok(entry)
    }

    /// What awaits a governance decision, oldest first: open questions in the log and
    /// change requests pending, each with the body before it. For the program dashboard.
    #[tracing::instrument(skip(self, actor))]
    pub async fn pending_decisions(
        &self,
        actor: &Actor,
        limit: u64,
    ) -> StoreResult<Vec<PendingDecision>> {
        #[derive(FromQueryResult)]
        struct Row {
            id: i64,
            title: String,
            body_id: Option<i64>,
            body: Option<String>,
            since: chrono::DateTime<Utc>,
        }
        // Each list reads its (program, status, created_at) index, oldest first.
        let lists = [
            (
                Subject::Decision,
                "decision",
                "SELECT d.id, d.question AS title, d.body_id, b.name AS body, \
                 d.created_at AS since FROM decision d \
                 LEFT JOIN governance_body b ON b.id = d.body_id \
                 WHERE d.program_id = ? AND d.status = 'open' \
                 ORDER BY d.created_at, d.id LIMIT ?",
            ),
            (
                Subject::ChangeRequest,
                "change_request",
                "SELECT c.id, c.title, c.body_id, c.decider AS body, \
                 c.created_at AS since FROM change_request c \
                 WHERE c.program_id = ? AND c.status = 'pending' \
                 ORDER BY c.created_at, c.id LIMIT ?",
            ),
        ];
        let mut out = Vec::new();
        for (subject, kind, sql) in lists {
            if actor.read_scope(subject) == Scope::Nothing {
                continue;
            }
            let values = vec![actor.program_id.into(), (limit.min(1_000) as i64).into()];
            let rows = Row::find_by_statement(statement(self.backend(), sql, values))
                .all(&self.db)
                .await?;
            out.extend(rows.into_iter().map(|r| PendingDecision {
                kind,
                id: r.id,
                title: r.title,
                body_id: r.body_id,
                body: r.body.unwrap_or_else(|| "No body named yet".into()),
                since: r.since,
            }));
        }
        out.sort_by_key(|p| (p.since, p.kind, p.id));
        out.truncate(limit as usize);
        Ok(out)
    }
}
