//! A session's roster: enroll (yourself, or your people), cancel (the first in line takes
//! the seat), and record attendance (which completes the course). Pages and API share
//! the same three actions.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::audit::Via;
use muster_domain::training::session::{Enrollment, EnrollmentStatus, TrainingSession};
use muster_domain::{FieldError, Invalid};
use muster_store::Change;
use serde::Deserialize;

use super::when;
use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, FormFields, HtmlForm, RecordId, refused};
use crate::page::{Layout, redirect_with_flash, render_with};
use crate::resource::api::ApiJson;

pub fn place(e: &Enrollment) -> Place<'_> {
    Place::Trainee {
        site_id: e.person_site_id,
        email: &e.person_email,
    }
}

/// May `actor` see this line of a roster?
pub fn visible(actor: &Actor, e: &Enrollment) -> bool {
    actor.may_at(Action::Read, Subject::Enrollment, place(e))
}

/// Who an action is for: the person named, else the caller's own roster entry.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterBody {
    /// Absent: the caller's own roster entry (matched by email).
    #[serde(default, deserialize_with = "muster_domain::draft::number_as_text")]
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<String>,
    /// For attendance: true attended, false no-show.
    #[serde(default, deserialize_with = "muster_domain::draft::flag")]
    pub attended: Option<bool>,
}

/// The person an action names, and where they sit for the policy.
async fn trainee(
    state: &AppState,
    actor: &Actor,
    body: &RosterBody,
) -> Result<muster_domain::person::Person, AppError> {
    let raw = body
        .person_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let person = match raw {
        Some(raw) => {
            let id: i64 = raw
                .parse()
                .map_err(|_| Invalid::one("person_id", format!("'{raw}' is not a person id")))?;
            state
                .store
                .person(actor.program_id, id)
                .await
                .map_err(|_| Invalid::one("person_id", format!("there is no person {id}")))?
        }
        None => state
            .store
            .person_by_email(actor.program_id, &actor.email)
            .await?
            .ok_or_else(|| {
                Invalid::one("person_id", "is required: your account has no roster entry")
            })?,
    };
    Ok(person)
}

fn trainee_place(p: &muster_domain::person::Person) -> Place<'_> {
    Place::Trainee {
        site_id: p.site_id,
        email: &p.email,
    }
}

/// What was asked of the roster.
#[derive(Clone, Copy)]
enum Act {
    Enroll,
    Cancel,
    Attendance,
}

async fn act(
    state: &AppState,
    actor: &Actor,
    via: Via,
    session_id: i64,
    body: RosterBody,
    what: Act,
) -> Result<Enrollment, AppError> {
    let session = state
        .store
        .training_session(actor.program_id, session_id)
        .await?;
    let person = trainee(state, actor, &body).await?;
    let change = Change::new(actor, via);
    let store = &state.store;
    Ok(match what {
        Act::Enroll => {
            require_at(
                actor,
                Action::Create,
                Subject::Enrollment,
                trainee_place(&person),
            )?;
            store.enroll(&change, session_id, person.id).await?
        }
        Act::Cancel => {
            require_at(
                actor,
                Action::Delete,
                Subject::Enrollment,
                trainee_place(&person),
            )?;
            store
                .cancel_enrollment(&change, session_id, person.id)
                .await?
        }
        Act::Attendance => {
            require_at(
                actor,
                Action::Update,
                Subject::TrainingSession,
                Place::Site(Some(session.site_id)),
            )?;
            let attended = body.attended.ok_or_else(|| {
                AppError::Invalid(Invalid(vec![FieldError::new(
                    "attended",
                    "is required: true or false",
                )]))
            })?;
            store
                .record_attendance(&change, session_id, person.id, attended)
                .await?
        }
    })
}

/// Enroll a person (a seat while one is free, else the waitlist).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/enroll", tag = "Training sessions",
    params(("id" = i64, Path, description = "the session's id")), request_body = RosterBody,
    responses((status = 201, description = "the enrollment", body = Enrollment), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem),
        (status = 404, description = "no such session", body = crate::error::Problem),
        (status = 409, description = "already on the roster, or attendance recorded", body = crate::error::Problem),
        (status = 422, description = "fields that need attention", body = crate::error::Problem)))]
