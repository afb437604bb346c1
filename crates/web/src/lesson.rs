//! Lessons learned in pages and the API (`/lessons`, `/api/v1/lessons`), and what a lesson
//! leads to: a readiness criterion or a plan task for a later wave, made from the lesson's
//! page (`/lessons/{id}/criterion`, `/lessons/{id}/task`) or the API
//! (`POST /api/v1/lessons/{id}/criteria`, `POST /api/v1/lessons/{id}/tasks`), linked for good.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::audit::Via;
use muster_domain::lesson::{FollowUpKind, Lesson, LessonDraft, LessonSource, LessonSpec, Phase};
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::task::{PlanTask, TaskDraft, TaskSpec};
use muster_domain::readiness::{Criterion, CriterionDraft, CriterionSpec, Measure};
use muster_store::lesson::LessonFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::access::{require, require_at};
use crate::alignment::ALIGNMENT;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, HtmlForm, RecordId};
use crate::page::{redirect_with_flash, settings_form};
use crate::plan::tasks::Tasks;
use crate::readiness::criteria::Criteria;
use crate::resource::api::ApiJson;
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, choice_options, filter_id, filter_value, given,
};

pub struct Lessons;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct LessonQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wave_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

const EVERY_MODULE: &str = "Any module";
const EVERY_SITE: &str = "Whole program";

impl Resource for Lessons {
    const SUBJECT: Subject = Subject::Lesson;
    const PATH: &'static str = "lessons";
    const SINGULAR: &'static str = "lesson";
    const TITLE: &'static str = "Lessons learned";
    const SECTION: Option<(&'static str, &'static str)> = Some(ALIGNMENT);
    type Item = Lesson;
    type Draft = LessonDraft;
    type Spec = LessonSpec;
    type Query = LessonQuery;

