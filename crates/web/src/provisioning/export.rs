//! The provisioning list as CSV or XLSX, streamed page by page from the store: a national
//! export of 400,000 people holds one page of 500 in memory at a time.

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use muster_domain::access::{Scope, Subject};
use muster_domain::paging::Cursor;
use muster_domain::provisioning::{ProvisioningEntry, Requirement};
use muster_import::export::{Export, ExportFormat};
use muster_store::Store;
use muster_store::provisioning::ProvisioningFilter;

use super::{ProvisioningQuery, asked};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, AppError};
use crate::form::Params;

/// People per store page, and per chunk sent.
const CHUNK: u64 = 500;

struct Run {
    store: Store,
    program_id: i64,
    scope: Scope,
    filter: ProvisioningFilter,
    /// Which curricula the list requires, read once for the whole file.
    requirement: Requirement,
    after: Option<Cursor>,
    /// `None` once the file is complete.
    export: Option<Export>,
}

/// The next chunk of the file; `None` after the last.
async fn next(mut run: Run) -> Option<(std::io::Result<Bytes>, Run)> {
    let mut export = run.export.take()?;
    let page = run
        .store
        .provisioning_page(
            run.program_id,
            &run.scope,
            &run.filter,
            &run.requirement,
            run.after.as_ref(),
            CHUNK,
        )
        .await;
    let chunk = match page {
        Err(e) => {
            tracing::error!(error = %e, "the provisioning export stopped");
            Err(std::io::Error::other(e))
        }
        Ok(page) => {
            let written: std::io::Result<()> = page
                .items
                .iter()
                .try_for_each(|item| export.row(&item.cells()));
            match (written, page.next_cursor) {
                (Err(e), _) => Err(e),
                (Ok(()), Some(cursor)) => {
                    run.after = Some(cursor);
                    let bytes = export.take();
                    run.export = Some(export);
                    bytes
                }
                (Ok(()), None) => export.finish(),
            }
        }
    };
    Some((chunk.map(Bytes::from), run))
}

async fn download(
    state: AppState,
    caller: ApiCaller,
    q: ProvisioningQuery,
    format: ExportFormat,
) -> Result<Response, AppError> {
    let actor = &caller.actor;
    let asked = asked(&state, actor, &q).await?;
    let export = Export::new(format, "Provisioning", &ProvisioningEntry::COLUMNS)
        .map_err(|e| AppError::Internal(format!("export: {e}")))?;
    let run = Run {
        store: state.store.clone(),
        program_id: actor.program_id,
        scope: actor.read_scope(Subject::Provisioning),
        filter: asked.filter,
        requirement: asked.requirement,
        after: None,
        export: Some(export),
    };
    Ok(crate::download::attachment(
        format,
        "provisioning",
        Body::from_stream(futures_util::stream::unfold(run, next)),
    ))
}

/// `GET /api/v1/provisioning.csv`: the whole filtered list as CSV.
#[utoipa::path(get, path = "/api/v1/provisioning.csv", tag = "Provisioning", params(ProvisioningQuery),
    responses((status = 200, description = "employee_id, name, email, site, unit, job_role, status, reasons", content_type = "text/csv"),
        (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem),
        (status = 422, description = "a filter that needs attention", body = crate::error::Problem)))]
pub async fn csv(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<ProvisioningQuery>,
) -> Result<Response, ApiError> {
    Ok(download(state, caller, q, ExportFormat::Csv).await?)
}

/// `GET /api/v1/provisioning.xlsx`: the whole filtered list as an XLSX workbook.
#[utoipa::path(get, path = "/api/v1/provisioning.xlsx", tag = "Provisioning", params(ProvisioningQuery),
    responses((status = 200, description = "one sheet: employee_id, name, email, site, unit, job_role, status, reasons", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem),
        (status = 422, description = "a filter that needs attention", body = crate::error::Problem)))]
pub async fn xlsx(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<ProvisioningQuery>,
) -> Result<Response, ApiError> {
    Ok(download(state, caller, q, ExportFormat::Xlsx).await?)
}
