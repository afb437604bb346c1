//! An attestation's evidence files: listed with the attestation history, added by the
//! attestation's author (who must still be allowed to attest there), downloaded by whoever
//! may read that site's readiness. Uploads and downloads go through `crate::attachment`,
//! as ticket attachments do.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::attachment::{StoredFile, size_label};
use muster_domain::audit::Via;
use muster_domain::readiness::attestation::{AttestationRecord, EVIDENCE};
use muster_store::Change;

use crate::AppState;
use crate::access::{require, require_at};
use crate::attachment::{download as file_download, read_upload};
use crate::auth::{ApiCaller, Caller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::page::{not_done, redirect_with_flash};

/// Attestation `id` if `actor` may read that site's readiness: 404 otherwise, so that ids
/// of other sites' attestations do not tell what exists.
async fn readable(state: &AppState, actor: &Actor, id: i64) -> Result<AttestationRecord, AppError> {
    require(actor, Action::Read, Subject::Attestation)?;
    let a = state.store.attestation(actor.program_id, id).await?;
    if !actor.may_at(
        Action::Read,
        Subject::Attestation,
        Place::Site(Some(a.site_id)),
    ) {
        return Err(AppError::NotFound(format!(
            "attestation {id} was not found"
        )));
    }
    Ok(a)
}

/// May `actor` add evidence to `a`, whose criterion is owned by `owner_account_id`: attest
/// that criterion at that site, and be the attestation's author.
pub fn may_add(
    actor: &Actor,
    a: &AttestationRecord,
    owner_account_id: Option<i64>,
) -> Result<(), AppError> {
    let place = Place::Criterion {
        site_id: a.site_id,
        owner_account_id,
    };
    require_at(actor, Action::Create, Subject::Attestation, place)?;
    a.may_add_evidence(actor).map_err(AppError::Forbidden)
}

async fn add(
    state: &AppState,
    actor: &Actor,
    via: Via,
    id: i64,
    form: Multipart,
) -> Result<(AttestationRecord, Vec<StoredFile>), AppError> {
    let a = readable(state, actor, id).await?;
    let criterion = state
        .store
        .criterion(actor.program_id, a.criterion_id)
        .await?;
    may_add(actor, &a, criterion.owner_account_id)?;
    let upload = read_upload(form, &EVIDENCE).await?;
    if !upload.problems.is_empty() {
        return Err(muster_domain::Invalid(upload.field_errors("files")).into());
    }
    if upload.files.is_empty() {
        return Err(muster_domain::Invalid::one("files", "attach at least one file").into());
    }
    let added = state
        .store
        .add_evidence(&Change::new(actor, via), id, upload.files)
        .await?;
    Ok((a, added))
}

/// The multipart body of an evidence upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct EvidenceUpload {
    /// One or more files (at most 5, 10 MiB each): PDF, Excel, CSV, Word, PowerPoint, text,
    /// or a PNG, JPEG or TIFF scan. The kind is told by the bytes.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Add evidence files to an attestation you recorded.
#[utoipa::path(post, path = "/api/v1/readiness/attestations/{id}/evidence", tag = "Readiness",
    params(("id" = i64, Path, description = "the attestation's id")),
    request_body(content = inline(EvidenceUpload), content_type = "multipart/form-data"),
    responses((status = 201, description = "the files added", body = Vec<StoredFile>), (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "only the attestation's author, while still allowed to attest there, adds evidence", body = crate::error::Problem),
        (status = 404, description = "no such attestation at a site you may see", body = crate::error::Problem),
        (status = 413, description = "the upload is larger than the limit; the message names the file", body = crate::error::Problem),
        (status = 422, description = "a file refused (too large, or not an accepted kind), named", body = crate::error::Problem)))]
pub async fn api_upload(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, ApiError> {
    let (_, added) = add(&state, &caller.actor, Via::Api, id, form).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

/// An attestation's evidence files, oldest first.
#[utoipa::path(get, path = "/api/v1/readiness/attestations/{id}/evidence", tag = "Readiness",
    params(("id" = i64, Path, description = "the attestation's id")),
    responses((status = 200, description = "the files", body = Vec<StoredFile>), (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "your role does not allow this", body = crate::error::Problem),
        (status = 404, description = "no such attestation at a site you may see", body = crate::error::Problem)))]
pub async fn api_list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<StoredFile>>, ApiError> {
    Ok(Json(readable(&state, &caller.actor, id).await?.files))
}

/// Download one evidence file (always as an attachment).
#[utoipa::path(get, path = "/api/v1/readiness/attestations/{id}/evidence/{file}", tag = "Readiness",
    params(("id" = i64, Path, description = "the attestation's id"), ("file" = i64, Path, description = "the file's id")),
    responses((status = 200, description = "the file's bytes, `Content-Disposition: attachment`", content_type = "application/octet-stream"), (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "your role does not allow this", body = crate::error::Problem),
        (status = 404, description = "no such file at a site you may see", body = crate::error::Problem)))]
pub async fn download(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let actor = &caller.ok_or(AppError::Unauthenticated)?.0.actor;
    readable(&state, actor, id).await?;
    let (meta, bytes) = state
        .store
        .evidence_file(actor.program_id, id, file)
        .await?;
    Ok(file_download(&meta, bytes, false))
}

/// `POST /readiness/attestations/{id}/evidence`: the history page's "add evidence" form.
pub async fn form_upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, PageError> {
    match add(&state, &viewer.actor, Via::Ui, id, form).await {
        Ok((a, added)) => Ok(redirect_with_flash(
            &history_href(&a),
            &format!(
                "Evidence added: {}.",
                added
                    .iter()
                    .map(|f| f.file_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        Err(AppError::Invalid(i)) => {
            let a = readable(&state, &viewer.actor, id).await?;
            Ok(redirect_with_flash(&history_href(&a), &not_done(&i)))
        }
        Err(other) => Err(other.into()),
    }
}

/// The attestation history of `a`'s criterion at its site.
pub fn history_href(a: &AttestationRecord) -> String {
    format!(
        "/readiness/attestations?criterion_id={}&site_id={}#attestation-{}",
        a.criterion_id, a.site_id, a.id
    )
}

/// An evidence file as the history page lists it.
pub struct EvidenceLine {
    pub href: String,
    pub name: String,
    pub size: String,
    pub by: String,
    pub at: String,
}

pub fn lines(a: &AttestationRecord) -> Vec<EvidenceLine> {
    a.files
        .iter()
        .map(|f| EvidenceLine {
            href: format!("/readiness/attestations/{}/evidence/{}", a.id, f.id),
            name: f.file_name.clone(),
            size: size_label(f.size),
            by: f.uploaded_by.clone().unwrap_or_default(),
            at: f.uploaded_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect()
}
