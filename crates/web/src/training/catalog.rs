//! Courses and curricula as resources: the generic pages, API and OpenAPI description.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::person::JobRole;
use muster_domain::training::course::{Course, CourseDraft, CourseKind, CourseSpec};
use muster_domain::training::curriculum::{Curriculum, CurriculumDraft, CurriculumSpec};
use muster_store::training::CourseFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::{hours, yes_no};
use crate::form::{Field, FieldKind};
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, choice_options, filter_id, filter_value, given,
};

pub struct Courses;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CourseQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advanced: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

fn fact(label: &'static str, text: impl Into<String>) -> Fact {
    Fact {
        label,
        value: Cell::text(text),
    }
}

impl Resource for Courses {
    const SUBJECT: Subject = Subject::TrainingCatalog;
    const PATH: &'static str = "courses";
    const SINGULAR: &'static str = "course";
    const TITLE: &'static str = "Courses";
    type Item = Course;
    type Draft = CourseDraft;
    type Spec = CourseSpec;
    type Query = CourseQuery;

    fn id(item: &Course) -> i64 {
        item.id
    }
    fn label(item: &Course) -> String {
        format!("{} {}", item.code, item.title)
    }
    fn parse(draft: CourseDraft) -> Result<CourseSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: CourseDraft, base: CourseDraft) -> CourseDraft {
        patch.over(base)
    }
    fn place(_: &Course) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a CourseSpec, _: Option<&'a Course>) -> Place<'a> {
        Place::Program
    }
    /// Unticked checkboxes send nothing: on a form that means "no".
    fn from_form(mut draft: CourseDraft) -> CourseDraft {
        draft.active.get_or_insert(false);
        draft.advanced.get_or_insert(false);
        draft
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &CourseQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Course>> {
        let filter = CourseFilter {
            module_id: filter_id("module_id", &q.module_id)?,
            kind: filter_value("kind", &q.kind, CourseKind::parse)?,
            active: filter_value("active", &q.active, yes_no)?,
            advanced: filter_value("advanced", &q.advanced, yes_no)?,
            search: given(&q.q).map(str::to_owned),
        };
        store
            .list_courses(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Course> {
        store.course(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: CourseSpec) -> StoreResult<Course> {
        store.create_course(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: CourseSpec,
    ) -> StoreResult<Course> {
        store.update_course(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_course(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("module_id", "only courses of this module"),
            ("kind", "e_learning or classroom"),
            ("active", "true or false"),
            ("advanced", "true: champions' advanced training only"),
            ("q", "code or title containing this text"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Code",
            "Title",
            "Kind",
            "Hours",
            "Module",
            "Champions",
            "Status",
        ]
    }
    fn cells(c: &Course, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&c.code, format!("/courses/{}", c.id)),
            Cell::text(&c.title),
            Cell::text(c.kind.label()),
            Cell::text(hours(c.hours)),
            lookup.module_cell(c.module_id, "All modules"),
            Cell::text(if c.advanced { "Advanced" } else { "" }),
            Cell::text(if c.active { "Active" } else { "Retired" }),
        ]
    }
    fn facts(c: &Course, lookup: &Lookup) -> Vec<Fact> {
        vec![
            fact("Code", &c.code),
            fact("Kind", c.kind.label()),
            fact("Hours", hours(c.hours)),
            Fact {
                label: "Module",
                value: lookup.module_cell(c.module_id, "All modules"),
            },
            fact(
                "Champions' advanced training",
                if c.advanced { "Yes" } else { "No" },
            ),
            fact("Status", if c.active { "Active" } else { "Retired" }),
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &CourseDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let check =
            |v: Option<bool>, default: bool| Some(if v.unwrap_or(default) { "true" } else { "" });
        Ok(vec![
            Field::new("code", "Code", FieldKind::Text, d.code.as_deref()).required(),
            Field::new("title", "Title", FieldKind::Text, d.title.as_deref()).required(),
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    CourseKind::ALL,
                    CourseKind::code,
                    CourseKind::label,
                    None,
                )),
                d.kind.as_deref(),
            )
            .required(),
            Field::new("hours", "Hours", FieldKind::Text, d.hours.as_deref())
                .required()
                .help("In quarter hours, e.g. 1.5"),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some("— all modules —"))),
                d.module_id.as_deref(),
            ),
            Field::new(
                "advanced",
                "Champions' advanced training",
                FieldKind::Check,
                check(d.advanced, false),
            ),
            Field::new("active", "Active", FieldKind::Check, check(d.active, true)),
        ])
    }
    fn filters(q: &CourseQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new("q", "Code or title", FieldKind::Text, q.q.as_deref()),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some("Any module"))),
                q.module_id.as_deref(),
            ),
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    CourseKind::ALL,
                    CourseKind::code,
                    CourseKind::label,
                    Some("Any kind"),
                )),
                q.kind.as_deref(),
            ),
        ]
    }
}

pub struct Curricula;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CurriculumQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
}

impl Resource for Curricula {
    const SUBJECT: Subject = Subject::TrainingCatalog;
    const PATH: &'static str = "curricula";
    const SINGULAR: &'static str = "curriculum";
    const TITLE: &'static str = "Curricula";
    type Item = Curriculum;
    type Draft = CurriculumDraft;
    type Spec = CurriculumSpec;
    type Query = CurriculumQuery;