    fn id(item: &Lesson) -> i64 {
        item.id
    }
    fn label(item: &Lesson) -> String {
        item.title.clone()
    }
    fn parse(draft: LessonDraft) -> Result<LessonSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: LessonDraft, base: LessonDraft) -> LessonDraft {
        patch.over(base)
    }
    fn place(_: &Lesson) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a LessonSpec, _: Option<&'a Lesson>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &LessonQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Lesson>> {
        let filter = LessonFilter {
            search: given(&q.q).map(str::to_owned),
            module_id: filter_id("module_id", &q.module_id)?,
            site_id: filter_id("site_id", &q.site_id)?,
            wave_id: filter_id("wave_id", &q.wave_id)?,
            phase: filter_value("phase", &q.phase, Phase::parse)?,
            source: filter_value("source", &q.source, LessonSource::parse)?,
        };
        store
            .list_lessons(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Lesson> {
        store.lesson(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: LessonSpec) -> StoreResult<Lesson> {
        store.create_lesson(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: LessonSpec,
    ) -> StoreResult<Lesson> {
        store.update_lesson(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_lesson(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            (
                "q",
                "every word in the title, what happened or the recommendation",
            ),
            ("module_id", "only this module's lessons"),
            ("site_id", "only lessons from this site"),
            ("wave_id", "only lessons from this wave's go-live"),
            (
                "phase",
                "planning, build, testing, training, cutover, go_live or stabilization",
            ),
            ("source", "retrospective, ticket, readiness_review or other"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Lesson", "Phase", "Module", "Site", "Wave", "Led to", "Recorded",
        ]
    }
    fn cells(l: &Lesson, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&l.title, format!("/lessons/{}", l.id)),
            Cell::text(l.phase.label()),
            lookup.module_cell(l.module_id, EVERY_MODULE),
            lookup.site_cell(l.site_id, EVERY_SITE),
            lookup.wave_cell(l.wave_id, ""),
            Cell::text(l.follow_ups.len().to_string()),
            Cell::text(l.recorded_at.format("%Y-%m-%d").to_string()),
        ]
    }
    fn facts(l: &Lesson, lookup: &Lookup) -> Vec<Fact> {
        let source = match l.ticket_id {
            Some(id) => Cell::link(
                format!("{} #{id}", l.source.label()),
                format!("/tickets/{id}"),
            ),
            None => Cell::text(l.source.label()),
        };
        vec![
            Fact {
                label: "What happened",
                value: Cell::text(&l.observation),
            },
            Fact {
                label: "What later waves should do",
                value: Cell::text(&l.recommendation),
            },
            Fact {
                label: "Learned in",
                value: source,
            },
            Fact {
                label: "Phase",
                value: Cell::text(l.phase.label()),
            },
            Fact {
                label: "Module",
                value: lookup.module_cell(l.module_id, EVERY_MODULE),
            },
            Fact {
                label: "Site",
                value: lookup.site_cell(l.site_id, EVERY_SITE),
            },
            Fact {
                label: "Go-live",
                value: lookup.wave_cell(l.wave_id, "None named"),
            },
            Fact {
                label: "Recorded",
                value: Cell::text(format!(
                    "{} by {}",
                    l.recorded_at.format("%Y-%m-%d"),
                    l.recorded_by
                )),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &LessonDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new("title", "Lesson", FieldKind::Text, d.title.as_deref())
                .required()
                .help("One line a later site's leader will recognise"),
            Field::new(
                "observation",
                "What happened",
                FieldKind::TextArea,
                d.observation.as_deref(),
            )
            .required(),
            Field::new(
                "recommendation",
                "What later waves should do",
                FieldKind::TextArea,
                d.recommendation.as_deref(),
            )
            .required(),
            Field::new(
                "source",
                "Learned in",
                FieldKind::Select(choice_options(
                    LessonSource::ALL,
                    LessonSource::code,
                    LessonSource::label,
                    None,
                )),
                d.source.as_deref(),
            )
            .required(),
            Field::new(
                "ticket_id",
                "Ticket id",
                FieldKind::Number,
                d.ticket_id.as_deref(),
            )
            .help("Required when learned from a command-center ticket"),
            Field::new(
                "phase",
                "Phase",
                FieldKind::Select(choice_options(Phase::ALL, Phase::code, Phase::label, None)),
                d.phase.as_deref(),
            )
            .required(),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some(EVERY_MODULE))),
                d.module_id.as_deref(),
            ),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some(EVERY_SITE))),
                d.site_id.as_deref(),
            ),
            Field::new(
                "wave_id",
                "Go-live it was learned in",
                FieldKind::Select(lookup.wave_options(Some("None"))),
                d.wave_id.as_deref(),
            ),
        ])
    }
    fn filters(q: &LessonQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new("q", "Search", FieldKind::Text, q.q.as_deref()),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some(EVERY_MODULE))),
                q.module_id.as_deref(),
            ),
            lookup.site_filter(&q.site_id),
            Field::new(
                "wave_id",
                "Wave",
                FieldKind::Select(lookup.wave_options(Some("Any wave"))),
                q.wave_id.as_deref(),
            ),
            Field::new(
                "phase",
                "Phase",
                FieldKind::Select(choice_options(
                    Phase::ALL,
                    Phase::code,
                    Phase::label,
                    Some("Any phase"),
                )),
                q.phase.as_deref(),
            ),
            Field::new(
                "source",
                "Learned in",
                FieldKind::Select(choice_options(
                    LessonSource::ALL,
                    LessonSource::code,
                    LessonSource::label,
                    Some("Anywhere"),
                )),
                q.source.as_deref(),
            ),
        ]
    }
    async fn related(_: &Store, actor: &Actor, l: &Lesson) -> StoreResult<Vec<Section>> {
        let rows = l
            .follow_ups
            .iter()
            .map(|f| {
                let name = if f.name.is_empty() {
                    Cell::text(format!(
                        "{} {} (deleted since)",
                        f.kind.label(),
                        f.target_id
                    ))
                } else {
                    Cell::link(&f.name, f.href())
                };
                vec![Cell::text(f.kind.label()), name]
            })
            .collect();
        let mut sections = vec![Section {
            title: "What it led to".into(),
            columns: vec!["Kind", "Name"],
            rows,
            more: None,
        }];
        let offers = [
            (
                Subject::ReadinessCriterion,
                "Make it a readiness criterion",
                "criterion",
            ),
            (
                Subject::Plan,
                "Make it a plan task for a later wave",
                "task",
            ),
        ];
        for (subject, label, path) in offers {
            if actor.may(Action::Create, subject) {
                sections.push(Section {
                    title: label.into(),
                    columns: Vec::new(),
                    rows: Vec::new(),
                    more: Some((label.into(), format!("/lessons/{}/{path}", l.id))),
                });
            }
        }
        Ok(sections)
    }
}

