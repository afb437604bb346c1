//! Importing a plan file: the page (`/plan/import`: upload, then back to the plan with what
//! was loaded, or the form again with every problem and where it is) and the API
//! (`POST /api/v1/tasks/import`: the counts, or a problem document listing the problems).
//! The file streams to the import directory like any upload; the import itself is
//! `muster_import::plan::import_plan`, all or nothing.

use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::audit::Via;
use muster_domain::import::Column;
use muster_domain::plan::exchange::table::COLUMNS;
use muster_domain::plan::exchange::{FileProblem, PlanImported, Refused};
use muster_import::plan::{PlanImport, PlanImportError, import_plan};
use muster_store::StoreError;
use serde::Serialize;

use crate::AppState;
use crate::access::require_at;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::import::upload::{self, Received};
use crate::page::{Layout, redirect_with_flash, render, render_with};

/// Who may import a plan: whoever may create tasks program-wide (the file's tasks are the
/// plan's, or a new top-level branch of it).
fn may_import(actor: &Actor) -> Result<(), AppError> {
    require_at(actor, Action::Create, Subject::Plan, Place::Program)
}

/// Why an import wrote nothing, as pages and the API tell it.
enum Refusal {
    /// The file's problems, each with where it is.
    Problems(Refused),
    /// The file (or the request) as a whole.
    Message(StatusCode, String),
}

/// Imports a received file, removing it afterwards.
async fn run(
    state: &AppState,
    actor: &Actor,
    via: Via,
    received: Received,
) -> Result<Result<PlanImported, Refusal>, AppError> {
    let start = match received
        .fields
        .iter()
        .find(|(k, _)| k == "project_start")
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
        .map(muster_domain::text::date)
        .transpose()
    {
        Ok(start) => start,
        Err(e) => {
            received.discard();
            return Ok(Err(Refusal::Message(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("project start: {e}"),
            )));
        }
    };
    let request = PlanImport {
        path: received.path.clone(),
        file_name: received.file_name.clone(),
        project_start: start,
    };
    let result = import_plan(&state.store, actor, via, request).await;
    received.discard();
    Ok(match result {
        Ok(done) => Ok(done),
        Err(PlanImportError::Refused(refused)) => Err(Refusal::Problems(refused)),
        Err(PlanImportError::File(e)) => Err(Refusal::Message(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{e}; nothing was imported"),
        )),
        Err(PlanImportError::Store(StoreError::Conflict(invalid))) => Err(Refusal::Message(
            StatusCode::CONFLICT,
            invalid
                .0
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(PlanImportError::Store(e)) => return Err(e.into()),
    })
}

/// A column of a task list, for the page's table of them.
pub struct ColumnHelp {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub help: &'static str,
}

fn columns() -> Vec<ColumnHelp> {
    COLUMNS
        .iter()
        .map(|c: &Column| ColumnHelp {
            key: c.key,
            label: c.label,
            required: c.required,
            help: c.help,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "plan/import.html")]
struct ImportPage {
    layout: Layout,
    limit: String,
    /// The plan has no tasks: the file will become the plan.
    empty: bool,
    project_start: String,
    columns: Vec<ColumnHelp>,
    message: Option<String>,
    problems: Vec<FileProblem>,
    total: usize,
}

/// "the file is empty" as a sentence: "The file is empty."
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    refusal: Option<Refusal>,
    project_start: String,
) -> Result<ImportPage, AppError> {
    let empty = state.store.plan_is_empty(viewer.actor.program_id).await?;
    let (message, problems, total) = match refusal {
        None => (None, Vec::new(), 0),
        Some(Refusal::Message(_, m)) => (Some(sentence(&m)), Vec::new(), 0),
        Some(Refusal::Problems(r)) => (Some(sentence(&r.summary())), r.problems, r.total),
    };
    Ok(ImportPage {
        layout: viewer.layout(
            "Import a plan",
            vec![
                ("Plan".into(), "/plan".into()),
                ("Import".into(), "/plan/import".into()),
            ],
        ),
        limit: format!("{} MiB", state.config.import_max_bytes / 1024 / 1024),
        empty,
        project_start,
        columns: columns(),
        message,
        problems,
        total,
    })
}

/// `GET /plan/import`: the upload form, with what an import does and the columns a task
/// list may have.
pub async fn form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    may_import(&viewer.actor)?;
    render(&page(&state, &viewer, None, String::new()).await?, &viewer)
}

/// `POST /plan/import`: imports the file; back to the plan with what was loaded, or the form
/// again (422) with every problem.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    request: Request,
) -> Result<Response, PageError> {
    may_import(&viewer.actor)?;
    let received = match upload::multipart(&state, request).await {
        Ok(received) => received,
        Err(
            e @ (AppError::Invalid(_) | AppError::PayloadTooLarge(_) | AppError::BadRequest(_)),
        ) => {
            let message = match &e {
                AppError::Invalid(i) => {
                    i.0.iter()
                        .map(|f| f.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                }
                other => other.to_string(),
            };
            let refusal = Refusal::Message(e.status(), message);
            let status = e.status();
            return render_with(
                status,
                &page(&state, &viewer, Some(refusal), String::new()).await?,
                &viewer,
            );
        }
        Err(e) => return Err(e.into()),
    };
    let start = received
        .fields
        .iter()
        .find(|(k, _)| k == "project_start")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    match run(&state, &viewer.actor, viewer.via(), received).await? {
        Ok(done) => {
            // A cookie carries the flash: a sentence, cut short of the browsers' 4 KiB.
            let mut summary = done.summary();
            if summary.chars().count() > 900 {
                summary = summary.chars().take(899).collect::<String>() + "…";
            }
            Ok(redirect_with_flash("/plan", &summary))
        }
        Err(refusal) => {
            let status = match &refusal {
                Refusal::Problems(_) => StatusCode::UNPROCESSABLE_ENTITY,
                Refusal::Message(status, _) => *status,
            };
            render_with(
                status,
                &page(&state, &viewer, Some(refusal), start).await?,
                &viewer,
            )
        }
    }
}

/// A refused import as `application/problem+json`: the usual members, and every problem
/// of the file with where it is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The file's problems (the first 100): where ("row 12", "Task UID 17 (line 345)"),
    /// which column or element, and why.
    pub errors: Vec<FileProblem>,
    /// How many problems the file has in all.
    pub total: usize,
}

