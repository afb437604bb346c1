//! Follow-up training after go-live as a resource: assigned by hand or suggested (see the
//! dashboard's "suggest follow-ups"), with the person's site and account deciding who sees it.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::training::follow_up::{
    FollowUp, FollowUpDraft, FollowUpReason, FollowUpSpec, FollowUpStatus,
};
use muster_store::training::FollowUpFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::records::{course_options, day, person_cell, person_field, trainee};
use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, Resource, choice_options, filter_id, filter_value};

pub struct FollowUps;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FollowUpQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

impl Resource for FollowUps {
    const SUBJECT: Subject = Subject::TrainingRecord;
    const PATH: &'static str = "follow-ups";
    const SINGULAR: &'static str = "follow-up";
    const TITLE: &'static str = "Follow-up training";
    type Item = FollowUp;
    type Draft = FollowUpDraft;
    type Spec = FollowUpSpec;
    type Query = FollowUpQuery;

    fn id(item: &FollowUp) -> i64 {
        item.id
    }
    fn label(item: &FollowUp) -> String {
        format!("{}: {}", item.person_name, item.topic)
    }
    fn parse(draft: FollowUpDraft) -> Result<FollowUpSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: FollowUpDraft, base: FollowUpDraft) -> FollowUpDraft {
        patch.over(base)
    }
    fn place(f: &FollowUp) -> Place<'_> {
        trainee(f.person_site_id, &f.person_email)
    }
    fn spec_place<'a>(_: &'a FollowUpSpec, existing: Option<&'a FollowUp>) -> Place<'a> {
        existing.map_or(Place::Program, Self::place)
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &FollowUpQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<FollowUp>> {
        let filter = FollowUpFilter {
            person_id: filter_id("person_id", &q.person_id)?,
            site_id: filter_id("site_id", &q.site_id)?,
            status: filter_value("status", &q.status, FollowUpStatus::parse)?,
        };
        let scope = actor.read_scope(Subject::TrainingRecord);
        store
            .list_follow_ups(actor.program_id, &scope, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<FollowUp> {
        store.follow_up(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: FollowUpSpec,
    ) -> StoreResult<FollowUp> {
        store.create_follow_up(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: FollowUpSpec,
    ) -> StoreResult<FollowUp> {
        store.update_follow_up(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_follow_up(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("person_id", "only this person's follow-ups"),
            ("site_id", "only people of this site"),
            ("status", "open, done or cancelled"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Due", "Person", "Topic", "Reason", "Status"]
    }
    fn cells(f: &FollowUp, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(day(f.due_on), format!("/follow-ups/{}", f.id)),
            person_cell(f.person_id, &f.person_name),
            Cell::text(&f.topic),
            Cell::text(f.reason.label()),
            Cell::text(f.status.label()),
        ]
    }
    fn facts(f: &FollowUp, lookup: &Lookup) -> Vec<Fact> {
        let course = match f.course_id {
            Some(id) => Cell::link("View course", format!("/courses/{id}")),
            None => Cell::text(""),
        };
        vec![
            Fact {
                label: "Person",
                value: person_cell(f.person_id, &f.person_name),
            },
            Fact {
                label: "Site",
                value: Cell::text(lookup.site_name(f.person_site_id)),
            },
            Fact {
                label: "Topic",
                value: Cell::text(&f.topic),
            },
            Fact {
                label: "Course",
                value: course,
            },
            Fact {
                label: "Reason",
                value: Cell::text(f.reason.label()),
            },
            Fact {
                label: "Due",
                value: Cell::text(day(f.due_on)),
            },
            Fact {
                label: "Status",
                value: Cell::text(f.status.label()),
            },
            Fact {
                label: "Notes",
                value: Cell::text(f.notes.clone().unwrap_or_default()),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &FollowUpDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            person_field(d.person_id.as_deref()),
            Field::new("topic", "Topic", FieldKind::Text, d.topic.as_deref()).required(),
            Field::new(
                "course_id",
                "Course",
                FieldKind::Select(
                    course_options(store, actor.program_id, Some("— no course —")).await?,
                ),
                d.course_id.as_deref(),
            ),
            Field::new(
                "reason",
                "Reason",
                FieldKind::Select(choice_options(
                    FollowUpReason::ALL,
                    FollowUpReason::code,
                    FollowUpReason::label,
                    None,
                )),
                d.reason.as_deref().or(Some("requested")),
            ),
            Field::new("due_on", "Due", FieldKind::Date, d.due_on.as_deref()).required(),
            Field::new(
                "status",
                "Status",
                FieldKind::Select(choice_options(
                    FollowUpStatus::ALL,
                    FollowUpStatus::code,
                    FollowUpStatus::label,
                    None,
                )),
                d.status.as_deref(),
            ),
            Field::new("notes", "Notes", FieldKind::TextArea, d.notes.as_deref()),
        ])
    }
    fn filters(q: &FollowUpQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("Any site"))),
                q.site_id.as_deref(),
            ),
            Field::new(
                "status",
                "Status",
                FieldKind::Select(choice_options(
                    FollowUpStatus::ALL,
                    FollowUpStatus::code,
                    FollowUpStatus::label,
                    Some("Any status"),
                )),
                q.status.as_deref(),
            ),
        ]
    }
}