/// What a lesson can lead to: a resource whose form is prefilled from the lesson and whose
/// record is made with the link kept.
pub trait MadeFromLesson: Resource {
    const KIND: FollowUpKind;
    /// The form's first values, taken from the lesson.
    fn draft_from(lesson: &Lesson) -> Self::Draft;
    /// Checks that need the lesson (a task goes to a later wave).
    fn check(
        store: &Store,
        program_id: i64,
        lesson: &Lesson,
        spec: &Self::Spec,
    ) -> impl std::future::Future<Output = StoreResult<()>> + Send;
    fn make(
        store: &Store,
        change: &Change<'_>,
        lesson_id: i64,
        spec: Self::Spec,
    ) -> impl std::future::Future<Output = StoreResult<Self::Item>> + Send;
}

impl MadeFromLesson for Criteria {
    const KIND: FollowUpKind = FollowUpKind::Criterion;
    fn draft_from(l: &Lesson) -> CriterionDraft {
        let (threshold, band) = Measure::Attested.default_threshold();
        CriterionDraft {
            name: Some(l.title.clone()),
            description: Some(l.recommendation.clone()),
            measure: Some(Measure::Attested.code().into()),
            threshold: Some(threshold.to_string()),
            amber_band: Some(band.to_string()),
            weight: Some("5".into()),
            active: Some(true),
            ..Default::default()
        }
    }
    async fn check(_: &Store, _: i64, _: &Lesson, _: &CriterionSpec) -> StoreResult<()> {
        Ok(())
    }
    async fn make(
        store: &Store,
        change: &Change<'_>,
        lesson_id: i64,
        spec: CriterionSpec,
    ) -> StoreResult<Criterion> {
        store.criterion_from_lesson(change, lesson_id, spec).await
    }
}

impl MadeFromLesson for Tasks {
    const KIND: FollowUpKind = FollowUpKind::Task;
    fn draft_from(l: &Lesson) -> TaskDraft {
        TaskDraft {
            name: Some(l.title.clone()),
            module_id: l.module_id.map(|m| m.to_string()),
            duration: Some("5".into()),
            notes: Some(format!("From lesson {}: {}", l.id, l.recommendation)),
            ..Default::default()
        }
    }
    async fn check(store: &Store, program_id: i64, l: &Lesson, spec: &TaskSpec) -> StoreResult<()> {
        let waves = store.all_waves(program_id).await?;
        l.check_later_wave(&waves, spec.wave_id)
            .map_err(muster_store::StoreError::Invalid)
    }
    async fn make(
        store: &Store,
        change: &Change<'_>,
        lesson_id: i64,
        spec: TaskSpec,
    ) -> StoreResult<PlanTask> {
        store.task_from_lesson(change, lesson_id, spec).await
    }
}

/// The lesson, if the actor may read it, and the right to create `R` where `spec` puts it.
async fn lesson_for<R: MadeFromLesson>(
    store: &Store,
    actor: &Actor,
    id: i64,
) -> Result<Lesson, AppError> {
    let lesson = crate::resource::reach::<Lessons>(store, actor, Action::Read, id).await?;
    require(actor, Action::Create, R::SUBJECT)?;
    Ok(lesson)
}

/// Makes `R` from lesson `id`: parse, check where it goes, check against the lesson, make.
async fn make_from<R: MadeFromLesson>(
    store: &Store,
    change: &Change<'_>,
    lesson: &Lesson,
    draft: R::Draft,
) -> Result<R::Item, AppError> {
    let spec = R::parse(draft)?;
    require_at(
        change.actor,
        Action::Create,
        R::SUBJECT,
        R::spec_place(&spec, None),
    )?;
    R::check(store, change.program_id(), lesson, &spec).await?;
    Ok(R::make(store, change, lesson.id, spec).await?)
}

async fn follow_up_form<R: MadeFromLesson>(
    store: &Store,
    viewer: &Viewer,
    lesson: &Lesson,
    draft: &R::Draft,
    invalid: Option<&Invalid>,
) -> Result<Response, PageError> {
    let lookup = Lookup::load(store, viewer.actor.program_id).await?;
    let fields = R::fields(store, &viewer.actor, draft, &lookup).await?;
    let href = format!("/lessons/{}", lesson.id);
    let action = format!("{href}/{}", R::KIND.code());
    let layout = viewer.layout(
        format!("New {} from this lesson", R::SINGULAR),
        vec![
            (ALIGNMENT.0.into(), ALIGNMENT.1.into()),
            (Lessons::TITLE.into(), "/lessons".into()),
            (lesson.title.clone(), href.clone()),
        ],
    );
    settings_form(viewer, layout, &action, &href, fields, invalid)
}

