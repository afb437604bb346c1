//! Receiving a file: streamed chunk by chunk to the import directory, counted against the
//! configured limit (`import_max_bytes`) as it comes, so a 2 GB upload never sits in memory
//! and an oversized one is refused with the limit named.

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{Method, header};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use super::import_dir;
use crate::AppState;
use crate::auth::CSRF_FIELD;
use crate::error::AppError;

/// The upload endpoints, which get the longer upload timeout.
pub fn is_upload(method: &Method, path: &str) -> bool {
    method == Method::POST
        && matches!(
            path,
            "/imports/new"
                | "/people/import"
                | "/api/v1/imports"
                | "/api/v1/imports/people"
                | "/api/v1/imports/completions"
                | "/plan/import"
                | "/api/v1/tasks/import"
        )
}

/// A file on disk and the form fields that came with it.
pub struct Received {
    pub path: PathBuf,
    pub file_name: String,
    pub bytes: u64,
    pub fields: Vec<(String, String)>,
}

impl Received {
    /// Drops the file (a refused upload).
    pub fn discard(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / 1024 / 1024)
}

fn too_large(limit: u64) -> AppError {
    AppError::PayloadTooLarge(format!(
        "the file is larger than the import limit of {} (set by MUSTER_IMPORT_MAX_BYTES); split it, or import it with `muster import people` or `muster import completions`",
        mib(limit)
    ))
}

/// Refuses at once a request that says it is larger than the limit.
fn check_length(state: &AppState, request: &Request) -> Result<(), AppError> {
    let limit = state.config.import_max_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit + 64 * 1024 => Err(too_large(limit)),
        _ => Ok(()),
    }
}

/// Writes `chunks` to a new file in the import directory, up to the limit.
async fn save<S, E>(state: &AppState, mut chunks: S) -> Result<(PathBuf, u64), AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let limit = state.config.import_max_bytes;
    let path = import_dir(state)?.join(format!(
        "upload-{}",
        muster_domain::account::random_token(12)
    ));
    let io = |e: std::io::Error| AppError::Internal(format!("saving an upload: {e}"));
    let mut file = tokio::fs::File::create(&path).await.map_err(io)?;
    let mut bytes = 0u64;
    let result = async {
        while let Some(chunk) = chunks.next().await {
            let chunk =
                chunk.map_err(|e| AppError::BadRequest(format!("the upload broke off: {e}")))?;
            bytes += chunk.len() as u64;
            if bytes > limit {
                return Err(too_large(limit));
            }
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)
    }
    .await;
    if let Err(e) = result {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e);
    }
    Ok((path, bytes))
}

/// A multipart form: the `file` part streamed to disk, the other fields kept.
pub async fn multipart(state: &AppState, request: Request) -> Result<Received, AppError> {
    check_length(state, &request)?;
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|e| AppError::BadRequest(format!("send the file as multipart/form-data: {e}")))?;
    let mut fields = Vec::new();
    let mut saved: Option<(PathBuf, u64, String)> = None;
    loop {
        let field = form
            .next_field()
            .await
            .map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" && saved.is_none() {
            let file_name = field.file_name().unwrap_or("upload").to_owned();
            let (path, bytes) = save(state, field).await?;
            saved = Some((path, bytes, file_name));
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|e| AppError::BadRequest(format!("field {name}: {e}")))?;
        if name != CSRF_FIELD {
            fields.push((name, value));
        }
    }
    let Some((path, bytes, file_name)) = saved else {
        return Err(AppError::Invalid(muster_domain::Invalid::one(
            "file",
            "choose a file to import",
        )));
    };
    if bytes == 0 {
        let _ = std::fs::remove_file(&path);
        return Err(AppError::Invalid(muster_domain::Invalid::one(
            "file",
            "the file is empty",
        )));
    }
    Ok(Received {
        path,
        file_name: clean_name(&file_name),
        bytes,
        fields,
    })
}

/// A raw body (`text/csv` or an XLSX type); the settings come from the query string.
pub async fn raw(
    state: &AppState,
    request: Request,
    file_name: &str,
) -> Result<Received, AppError> {
    check_length(state, &request)?;
    let stream = Body::into_data_stream(request.into_body());
    let (path, bytes) = save(state, stream).await?;
    Ok(Received {
        path,
        file_name: clean_name(file_name),
        bytes,
        fields: Vec::new(),
    })
}

/// An API upload: `multipart/form-data` with a `file` part, or the file itself as the body
/// (named by `?file_name=`, else by `default_name` of its content type). The query's
/// parameters come first in `fields`, the form's after them.
pub async fn from_api(
    state: &AppState,
    request: Request,
    default_name: fn(&str) -> String,
) -> Result<Received, AppError> {
    let query: Vec<(String, String)> =
        serde_html_form::from_str(request.uri().query().unwrap_or_default())
            .map_err(|e| AppError::BadRequest(format!("query string: {e}")))?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut received = if content_type.starts_with("multipart/form-data") {
        multipart(state, request).await?
    } else {
        let name = query
            .iter()
            .find(|(k, _)| k == "file_name")
            .map_or_else(|| default_name(&content_type), |(_, v)| v.clone());
        raw(state, request, &name).await?
    };
    let mut fields = query;
    fields.append(&mut received.fields);
    received.fields = fields;
    Ok(received)
}

/// A file name as shown back: its last path part, printable, at most 200 characters.
fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    if cleaned.trim().is_empty() {
        "upload".into()
    } else {
        cleaned
    }
}