pub async fn api_enroll(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<RosterBody>,
) -> Result<Response, ApiError> {
    let e = act(&state, &caller.actor, Via::Api, id, body, Act::Enroll).await?;
    Ok((StatusCode::CREATED, Json(e)).into_response())
}

/// Cancel a place; the first in line takes a freed seat.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/cancel", tag = "Training sessions",
    params(("id" = i64, Path, description = "the session's id")), request_body = RosterBody,
    responses((status = 200, description = "the cancelled enrollment", body = Enrollment), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem),
        (status = 404, description = "no such session", body = crate::error::Problem),
        (status = 409, description = "already on the roster, or attendance recorded", body = crate::error::Problem),
        (status = 422, description = "fields that need attention", body = crate::error::Problem)))]
pub async fn api_cancel(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<RosterBody>,
) -> Result<Json<Enrollment>, ApiError> {
    Ok(Json(
        act(&state, &caller.actor, Via::Api, id, body, Act::Cancel).await?,
    ))
}

/// Record attendance (attending completes the course).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/attendance", tag = "Training sessions",
    params(("id" = i64, Path, description = "the session's id")), request_body = RosterBody,
    responses((status = 200, description = "the enrollment", body = Enrollment), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem),
        (status = 404, description = "no such session", body = crate::error::Problem),
        (status = 409, description = "already on the roster, or attendance recorded", body = crate::error::Problem),
        (status = 422, description = "fields that need attention", body = crate::error::Problem)))]
pub async fn api_attendance(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<RosterBody>,
) -> Result<Json<Enrollment>, ApiError> {
    Ok(Json(
        act(&state, &caller.actor, Via::Api, id, body, Act::Attendance).await?,
    ))
}

/// The roster lines the caller may see.
async fn visible_roster(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<(TrainingSession, Vec<Enrollment>), AppError> {
    require(actor, Action::Read, Subject::TrainingSession)?;
    let session = state.store.training_session(actor.program_id, id).await?;
    let roster = state.store.roster(actor.program_id, id).await?;
    Ok((
        session,
        roster.into_iter().filter(|e| visible(actor, e)).collect(),
    ))
}

/// The roster lines the caller may see.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/roster", tag = "Training sessions",
    params(("id" = i64, Path, description = "the session's id")),
    responses((status = 200, description = "seats, then the waitlist in order", body = Vec<Enrollment>), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem)))]
