//! Training records as resources: completions and proficiency assessments (follow-ups in
//! `follow_ups.rs`). Each sits with its person (their site, their own account), so site leads read their
//! sites' records and end users their own; trainers and program leads write them.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::text::date;
use muster_domain::training::assessment::{Assessment, AssessmentDraft, AssessmentSpec};
use muster_domain::training::completion::{
    Completion, CompletionDraft, CompletionFilter, CompletionSource, CompletionSpec,
};
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{
    Cell, Fact, Lookup, Resource, choice_options, filter_id, filter_value, options_with,
};

pub(super) fn trainee(site_id: Option<i64>, email: &str) -> Place<'_> {
    Place::Trainee { site_id, email }
}

pub(super) fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(super) fn person_cell(id: i64, name: &str) -> Cell {
    Cell::link(name, format!("/training/people/{id}"))
}

pub(super) fn person_field(value: Option<&str>) -> Field {
    Field::new("person_id", "Person id", FieldKind::Person, value)
        .required()
        .help("The number in the person's page address, /people/…")
}

pub(super) async fn course_options(
    store: &Store,
    program_id: i64,
    none: Option<&str>,
) -> StoreResult<Vec<(String, String)>> {
    let courses = store.all_courses(program_id).await?;
    Ok(options_with(
        none,
        courses
            .into_iter()
            .map(|c| (c.id.to_string(), format!("{} {}", c.code, c.title))),
    ))
}

pub struct Completions;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CompletionQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

impl Resource for Completions {
    const SUBJECT: Subject = Subject::TrainingRecord;
    const PATH: &'static str = "completions";
    const SINGULAR: &'static str = "completion";
    const TITLE: &'static str = "Completions";
    type Item = Completion;
    type Draft = CompletionDraft;
    type Spec = CompletionSpec;
    type Query = CompletionQuery;

    fn actions(actor: &Actor) -> Vec<(&'static str, &'static str)> {
        if actor.may_import(Subject::TrainingRecord) {
            vec![("Import completions", "/completions/import")]
        } else {
            Vec::new()
        }
    }
    fn id(item: &Completion) -> i64 {
        item.id
    }
    fn label(item: &Completion) -> String {
        format!("{}: {}", item.person_name, item.course_title)
    }
    fn parse(draft: CompletionDraft) -> Result<CompletionSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: CompletionDraft, base: CompletionDraft) -> CompletionDraft {
        patch.over(base)
    }
    fn place(c: &Completion) -> Place<'_> {
        trainee(c.person_site_id, &c.person_email)
    }
    fn spec_place<'a>(_: &'a CompletionSpec, existing: Option<&'a Completion>) -> Place<'a> {
        existing.map_or(Place::Program, Self::place)
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &CompletionQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Completion>> {
        let filter = CompletionFilter {
            person_id: filter_id("person_id", &q.person_id)?,
            course_id: filter_id("course_id", &q.course_id)?,
            site_id: filter_id("site_id", &q.site_id)?,
            source: filter_value("source", &q.source, CompletionSource::parse)?,
            since: filter_value("since", &q.since, date)?,
            until: filter_value("until", &q.until, date)?,
        };
        let scope = actor.read_scope(Subject::TrainingRecord);
        store
            .list_completions(actor.program_id, &scope, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Completion> {
        store.completion(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: CompletionSpec,
    ) -> StoreResult<Completion> {
        store.record_completion(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: CompletionSpec,
    ) -> StoreResult<Completion> {
        store.update_completion(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_completion(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("person_id", "only this person's completions"),
            ("course_id", "only this course"),
            ("site_id", "only people of this site"),
            ("source", "muster, lms_import or session"),
            ("since", "completed on or after (YYYY-MM-DD)"),
            ("until", "completed before (YYYY-MM-DD)"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Completed", "Person", "Course", "Source", "Score"]
    }
    fn cells(c: &Completion, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(day(c.completed_on), format!("/completions/{}", c.id)),
            person_cell(c.person_id, &c.person_name),
            Cell::link(&c.course_title, format!("/courses/{}", c.course_id)),
            Cell::text(c.source.label()),
            Cell::text(c.score.map(|s| format!("{s}%")).unwrap_or_default()),
        ]
    }
    fn facts(c: &Completion, lookup: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Person",
                value: person_cell(c.person_id, &c.person_name),
            },
            Fact {
                label: "Site",
                value: Cell::text(lookup.site_name(c.person_site_id)),
            },
            Fact {
                label: "Course",
                value: Cell::link(&c.course_title, format!("/courses/{}", c.course_id)),
            },
            Fact {
                label: "Completed on",
                value: Cell::text(day(c.completed_on)),
            },
            Fact {
                label: "Source",
                value: Cell::text(c.source.label()),
            },
            Fact {
                label: "Score",
                value: Cell::text(c.score.map(|s| format!("{s}%")).unwrap_or_default()),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &CompletionDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            person_field(d.person_id.as_deref()),
            Field::new(
                "course_id",
                "Course",
                FieldKind::Select(course_options(store, actor.program_id, None).await?),
                d.course_id.as_deref(),
            )
            .required(),
            Field::new(
                "completed_on",
                "Completed on",
                FieldKind::Date,
                d.completed_on.as_deref(),
            )
            .required(),
            Field::new("score", "Score (%)", FieldKind::Number, d.score.as_deref()),
        ])
    }
    fn filters(q: &CompletionQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("Any site"))),
                q.site_id.as_deref(),
            ),
            Field::new(
                "source",
                "Source",
                FieldKind::Select(choice_options(
                    CompletionSource::ALL,
                    CompletionSource::code,
                    CompletionSource::label,
                    Some("Any source"),
                )),
                q.source.as_deref(),
            ),
            Field::new(
                "since",
                "Completed since",
                FieldKind::Date,
                q.since.as_deref(),
            ),
        ]
    }
}