fn problem_response(status: StatusCode, detail: String, refused: Option<Refused>) -> Response {
    let (errors, total) = refused.map_or((Vec::new(), 0), |r| (r.problems, r.total));
    let body = ImportProblem {
        kind: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").into(),
        status: status.as_u16(),
        detail,
        errors,
        total,
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        serde_json::to_string(&body).unwrap_or_default(),
    )
        .into_response()
}

/// The name a raw upload goes by without `?file_name=`: one its content type suggests.
fn raw_name(content_type: &str) -> String {
    // The XLSX type (…openxmlformats…spreadsheetml…) says "xml" too.
    let ext = if content_type.contains("spreadsheetml") {
        "xlsx"
    } else if content_type.contains("xml") {
        "xml"
    } else {
        "csv"
    };
    format!("upload.{ext}")
}

/// Imports a plan file: Microsoft Project XML (MSPDI, as Microsoft Project and ProjectLibre
/// save it) or a task list (CSV or XLSX; columns id, name, duration, parent or
/// outline_level, milestone, constraint_kind, constraint_date, percent_complete,
/// actual_start, actual_finish, predecessors such as `12FS+2d;14SS`, owner_email,
/// site_code, wave, module_code, notes). Send `multipart/form-data` with a `file` part,
/// or the file itself as the body (`application/xml`, `text/csv` or the XLSX type) with
/// `?file_name=`. `project_start` (YYYY-MM-DD, form field or query) sets the start when a
/// task list goes into an empty plan. All or nothing: into an empty plan the file becomes
/// the plan (and an XML file's calendar the plan's); otherwise its tasks go under a new
/// top-level task named after the file. A file with problems writes nothing and answers
/// 422 with every problem named by row or element.
#[utoipa::path(post, path = "/api/v1/tasks/import", tag = "Plan",
    params(("file_name" = Option<String>, Query, description = "the file's name, for a raw body (its extension tells the format)"),
           ("project_start" = Option<String>, Query, description = "YYYY-MM-DD: the plan's start, for a task list into an empty plan")),
    responses((status = 201, description = "what was loaded", body = PlanImported),
        (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "your role may not add tasks program-wide", body = crate::error::Problem),
        (status = 409, description = "the plan changed while the file was read", body = ImportProblem),
        (status = 413, description = "larger than the import limit", body = crate::error::Problem),
        (status = 422, description = "the file's problems, each with where it is; nothing was imported", body = ImportProblem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: Request,
) -> Result<Response, ApiError> {
    let actor = caller.actor;
    may_import(&actor)?;
    let received = upload::from_api(&state, request, raw_name).await?;
    if received.bytes == 0 {
        received.discard();
        return Err(
            AppError::Invalid(muster_domain::Invalid::one("file", "the file is empty")).into(),
        );
    }
    Ok(match run(&state, &actor, Via::Api, received).await? {
        Ok(done) => (
            StatusCode::CREATED,
            [(header::LOCATION, "/api/v1/schedule")],
            Json(done),
        )
            .into_response(),
        Err(Refusal::Problems(refused)) => problem_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            refused.summary(),
            Some(refused),
        ),
        Err(Refusal::Message(status, message)) => problem_response(status, message, None),
    })
}