    fn id(item: &Curriculum) -> i64 {
        item.id
    }
    fn label(item: &Curriculum) -> String {
        item.name.clone()
    }
    fn parse(draft: CurriculumDraft) -> Result<CurriculumSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: CurriculumDraft, base: CurriculumDraft) -> CurriculumDraft {
        patch.over(base)
    }
    fn place(_: &Curriculum) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a CurriculumSpec, _: Option<&'a Curriculum>) -> Place<'a> {
        Place::Program
    }
    /// A form with no course ticked sends no `course_ids`: that means "no courses".
    fn from_form(mut draft: CurriculumDraft) -> CurriculumDraft {
        draft.course_ids.get_or_insert_with(Vec::new);
        draft
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &CurriculumQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Curriculum>> {
        let role = filter_value("job_role", &q.job_role, JobRole::parse)?;
        let module = filter_id("module_id", &q.module_id)?;
        store
            .list_curricula(actor.program_id, role, module, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Curriculum> {
        store.curriculum(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: CurriculumSpec,
    ) -> StoreResult<Curriculum> {
        store.create_curriculum(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: CurriculumSpec,
    ) -> StoreResult<Curriculum> {
        store.update_curriculum(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_curriculum(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("job_role", "physician, app, nurse, ..."),
            ("module_id", "only curricula of this module"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Name",
            "Job role",
            "Module",
            "Courses",
            "Expected hours",
            "Pass mark",
        ]
    }
    fn cells(c: &Curriculum, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&c.name, format!("/curricula/{}", c.id)),
            Cell::text(c.job_role.label()),
            lookup.module_cell(Some(c.module_id), ""),
            Cell::text(c.course_ids.len().to_string()),
            Cell::text(hours(c.expected_hours)),
            Cell::text(format!("{}%", c.pass_mark)),
        ]
    }
    fn facts(c: &Curriculum, lookup: &Lookup) -> Vec<Fact> {
        let hours_text = match c.hours_entered {
            Some(_) => hours(c.expected_hours),
            None => format!("{} (the courses' sum)", hours(c.expected_hours)),
        };
        vec![
            fact("Job role", c.job_role.label()),
            Fact {
                label: "Module",
                value: lookup.module_cell(Some(c.module_id), ""),
            },
            fact("Expected hours", hours_text),
            fact("Proficiency pass mark", format!("{}%", c.pass_mark)),
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &CurriculumDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let courses = store.all_courses(actor.program_id).await?;
        let choices = courses
            .iter()
            .filter(|c| c.active)
            .map(|c| {
                (
                    c.id.to_string(),
                    format!("{} {} ({})", c.code, c.title, hours(c.hours)),
                )
            })
            .collect();
        let ticked = d
            .course_ids
            .iter()
            .flatten()
            .map(|c| c.to_string())
            .collect();
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref())
                .required()
                .help("e.g. Physician — Ambulatory"),
            Field::new(
                "job_role",
                "Job role",
                FieldKind::Select(choice_options(
                    JobRole::ALL,
                    JobRole::code,
                    JobRole::label,
                    None,
                )),
                d.job_role.as_deref(),
            )
            .required(),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(None)),
                d.module_id.as_deref(),
            )
            .required(),
            Field::new(
                "course_ids",
                "Required courses",
                FieldKind::Checks(choices),
                None,
            )
            .ticked(ticked),
            Field::new(
                "expected_hours",
                "Expected hours",
                FieldKind::Text,
                d.expected_hours.as_deref(),
            )
            .help("Leave blank for the sum of the courses' hours"),
            Field::new(
                "pass_mark",
                "Proficiency pass mark (%)",
                FieldKind::Number,
                d.pass_mark.as_deref(),
            )
            .help("80 when blank"),
        ])
    }
    fn filters(q: &CurriculumQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "job_role",
                "Job role",
                FieldKind::Select(choice_options(
                    JobRole::ALL,
                    JobRole::code,
                    JobRole::label,
                    Some("Any role"),
                )),
                q.job_role.as_deref(),
            ),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some("Any module"))),
                q.module_id.as_deref(),
            ),
        ]
    }
    async fn related(store: &Store, actor: &Actor, c: &Curriculum) -> StoreResult<Vec<Section>> {
        let courses = store.all_courses(actor.program_id).await?;
        let rows = c
            .course_ids
            .iter()
            .zip(1..)
            .filter_map(|(id, n)| courses.iter().find(|k| k.id == *id).map(|k| (n, k)))
            .map(|(n, k)| {
                vec![
                    Cell::text(n.to_string()),
                    Cell::link(
                        format!("{} {}", k.code, k.title),
                        format!("/courses/{}", k.id),
                    ),
                    Cell::text(k.kind.label()),
                    Cell::text(hours(k.hours)),
                ]
            })
            .collect();
        Ok(vec![Section {
            title: "Required courses, in order".into(),
            columns: vec!["#", "Course", "Kind", "Hours"],
            rows,
            more: Some(("Completion by site and role".into(), "/training".into())),
        }])
    }
}
