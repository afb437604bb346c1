//! Known issues in pages and the API: the board every signed-in user reads before filing a
//! ticket, with each issue's workaround and the tickets linked to it.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Scope, Subject};
use muster_domain::known_issue::{KnownIssue, KnownIssueDraft, KnownIssueSpec, KnownIssueStatus};
use muster_domain::paging::{Cursor, Page};
use muster_domain::ticket::Status;
use muster_store::known_issue::KnownIssueFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, choice_options, filter_id, filter_value, given,
};

pub struct KnownIssues;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct KnownIssueQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

const ALL_MODULES: &str = "Any module";

fn status_text(k: &KnownIssue) -> String {
    match k.retired_at {
        Some(at) => format!("{} {}", k.status.label(), at.format("%Y-%m-%d")),
        None => k.status.label().to_owned(),
    }
}

impl Resource for KnownIssues {
    const SUBJECT: Subject = Subject::KnownIssue;
    const PATH: &'static str = "known-issues";
    const SINGULAR: &'static str = "known issue";
    const TITLE: &'static str = "Known issues";
    type Item = KnownIssue;
    type Draft = KnownIssueDraft;
    type Spec = KnownIssueSpec;
    type Query = KnownIssueQuery;

    fn id(item: &KnownIssue) -> i64 {
        item.id
    }
    fn label(item: &KnownIssue) -> String {
        item.title.clone()
    }
    fn parse(draft: KnownIssueDraft) -> Result<KnownIssueSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: KnownIssueDraft, base: KnownIssueDraft) -> KnownIssueDraft {
        patch.over(base)
    }
    fn place(_: &KnownIssue) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a KnownIssueSpec, _: Option<&'a KnownIssue>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &KnownIssueQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<KnownIssue>> {
        let filter = KnownIssueFilter {
            status: filter_value("status", &query.status, KnownIssueStatus::parse)?,
            module_id: filter_id("module_id", &query.module_id)?,
            search: given(&query.q).map(str::to_owned),
        };
        store
            .list_known_issues(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<KnownIssue> {
        store.known_issue(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: KnownIssueSpec,
    ) -> StoreResult<KnownIssue> {
        store.create_known_issue(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: KnownIssueSpec,
    ) -> StoreResult<KnownIssue> {
        store.update_known_issue(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_known_issue(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("status", "published or retired"),
            ("module_id", "only this module's issues"),
            ("q", "title, symptoms or workaround containing this text"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Known issue",
            "Module",
            "Status",
            "Linked tickets",
            "Published",
        ]
    }
    fn cells(k: &KnownIssue, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&k.title, format!("/known-issues/{}", k.id)),
            lookup.module_cell(k.module_id, ALL_MODULES),
            Cell::text(status_text(k)),
            Cell::text(k.linked_tickets.to_string()),
            Cell::text(k.created_at.format("%Y-%m-%d").to_string()),
        ]
    }
    fn facts(k: &KnownIssue, lookup: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Symptoms",
                value: Cell::text(&k.symptoms),
            },
            Fact {
                label: "Workaround",
                value: Cell::text(&k.workaround),
            },
            Fact {
                label: "Module",
                value: lookup.module_cell(k.module_id, ALL_MODULES),
            },
            Fact {
                label: "Status",
                value: Cell::text(status_text(k)),
            },
            Fact {
                label: "Published",
                value: Cell::text(k.created_at.format("%Y-%m-%d %H:%M UTC").to_string()),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &KnownIssueDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new("title", "Title", FieldKind::Text, d.title.as_deref()).required(),
            Field::new(
                "symptoms",
                "Symptoms",
                FieldKind::TextArea,
                d.symptoms.as_deref(),
            )
            .required()
            .help("What users see when they meet it"),
            Field::new(
                "workaround",
                "Workaround",
                FieldKind::TextArea,
                d.workaround.as_deref(),
            )
            .required()
            .help("What to do meanwhile"),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some(ALL_MODULES))),
                d.module_id.as_deref(),
            ),
            Field::new(
                "status",
                "Status",
                FieldKind::Select(choice_options(
                    KnownIssueStatus::ALL,
                    KnownIssueStatus::code,
                    KnownIssueStatus::label,
                    None,
                )),
                d.status.as_deref(),
            )
            .help("Retire it once fixed; it stays on the board, below the published ones"),
        ])
    }
    fn filters(q: &KnownIssueQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new("q", "Text", FieldKind::Text, q.q.as_deref()),
            Field::new(
                "status",
                "Status",
                FieldKind::Select(choice_options(
                    KnownIssueStatus::ALL,
                    KnownIssueStatus::code,
                    KnownIssueStatus::label,
                    Some("Any status"),
                )),
                q.status.as_deref(),
            ),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some(ALL_MODULES))),
                q.module_id.as_deref(),
            ),
        ]
    }
    async fn related(
        store: &Store,
        actor: &Actor,
        issue: &KnownIssue,
    ) -> StoreResult<Vec<Section>> {
        // Every role reads the board; only those who read every ticket see which ones.
        let tickets = if actor.read_scope(Subject::Ticket) == Scope::Everything {
            store
                .known_issue_tickets(actor.program_id, issue.id)
                .await?
        } else {
            Vec::new()
        };
        let rows: Vec<Vec<Cell>> = tickets
            .into_iter()
            .map(|t| {
                let status = Status::parse(&t.status).map_or(t.status, |s| s.label().to_owned());
                vec![
                    Cell::link(format!("#{}", t.number), format!("/tickets/{}", t.id)),
                    Cell::text(t.summary),
                    Cell::text(status),
                ]
            })
            .collect();
        let shown = if issue.linked_tickets > rows.len() as i64 && !rows.is_empty() {
            format!(", the newest {} shown", rows.len())
        } else {
            String::new()
        };
        Ok(vec![Section {
            title: format!("Linked tickets ({}{shown})", issue.linked_tickets),
            columns: vec!["Ticket", "Summary", "Status"],
            rows,
            more: None,
        }])
    }
}
