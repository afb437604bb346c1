//! Attachments: uploaded with the intake or later, served back only to those who may see
//! the ticket, as downloads that browsers will not run.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use muster_domain::ticket::Attachment;
use muster_store::Change;
use muster_store::ticket::NewAttachment;

use super::intake::read_multipart;
use super::{require_involved, visible};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, AppError};

/// `GET /tickets/{id}/attachments/{file}` (and under /api/v1).
pub async fn download(
    State(state): State<AppState>,
    caller: Option<axum::Extension<Caller>>,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let actor = &caller.ok_or(AppError::Unauthenticated)?.0.actor;
    visible(&state, actor, id).await?;
    let (meta, bytes) = state
        .store
        .ticket_attachment(actor.program_id, id, file)
        .await?;
    Ok(crate::attachment::download(&meta.file, bytes, true))
}

/// `POST /api/v1/tickets/{id}/attachments`: multipart `attachments` files.
pub async fn upload(
    State(state): State<AppState>,
    caller: crate::auth::ApiCaller,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Json<Vec<Attachment>>, ApiError> {
    let actor = &caller.actor;
    let v = visible(&state, actor, id).await?;
    require_involved(actor, &v)?;
    let intake = read_multipart(form).await?;
    if !intake.problems.is_empty() {
        return Err(AppError::Invalid(muster_domain::Invalid(intake.problems)).into());
    }
    if intake.files.is_empty() {
        return Err(AppError::Invalid(muster_domain::Invalid::one(
            "attachments",
            "attach at least one file",
        ))
        .into());
    }
    let files: Vec<NewAttachment> = intake.files;
    state
        .store
        .add_attachments(
            &Change::new(actor, muster_domain::audit::Via::Api),
            id,
            files,
        )
        .await?;
    Ok(Json(
        state.store.ticket_attachments(actor.program_id, id).await?,
    ))
}