pub async fn api_roster(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<Vec<Enrollment>>, ApiError> {
    Ok(Json(visible_roster(&state, &caller.actor, id).await?.1))
}

pub struct Line {
    pub e: Enrollment,
    pub may_cancel: bool,
}

#[derive(Template)]
#[template(path = "training/roster.html")]
struct RosterPage {
    layout: Layout,
    session: TrainingSession,
    starts: String,
    site: String,
    lines: Vec<Line>,
    /// The form to enroll someone by person id, for those who enroll others.
    enroll_form: Option<FormFields>,
    /// Why "Enroll me", a cancellation or attendance was refused.
    refusal: Option<FormFields>,
    may_enroll_self: bool,
    may_mark: bool,
}

/// A refused roster form, to show the roster again with what was sent and why.
struct RosterRefusal {
    what: Act,
    body: RosterBody,
    invalid: Invalid,
}

/// The form to enroll someone else: the person's id, found by name, email or employee id.
fn enroll_form(typed: Option<&str>, invalid: Option<&Invalid>) -> FormFields {
    let field = Field::new("person_id", "Person", FieldKind::Person, typed).required();
    FormFields::new(vec![field], invalid)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    roster_response(&state, &viewer, id, StatusCode::OK, None).await
}

/// Session `id`'s roster with `status`; a refused enrollment by person id shows in its form
/// with what was typed, any other refusal above the roster, naming the person.
async fn roster_response(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    status: StatusCode,
    refused: Option<RosterRefusal>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let (session, roster) = visible_roster(state, actor, id).await?;
    let me = state
        .store
        .person_by_email(actor.program_id, &actor.email)
        .await?;
    let on_roster = |p: i64| {
        roster
            .iter()
            .any(|e| e.person_id == p && e.status != EnrollmentStatus::Cancelled)
    };
    let may_enroll_self = me.as_ref().is_some_and(|p| {
        !on_roster(p.id) && actor.may_at(Action::Create, Subject::Enrollment, trainee_place(p))
    });
    let may_enroll_others = actor.may(Action::Create, Subject::Enrollment)
        && actor.role != muster_domain::access::AccessRole::EndUser;
    let (mut enroll_invalid, mut refusal) = (None, None);
    let mut typed = None;
    if let Some(r) = refused {
        // "Enroll me" sends no person id; the form to enroll others always does.
        if matches!(r.what, Act::Enroll) && r.body.person_id.is_some() && may_enroll_others {
            typed = r.body.person_id;
            enroll_invalid = Some(r.invalid);
        } else {
            refusal = Some(FormFields::new(
                Vec::new(),
                Some(&named(r.invalid, r.body.person_id.as_deref(), &roster)),
            ));
        }
    }
    let lines = roster
        .into_iter()
        .map(|e| Line {
            may_cancel: matches!(
                e.status,
                EnrollmentStatus::Enrolled | EnrollmentStatus::Waitlisted
            ) && actor.may_at(Action::Delete, Subject::Enrollment, place(&e)),
            e,
        })
        .collect();
    let site = state
        .store
        .site(actor.program_id, session.site_id)
        .await?
        .name;
    let title = format!("Roster: {}", session.course_title);
    let page = RosterPage {
        layout: viewer.layout(
            title,
            vec![
                ("Training".into(), "/training".into()),
                ("Sessions".into(), "/training/sessions".into()),
                ("Roster".into(), format!("/sessions/{id}/roster")),
            ],
        ),
        starts: when(session.starts_at),
        site,
        enroll_form: may_enroll_others
            .then(|| enroll_form(typed.as_deref(), enroll_invalid.as_ref())),
        refusal,
        may_enroll_self,
        may_mark: actor.may_at(
            Action::Update,
            Subject::TrainingSession,
            Place::Site(Some(session.site_id)),
        ),
        session,
        lines,
    };
    render_with(status, &page, viewer)
}

/// A refusal of a roster line's action names the line's person rather than "person_id".
fn named(invalid: Invalid, person_id: Option<&str>, roster: &[Enrollment]) -> Invalid {
    let person = person_id
        .and_then(|p| p.trim().parse::<i64>().ok())
        .and_then(|p| roster.iter().find(|e| e.person_id == p));
    Invalid(
        invalid
            .0
            .into_iter()
            .map(|mut e| {
                if let Some(line) = person.filter(|_| e.field == "person_id") {
                    e.field = line.person_name.clone();
                }
                e
            })
            .collect(),
    )
}

async fn form_act(
    state: AppState,
    viewer: Viewer,
    id: i64,
    body: RosterBody,
    what: Act,
) -> Result<Response, PageError> {
    let back = format!("/sessions/{id}/roster");
    let sent = RosterBody {
        person_id: body.person_id.clone(),
        attended: body.attended,
    };
    match act(&state, &viewer.actor, Via::Ui, id, sent, what).await {
        Ok(e) => {
            let message = match (what, e.status) {
                (Act::Enroll, EnrollmentStatus::Waitlisted) => format!(
                    "{} is on the waitlist, number {}.",
                    e.person_name,
                    e.waitlist_position.unwrap_or_default()
                ),
                (Act::Enroll, _) => format!("{} is enrolled.", e.person_name),
                (Act::Cancel, _) => format!("{}'s place is cancelled.", e.person_name),
                (Act::Attendance, status) => {
                    format!("{}: {}.", e.person_name, status.label().to_lowercase())
                }
            };
            Ok(redirect_with_flash(&back, &message))
        }
        Err(err) => {
            let (status, invalid) = refused(err)?;
            let refusal = RosterRefusal {
                what,
                body,
                invalid,
            };
            roster_response(&state, &viewer, id, status, Some(refusal)).await
        }
    }
}

pub async fn form_enroll(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(body): HtmlForm<RosterBody>,
) -> Result<Response, PageError> {
    form_act(state, viewer, id, body, Act::Enroll).await
}

pub async fn form_cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(body): HtmlForm<RosterBody>,
) -> Result<Response, PageError> {
    form_act(state, viewer, id, body, Act::Cancel).await
}

pub async fn form_attendance(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(body): HtmlForm<RosterBody>,
) -> Result<Response, PageError> {
    form_act(state, viewer, id, body, Act::Attendance).await
}
