//! Commitments as a resource: filtered by group, status and overdue; overdue ones flagged in
//! the list and on their page.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::stakeholder::commitment::{
    Commitment, CommitmentDraft, CommitmentSpec, CommitmentStatus,
};
use muster_store::stakeholder::commitment::CommitmentFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::{group_options, person_cell};
use crate::alignment::ALIGNMENT;
use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, Resource, choice_options, filter_id, filter_value};

pub struct Commitments;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CommitmentQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<String>,
}

fn yes_no(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        other => Err(format!("'{other}' is not true or false")),
    }
}

fn status_text(c: &Commitment) -> String {
    let mut text = c.status.label().to_owned();
    if let Some(done) = c.done_on {
        text.push_str(&format!(" {done}"));
    }
    if c.overdue {
        text = format!("OVERDUE · {text}");
    }
    text
}

fn owner_cell(c: &Commitment) -> Cell {
    match (&c.owner_name, c.owner_person_id) {
        (Some(name), Some(id)) => Cell::link(name, format!("/people/{id}")),
        _ => person_cell(c.owner_person_id),
    }
}

impl Resource for Commitments {
    const SUBJECT: Subject = Subject::Commitment;
    const PATH: &'static str = "commitments";
    const SINGULAR: &'static str = "commitment";
    const TITLE: &'static str = "Commitments";
    const SECTION: Option<(&'static str, &'static str)> = Some(ALIGNMENT);
    type Item = Commitment;
    type Draft = CommitmentDraft;
    type Spec = CommitmentSpec;
    type Query = CommitmentQuery;

    fn id(item: &Commitment) -> i64 {
        item.id
    }
    fn label(item: &Commitment) -> String {
        item.what.clone()
    }
    fn parse(draft: CommitmentDraft) -> Result<CommitmentSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: CommitmentDraft, base: CommitmentDraft) -> CommitmentDraft {
        patch.over(base)
    }
    fn place(_: &Commitment) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a CommitmentSpec, _: Option<&'a Commitment>) -> Place<'a> {
        Place::Program
    }
    fn actions(_: &Actor) -> Vec<(&'static str, &'static str)> {
        vec![("Overdue", "/commitments?overdue=true")]
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &CommitmentQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Commitment>> {
        let filter = CommitmentFilter {
            group_id: filter_id("group_id", &query.group_id)?,
            status: filter_value("status", &query.status, CommitmentStatus::parse)?,
            overdue: filter_value("overdue", &query.overdue, yes_no)?,
            ..Default::default()
        };
        store
            .list_commitments(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Commitment> {
        store.commitment(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: CommitmentSpec,
    ) -> StoreResult<Commitment> {
        store.create_commitment(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: CommitmentSpec,
    ) -> StoreResult<Commitment> {
        store.update_commitment(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_commitment(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("group_id", "only this stakeholder group's commitments"),
            ("status", "planned, in_progress, done, missed or withdrawn"),
            (
                "overdue",
                "true: only open commitments past their due date; false: the others",
            ),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Commitment", "Group", "Due", "Status", "Owner"]
    }
    fn cells(c: &Commitment, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&c.what, format!("/commitments/{}", c.id)),
            Cell::link(&c.group_name, format!("/stakeholders/{}", c.group_id)),
            Cell::text(c.due_on.to_string()),
            Cell::text(status_text(c)),
            owner_cell(c),
        ]
    }
    fn facts(c: &Commitment, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Group",
                value: Cell::link(&c.group_name, format!("/stakeholders/{}", c.group_id)),
            },
            Fact {
                label: "Due",
                value: Cell::text(c.due_on.to_string()),
            },
            Fact {
                label: "Status",
                value: Cell::text(status_text(c)),
            },
            Fact {
                label: "Evidence",
                value: Cell::text(&c.evidence),
            },
            Fact {
                label: "Owner",
                value: owner_cell(c),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &CommitmentDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new(
                "group_id",
                "Stakeholder group",
                FieldKind::Select(group_options(store, actor.program_id, "— choose —").await?),
                d.group_id.as_deref(),
            )
            .required(),
            Field::new(
                "what",
                "What the group commits to",
                FieldKind::TextArea,
                d.what.as_deref(),
            )
            .required(),
            Field::new("due_on", "Due", FieldKind::Date, d.due_on.as_deref()).required(),
            Field::new(
                "status",
                "Status",
                FieldKind::Select(choice_options(
                    CommitmentStatus::ALL,
                    CommitmentStatus::code,
                    CommitmentStatus::label,
                    None,
                )),
                d.status.as_deref(),
            )
            .help("Open and past its due date, it is flagged overdue"),
            Field::new("done_on", "Done on", FieldKind::Date, d.done_on.as_deref())
                .help("Only for a done commitment; today when left blank"),
            Field::new(
                "evidence",
                "Evidence",
                FieldKind::TextArea,
                d.evidence.as_deref(),
            )
            .help("What shows it was done: a note or a link"),
            Field::new(
                "owner_person_id",
                "Owner (person id)",
                FieldKind::Person,
                d.owner_person_id.as_deref(),
            ),
        ])
    }
    fn filters(q: &CommitmentQuery, _: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "group_id",
                "Group id",
                FieldKind::Number,
                q.group_id.as_deref(),
            ),
            Field::new(
                "status",
                "Status",
                FieldKind::Select(choice_options(
                    CommitmentStatus::ALL,
                    CommitmentStatus::code,
                    CommitmentStatus::label,
                    Some("Any status"),
                )),
                q.status.as_deref(),
            ),
            Field::new(
                "overdue",
                "Overdue",
                FieldKind::Select(vec![
                    (String::new(), "Either".into()),
                    ("true".into(), "Overdue only".into()),
                    ("false".into(), "Not overdue".into()),
                ]),
                q.overdue.as_deref(),
            ),
        ]
    }
}
