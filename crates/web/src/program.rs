//! The program itself: its settings page and `/api/v1/program`. A singleton per tenant, so
//! it has its own small handlers rather than the list-and-record ones of `resource`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use muster_domain::Invalid;
use muster_domain::access::{Action, Place, Subject};
use muster_domain::program::{Program, ProgramDraft};
use muster_store::Change;

use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, HtmlForm, attach_errors};
use crate::page::{Layout, redirect_with_flash, render, render_with};
use crate::resource::api::ApiJson;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/program", get(settings).post(save))
        .route("/api/v1/program", get(api_get).patch(api_update))
}

#[derive(Template)]
#[template(path = "program.html")]
struct SettingsPage {
    layout: Layout,
    program: Program,
    can_edit: bool,
    fields: Vec<Field>,
}

fn page(
    viewer: &Viewer,
    program: Program,
    draft: &ProgramDraft,
    invalid: Option<&Invalid>,
) -> SettingsPage {
    let mut fields = vec![
        Field::new(
            "name",
            "Program name",
            FieldKind::Text,
            draft.name.as_deref(),
        )
        .required(),
    ];
    attach_errors(&mut fields, invalid);
    SettingsPage {
        layout: viewer.layout(
            "Program settings",
            vec![("Program settings".into(), "/program".into())],
        ),
        can_edit: viewer
            .actor
            .may_at(Action::Update, Subject::Program, Place::Program),
        program,
        fields,
    }
}

async fn settings(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Read, Subject::Program)?;
    let program = state.store.program(viewer.actor.program_id).await?;
    let draft = ProgramDraft {
        name: Some(program.name.clone()),
    };
    render(&page(&viewer, program, &draft, None), &viewer)
}

async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(draft): HtmlForm<ProgramDraft>,
) -> Result<Response, PageError> {
    require_at(
        &viewer.actor,
        Action::Update,
        Subject::Program,
        Place::Program,
    )?;
    match draft.clone().parse() {
        Ok(name) => {
            let saved = state
                .store
                .rename_program(&Change::new(&viewer.actor, viewer.via()), name)
                .await?;
            Ok(redirect_with_flash(
                "/program",
                &format!("Saved program {}.", saved.name),
            ))
        }
        Err(invalid) => {
            let program = state.store.program(viewer.actor.program_id).await?;
            let status = AppError::Invalid(invalid.clone()).status();
            render_with(
                status,
                &page(&viewer, program, &draft, Some(&invalid)),
                &viewer,
            )
        }
    }
}

/// The caller's program.
#[utoipa::path(get, path = "/api/v1/program", tag = "Program",
    responses((status = 200, body = Program), (status = 401, description = "not signed in", body = crate::error::Problem)))]
pub async fn api_get(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Program>, ApiError> {
    require(&caller.actor, Action::Read, Subject::Program)?;
    Ok(Json(state.store.program(caller.actor.program_id).await?))
}

/// Rename the caller's program (administrators and program leads).
#[utoipa::path(patch, path = "/api/v1/program", tag = "Program", request_body = ProgramDraft,
    responses((status = 200, body = Program), (status = 403, description = "your role may not change the program", body = crate::error::Problem),
        (status = 422, description = "fields that need attention", body = crate::error::Problem)))]
pub async fn api_update(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<ProgramDraft>,
) -> Result<Json<Program>, ApiError> {
    require_at(
        &caller.actor,
        Action::Update,
        Subject::Program,
        Place::Program,
    )?;
    let name = draft.parse()?;
    Ok(Json(
        state
            .store
            .rename_program(
                &Change::new(&caller.actor, muster_domain::audit::Via::Api),
                name,
            )
            .await?,
    ))
}
