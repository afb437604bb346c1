//! One person's training: their curricula and progress, sessions, completions,
//! assessments and follow-ups. End users reach their own at `/training/me`.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::person::Person;
use muster_domain::training::assessment::Assessment;
use muster_domain::training::completion::{Completion, CompletionFilter};
use muster_domain::training::follow_up::FollowUp;
use muster_domain::training::progress::CurriculumProgress;
use muster_domain::training::session::{Enrollment, TrainingSession};
use muster_store::training::FollowUpFilter;
use serde::Serialize;

use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::RecordId;
use crate::page::{Layout, render};

/// Everything a person's training page shows.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TraineeTraining {
    pub person_id: i64,
    pub name: String,
    pub progress: Vec<CurriculumProgress>,
    pub enrollments: Vec<Enrollment>,
    pub completions: Vec<Completion>,
    pub assessments: Vec<Assessment>,
    pub follow_ups: Vec<FollowUp>,
}

/// The person's training, if `actor` may read it.
async fn load(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<(Person, TraineeTraining), AppError> {
    require(actor, Action::Read, Subject::TrainingRecord)?;
    let store = &state.store;
    let program = actor.program_id;
    let person = store.person(program, id).await?;
    let place = Place::Trainee {
        site_id: person.site_id,
        email: &person.email,
    };
    require_at(actor, Action::Read, Subject::TrainingRecord, place)?;
    let everyone = muster_domain::access::Scope::Everything;
    let filter = CompletionFilter {
        person_id: Some(id),
        ..Default::default()
    };
    let follow_filter = FollowUpFilter {
        person_id: Some(id),
        ..Default::default()
    };
    let training = TraineeTraining {
        person_id: id,
        name: person.name.clone(),
        progress: store.person_progress(program, id).await?,
        enrollments: store.enrollments_of(program, id).await?,
        completions: store
            .list_completions(program, &everyone, &filter, None, 500)
            .await?
            .items,
        assessments: store
            .list_assessments(program, &everyone, Some(id), None, None, 100)
            .await?
            .items,
        follow_ups: store
            .list_follow_ups(program, &everyone, &follow_filter, None, 100)
            .await?
            .items,
    };
    Ok((person, training))
}

#[derive(Template)]
#[template(path = "training/person.html")]
struct PersonPage {
    layout: Layout,
    t: TraineeTraining,
    sessions: Vec<(Enrollment, Option<TrainingSession>)>,
    may_see_directory: bool,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let (person, t) = load(&state, actor, id).await?;
    let mut sessions = Vec::new();
    for e in &t.enrollments {
        let s = state
            .store
            .training_session(actor.program_id, e.session_id)
            .await
            .ok();
        sessions.push((e.clone(), s));
    }
    let page = PersonPage {
        layout: viewer.layout(
            format!("Training: {}", person.name),
            vec![
                ("Training".into(), "/training".into()),
                (person.name.clone(), format!("/training/people/{id}")),
            ],
        ),
        may_see_directory: actor.may_at(
            Action::Read,
            Subject::Person,
            Place::Person {
                site_id: person.site_id,
                organization: person.organization.as_deref(),
            },
        ),
        t,
        sessions,
    };
    render(&page, &viewer)
}

/// `/training/me`: the signed-in person's own training page.
pub async fn me(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    match state
        .store
        .person_by_email(actor.program_id, &actor.email)
        .await?
    {
        Some(p) => Ok(Redirect::to(&format!("/training/people/{}", p.id)).into_response()),
        None => Err(AppError::NotFound(format!(
            "there is no roster entry with your email ({}), so no training to show",
            actor.email
        ))
        .into()),
    }
}

/// `GET /api/v1/training/people/{id}`: a person's curricula, sessions and records.
#[utoipa::path(get, path = "/api/v1/training/people/{id}", tag = "Training",
    params(("id" = i64, Path, description = "the person's id")),
    responses((status = 200, body = TraineeTraining), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem), (status = 404, description = "no such person", body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<TraineeTraining>, ApiError> {
    Ok(Json(load(&state, &caller.actor, id).await?.1))
}
