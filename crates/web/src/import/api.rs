//! The imports API: upload a file with its plan (multipart, or the raw file with the plan
//! in the query string), then follow the job until it is done and fetch its rejects.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use muster_domain::access::{Action, Subject};
use muster_domain::audit::Via;
use muster_domain::import::ImportKind;
use muster_domain::paging::Page;

use super::{JobView, accept, job, kind_from, plan_from, upload, view};
use crate::AppState;
use crate::access::{require, require_import};
use crate::auth::ApiCaller;
use crate::error::{ApiError, AppError};
use crate::form::{Params, RecordId};
use crate::resource::api::Paging;

/// Import jobs, newest first (a site lead sees the ones they started).
#[utoipa::path(get, path = "/api/v1/imports", tag = "Imports",
    params(("cursor" = Option<String>, Query, description = "from the previous page's next_cursor"),
           ("limit" = Option<u64>, Query, description = "1 to 500, default 50")),
    responses((status = 200, body = Vec<JobView>), (status = 403, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(paging): Params<Paging>,
) -> Result<Json<Page<JobView>>, ApiError> {
    let actor = caller.actor;
    require(&actor, Action::Read, Subject::Import)?;
    let (cursor, limit) = paging.parse()?;
    let page = state
        .store
        .list_imports(
            actor.program_id,
            &actor.read_scope(Subject::Import),
            cursor.as_ref(),
            limit,
        )
        .await?;
    Ok(Json(Page {
        items: page
            .items
            .into_iter()
            .map(|j| view(&state, actor.program_id, j, true))
            .collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// One import job: status, tallies (live while it runs), first row errors.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "Imports",
    params(("id" = i64, Path, description = "import id")),
    responses((status = 200, body = JobView), (status = 404, body = crate::error::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<JobView>, ApiError> {
    let job = job(&state, &caller.actor, id).await?;
    Ok(Json(view(&state, caller.actor.program_id, job, true)))
}

/// The refused rows as CSV: the file's columns and a `reason` column.
#[utoipa::path(get, path = "/api/v1/imports/{id}/rejects", tag = "Imports",
    params(("id" = i64, Path, description = "import id")),
    responses((status = 200, description = "text/csv"), (status = 404, body = crate::error::Problem)))]
pub async fn rejects(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Response, ApiError> {
    Ok(super::rejects_download(&state, &caller.actor, id).await?)
}

/// Imports a CSV or XLSX file of the `kind` named in a form field or the query (people or
/// completions) and answers 202 with the queued job; follow it at its `Location`. Send
/// `multipart/form-data` with a `file` part, or the file itself as the body (`text/csv`,
/// or an XLSX type) with `?file_name=`. Settings, as form fields or query parameters:
/// `mode` (all_or_nothing, valid_rows), `date_order` (either, month_first, day_first: how
/// 03/04/2027 reads), `complete_roster` (people only: people with an employee id missing
/// from the file are marked inactive) and `map_<field>=<header>` for any field whose column
/// is not recognised. People: employee_id, name, email, job_role, site, unit,
/// employer_kind, organization, shift, active, termination_date. Completions: employee_id,
/// course, completed_on, score, source. A file whose columns do not fit is refused at once
/// (422) with one error per field.
#[utoipa::path(post, path = "/api/v1/imports", tag = "Imports",
    params(("kind" = String, Query, description = "people or completions")),
    responses((status = 202, body = JobView), (status = 413, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: Request,
) -> Result<Response, ApiError> {
    receive(&state, caller, request, None).await
}

/// `POST /api/v1/imports` for a people file (the roster).
#[utoipa::path(post, path = "/api/v1/imports/people", tag = "Imports",
    responses((status = 202, body = JobView), (status = 413, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn upload_people(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: Request,
) -> Result<Response, ApiError> {
    receive(&state, caller, request, Some(ImportKind::People)).await
}

/// `POST /api/v1/imports` for an LMS completions export.
#[utoipa::path(post, path = "/api/v1/imports/completions", tag = "Imports",
    responses((status = 202, body = JobView), (status = 413, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn upload_completions(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: Request,
) -> Result<Response, ApiError> {
    receive(&state, caller, request, Some(ImportKind::Completions)).await
}

async fn receive(
    state: &AppState,
    caller: ApiCaller,
    request: Request,
    kind: Option<ImportKind>,
) -> Result<Response, ApiError> {
    let actor = caller.actor;
    require(&actor, Action::Create, Subject::Import)?;
    if let Some(kind) = kind {
        require_import(&actor, kind)?;
    }
    let received = upload::from_api(state, request, |_| "upload".to_owned()).await?;
    let fields = received.fields.clone();
    let chosen = match kind {
        Some(kind) => Ok(kind),
        None if !fields.iter().any(|(k, _)| k == "kind") => Err(AppError::Invalid(
            muster_domain::Invalid::one("kind", "say what the file holds: people or completions"),
        )),
        None => kind_from(&fields, ImportKind::People),
    };
    let (kind, plan) = match chosen.and_then(|kind| Ok((kind, plan_from(&fields)?))) {
        Ok(chosen) => chosen,
        Err(e) => {
            received.discard();
            return Err(e.into());
        }
    };
    let job = accept(state, &actor, Via::Api, received, kind, Some(plan)).await?;
    let location = format!("/api/v1/imports/{}", job.id);
    let body = Json(view(state, actor.program_id, job, true));
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], body).into_response())
}