async fn follow_up_page<R: MadeFromLesson>(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let lesson = lesson_for::<R>(&state.store, &viewer.actor, id).await?;
    let draft = R::draft_from(&lesson);
    follow_up_form::<R>(&state.store, &viewer, &lesson, &draft, None).await
}

async fn follow_up_save<R: MadeFromLesson>(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(draft): HtmlForm<R::Draft>,
) -> Result<Response, PageError> {
    let lesson = lesson_for::<R>(&state.store, &viewer.actor, id).await?;
    let draft = R::from_form(draft);
    let change = Change::new(&viewer.actor, Via::Ui);
    match make_from::<R>(&state.store, &change, &lesson, draft.clone()).await {
        Ok(item) => Ok(redirect_with_flash(
            &format!("/lessons/{id}"),
            &format!(
                "{} “{}” made from this lesson",
                capitalized(R::SINGULAR),
                R::label(&item)
            ),
        )),
        Err(AppError::Invalid(invalid) | AppError::Conflict(invalid)) => {
            follow_up_form::<R>(&state.store, &viewer, &lesson, &draft, Some(&invalid)).await
        }
        Err(e) => Err(e.into()),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn follow_up_api<R: MadeFromLesson>(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(draft): ApiJson<R::Draft>,
) -> Result<Response, ApiError> {
    let lesson = lesson_for::<R>(&state.store, &caller.actor, id).await?;
    let change = Change::new(&caller.actor, Via::Api);
    let item = make_from::<R>(&state.store, &change, &lesson, draft).await?;
    let location = format!("/api/v1/{}/{}", R::PATH, R::id(&item));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(item),
    )
        .into_response())
}

/// `POST /api/v1/lessons/{id}/criteria`: a readiness criterion made from the lesson.
#[utoipa::path(post, path = "/api/v1/lessons/{id}/criteria", tag = "Lessons learned",
    request_body = CriterionDraft,
    params(("id" = i64, Path, description = "the lesson")),
    responses((status = 201, description = "the criterion, linked to the lesson", body = Criterion), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 404, description = "no such lesson", body = crate::error::Problem), (status = 422, description = "a field that needs attention", body = crate::error::Problem)))]
async fn criterion_api(
    state: State<AppState>,
    caller: ApiCaller,
    id: RecordId,
    draft: ApiJson<CriterionDraft>,
) -> Result<Response, ApiError> {
    follow_up_api::<Criteria>(state, caller, id, draft).await
}

/// `POST /api/v1/lessons/{id}/tasks`: a plan task for a later wave made from the lesson.
#[utoipa::path(post, path = "/api/v1/lessons/{id}/tasks", tag = "Lessons learned",
    request_body = TaskDraft,
    params(("id" = i64, Path, description = "the lesson")),
    responses((status = 201, description = "the task, linked to the lesson", body = PlanTask), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 404, description = "no such lesson", body = crate::error::Problem), (status = 422, description = "a field that needs attention, e.g. a wave that is not later than the lesson's", body = crate::error::Problem)))]
async fn task_api(
    state: State<AppState>,
    caller: ApiCaller,
    id: RecordId,
    draft: ApiJson<TaskDraft>,
) -> Result<Response, ApiError> {
    follow_up_api::<Tasks>(state, caller, id, draft).await
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(crate::resource::routes::<Lessons>())
        .route(
            "/lessons/{id}/criterion",
            get(follow_up_page::<Criteria>).post(follow_up_save::<Criteria>),
        )
        .route(
            "/lessons/{id}/task",
            get(follow_up_page::<Tasks>).post(follow_up_save::<Tasks>),
        )
        .route(
            "/api/v1/lessons/{id}/criteria",
            axum::routing::post(criterion_api),
        )
        .route("/api/v1/lessons/{id}/tasks", axum::routing::post(task_api))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(criterion_api, task_api))]
struct LessonDoc;

pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    crate::resource::describe::<Lessons>(doc);
    doc.merge(<LessonDoc as utoipa::OpenApi>::openapi());
}
