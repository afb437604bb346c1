//! The plan as a task list, CSV or XLSX (`/api/v1/tasks.csv`, `/api/v1/tasks.xlsx`):
//! the columns an import reads, so that an export imports again, plus each task's computed
//! early and late dates, total float and critical flag. Streamed 500 tasks per chunk from
//! the schedule the store keeps.

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use muster_domain::access::{Action, Scope, Subject};
use muster_import::export::{Export, ExportFormat};
use muster_import::plan::export::{PlanRows, new_export};

use super::tasks::today;
use crate::AppState;
use crate::access::require;
use crate::auth::ApiCaller;
use crate::error::{ApiError, AppError};

/// Tasks per chunk sent.
const CHUNK: usize = 500;

struct Run {
    rows: PlanRows,
    /// `None` once the file is complete.
    export: Option<Export>,
}

/// The next chunk of the file; `None` after the last.
async fn next(mut run: Run) -> Option<(std::io::Result<Bytes>, Run)> {
    let mut export = run.export.take()?;
    let chunk = match run.rows.write(&mut export, CHUNK) {
        Err(e) => Err(e),
        Ok(true) => {
            let bytes = export.take();
            run.export = Some(export);
            bytes
        }
        Ok(false) => export.finish(),
    };
    Some((chunk.map(Bytes::from), run))
}

async fn download(
    state: AppState,
    caller: ApiCaller,
    format: ExportFormat,
) -> Result<Response, AppError> {
    let actor = &caller.actor;
    require(actor, Action::Read, Subject::Plan)?;
    // Owners' emails are people's details: only for whoever may read everyone's.
    let emails = matches!(actor.read_scope(Subject::Person), Scope::Everything);
    let rows = PlanRows::new(&state.store, actor.program_id, today(), emails).await?;
    let export = new_export(format).map_err(|e| AppError::Internal(format!("export: {e}")))?;
    let run = Run {
        rows,
        export: Some(export),
    };
    Ok(crate::download::attachment(
        format,
        "plan",
        Body::from_stream(futures_util::stream::unfold(run, next)),
    ))
}

/// `GET /api/v1/tasks.csv`: the whole plan as CSV, in outline order.
#[utoipa::path(get, path = "/api/v1/tasks.csv", tag = "Plan",
    responses((status = 200, description = "id, parent, outline_level, name, duration, milestone, constraint_kind, constraint_date, percent_complete, actual_start, actual_finish, predecessors, owner_email, site_code, wave, module_code, notes (what an import reads), then early_start, early_finish, late_start, late_finish, total_float, critical", content_type = "text/csv"),
        (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn csv(State(state): State<AppState>, caller: ApiCaller) -> Result<Response, ApiError> {
    Ok(download(state, caller, ExportFormat::Csv).await?)
}

/// `GET /api/v1/tasks.xlsx`: the whole plan as an XLSX workbook, in outline order.
#[utoipa::path(get, path = "/api/v1/tasks.xlsx", tag = "Plan",
    responses((status = 200, description = "one sheet with the columns of tasks.csv", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn xlsx(State(state): State<AppState>, caller: ApiCaller) -> Result<Response, ApiError> {
    Ok(download(state, caller, ExportFormat::Xlsx).await?)
}