pub struct Assessments;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AssessmentQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curriculum_id: Option<String>,
}

impl Resource for Assessments {
    const SUBJECT: Subject = Subject::TrainingRecord;
    const PATH: &'static str = "assessments";
    const SINGULAR: &'static str = "assessment";
    const TITLE: &'static str = "Proficiency assessments";
    type Item = Assessment;
    type Draft = AssessmentDraft;
    type Spec = AssessmentSpec;
    type Query = AssessmentQuery;

    fn id(item: &Assessment) -> i64 {
        item.id
    }
    fn label(item: &Assessment) -> String {
        format!("{}: {}", item.person_name, item.curriculum_name)
    }
    fn parse(draft: AssessmentDraft) -> Result<AssessmentSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: AssessmentDraft, base: AssessmentDraft) -> AssessmentDraft {
        patch.over(base)
    }
    fn place(a: &Assessment) -> Place<'_> {
        trainee(a.person_site_id, &a.person_email)
    }
    fn spec_place<'a>(_: &'a AssessmentSpec, existing: Option<&'a Assessment>) -> Place<'a> {
        existing.map_or(Place::Program, Self::place)
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &AssessmentQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Assessment>> {
        let person = filter_id("person_id", &q.person_id)?;
        let curriculum = filter_id("curriculum_id", &q.curriculum_id)?;
        let scope = actor.read_scope(Subject::TrainingRecord);
        store
            .list_assessments(actor.program_id, &scope, person, curriculum, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Assessment> {
        store.assessment(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: AssessmentSpec,
    ) -> StoreResult<Assessment> {
        store.record_assessment(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: AssessmentSpec,
    ) -> StoreResult<Assessment> {
        store.update_assessment(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_assessment(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("person_id", "only this person's assessments"),
            ("curriculum_id", "only this curriculum"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Assessed",
            "Person",
            "Curriculum",
            "Score",
            "Result",
            "Assessor",
        ]
    }
    fn cells(a: &Assessment, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(day(a.assessed_on), format!("/assessments/{}", a.id)),
            person_cell(a.person_id, &a.person_name),
            Cell::link(
                &a.curriculum_name,
                format!("/curricula/{}", a.curriculum_id),
            ),
            Cell::text(format!("{}% (pass mark {}%)", a.score, a.pass_mark)),
            Cell::text(if a.passed { "Passed" } else { "Not passed" }),
            Cell::text(&a.assessor),
        ]
    }
    fn facts(a: &Assessment, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Person",
                value: person_cell(a.person_id, &a.person_name),
            },
            Fact {
                label: "Curriculum",
                value: Cell::link(
                    &a.curriculum_name,
                    format!("/curricula/{}", a.curriculum_id),
                ),
            },
            Fact {
                label: "Score",
                value: Cell::text(format!("{}%", a.score)),
            },
            Fact {
                label: "Pass mark",
                value: Cell::text(format!("{}%", a.pass_mark)),
            },
            Fact {
                label: "Result",
                value: Cell::text(if a.passed { "Passed" } else { "Not passed" }),
            },
            Fact {
                label: "Assessed on",
                value: Cell::text(day(a.assessed_on)),
            },
            Fact {
                label: "Assessor",
                value: Cell::text(&a.assessor),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &AssessmentDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let curricula = store.all_curricula(actor.program_id).await?;
        let choices = options_with(
            None,
            curricula.into_iter().map(|c| {
                (
                    c.id.to_string(),
                    format!("{} (pass mark {}%)", c.name, c.pass_mark),
                )
            }),
        );
        let assessor = d.assessor.clone().or_else(|| Some(actor.name.clone()));
        Ok(vec![
            person_field(d.person_id.as_deref()),
            Field::new(
                "curriculum_id",
                "Curriculum",
                FieldKind::Select(choices),
                d.curriculum_id.as_deref(),
            )
            .required(),
            Field::new("score", "Score (%)", FieldKind::Number, d.score.as_deref()).required(),
            Field::new(
                "assessed_on",
                "Assessed on",
                FieldKind::Date,
                d.assessed_on.as_deref(),
            )
            .required(),
            Field::new("assessor", "Assessor", FieldKind::Text, assessor.as_deref()).required(),
        ])
    }
    fn filters(q: &AssessmentQuery, _: &Lookup) -> Vec<Field> {
        vec![Field::new(
            "person_id",
            "Person id",
            FieldKind::Person,
            q.person_id.as_deref(),
        )]
    }
}
