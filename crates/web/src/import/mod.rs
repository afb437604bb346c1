//! Imports in pages and the API: a file streamed to the server's import directory (never
//! held in memory), its columns mapped with a preview, then run in the background while
//! the progress page and `GET /api/v1/imports/{id}` show how far it is.

pub(crate) mod api;
mod pages;
pub(crate) mod upload;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::audit::Via;
use muster_domain::import::date::DateOrder;
use muster_domain::import::{ImportId, ImportJob, ImportKind, ImportStatus};
use muster_import::Progress;
use muster_store::import::ImportPlan;
use serde::Serialize;

use crate::AppState;
use crate::access::{require_at, require_import};
use crate::error::AppError;

pub use upload::is_upload;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/imports/new", get(pages::upload_form))
        .route("/people/import", get(pages::people_form))
        .route("/completions/import", get(pages::completions_form))
        .route("/imports", get(pages::list))
        .route("/imports/{id}", get(pages::show).post(pages::plan))
        .route("/imports/{id}/rejects.csv", get(pages::rejects))
        .route("/api/v1/imports", get(api::list))
        .route("/api/v1/imports/{id}", get(api::get))
        .route("/api/v1/imports/{id}/rejects", get(api::rejects))
}

/// Routes that take files: outside the 1 MiB body limit, with their own (`import_max_bytes`,
/// counted while the file streams to disk).
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/imports/new", post(pages::upload))
        .route("/people/import", post(pages::upload))
        .route("/api/v1/imports", post(api::upload))
        .route("/api/v1/imports/people", post(api::upload_people))
        .route("/api/v1/imports/completions", post(api::upload_completions))
        .layer(DefaultBodyLimit::disable())
}

/// The imports running in this process and their live tallies.
#[derive(Default)]
pub struct Runs {
    running: Mutex<HashMap<(i64, ImportId), Arc<Progress>>>,
}

impl Runs {
    fn progress(&self, program_id: i64, id: ImportId) -> Option<Arc<Progress>> {
        self.running
            .lock()
            .expect("runs lock")
            .get(&(program_id, id))
            .cloned()
    }
}

/// A job as pages and the API show it: live tallies while it runs here.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    #[serde(flatten)]
    pub job: ImportJob,
    /// How far the reading is, 0 to 100, while it runs.
    pub percent: Option<u8>,
    /// Where the rejects CSV can be downloaded.
    pub rejects_url: Option<String>,
}

pub fn view(state: &AppState, program_id: i64, mut job: ImportJob, api: bool) -> JobView {
    let mut percent = None;
    if job.status.in_progress()
        && let Some(progress) = state.imports.progress(program_id, job.id)
    {
        let total = job.counts.rows_total;
        job.counts = progress.counts();
        job.counts.rows_total = total;
        percent = Some(progress.percent());
    }
    let rejects_url = job.has_rejects.then(|| {
        if api {
            format!("/api/v1/imports/{}/rejects", job.id)
        } else {
            format!("/imports/{}/rejects.csv", job.id)
        }
    });
    JobView {
        job,
        percent,
        rejects_url,
    }
}

/// The job `id` of the caller's program, if they may see it.
pub async fn job(state: &AppState, actor: &Actor, id: ImportId) -> Result<ImportJob, AppError> {
    let job = state.store.import_job(actor.program_id, id).await?;
    require_at(actor, Action::Read, Subject::Import, place(&job))?;
    Ok(job)
}

pub fn place(job: &ImportJob) -> Place<'static> {
    Place::Import {
        started_by: job.actor_account_id,
    }
}

/// Where uploads and rejects are kept.
pub fn import_dir(state: &AppState) -> Result<PathBuf, AppError> {
    let dir = state.config.import_dir.clone();
    std::fs::create_dir_all(&dir)
        .map_err(|e| AppError::Internal(format!("import directory {}: {e}", dir.display())))?;
    Ok(dir)
}

/// Runs a queued job in the background; the upload is removed when it ends.
pub fn spawn(state: &AppState, actor: &Actor, via: Via, job: ImportJob) -> Result<(), AppError> {
    debug_assert_eq!(job.status, ImportStatus::Queued);
    let progress = Arc::new(Progress::default());
    let key = (actor.program_id, job.id);
    state
        .imports
        .running
        .lock()
        .expect("runs lock")
        .insert(key, progress.clone());
    let dir = import_dir(state)?;
    let (state, actor) = (state.clone(), actor.clone());
    tokio::spawn(async move {
        let files = state.store.import_files(actor.program_id, job.id).await;
        let upload = files.ok().and_then(|f| f.upload).map(PathBuf::from);
        let rejects = dir.join(format!(
            "rejects-{}-{}.csv",
            job.id,
            muster_domain::account::random_token(8)
        ));
        match &upload {
            Some(path) => {
                muster_import::run(&state.store, &actor, via, &job, path, &rejects, progress).await;
                let _ = std::fs::remove_file(path);
            }
            None => tracing::error!(job = job.id, "a queued import has no uploaded file"),
        }
        state
            .imports
            .running
            .lock()
            .expect("runs lock")
            .remove(&key);
    });
    Ok(())
}

/// What the user chose: the mode, complete roster or not, the date order and the mapping.
pub struct Plan {
    pub mode: muster_domain::import::ImportMode,
    pub complete_roster: bool,
    pub date_order: DateOrder,
    pub mapping: muster_domain::import::Mapping,
}

impl Plan {
    /// The plan as the store keeps it, with the mapping as resolved.
    pub fn stored(&self, mapping: std::collections::BTreeMap<String, String>) -> ImportPlan {
        ImportPlan {
            mode: self.mode,
            complete_roster: self.complete_roster,
            date_order: self.date_order,
            mapping,
        }
    }
}

/// The kind a form or query names (`kind`), else `default`.
pub fn kind_from(fields: &[(String, String)], default: ImportKind) -> Result<ImportKind, AppError> {
    match fields
        .iter()
        .find(|(k, _)| k == "kind")
        .map(|(_, v)| v.trim())
    {
        None | Some("") => Ok(default),
        Some(kind) => ImportKind::parse(kind)
            .map_err(|e| AppError::Invalid(muster_domain::Invalid::one("kind", e))),
    }
}

/// The plan in form or query fields: `mode`, `complete_roster`, `date_order` and
/// `map_<field>=Header`; every option's error at once.
pub fn plan_from(fields: &[(String, String)]) -> Result<Plan, AppError> {
    let (plan, invalid) = plan_or_default(fields);
    match invalid {
        None => Ok(plan),
        Some(invalid) => Err(AppError::Invalid(invalid)),
    }
}

/// The plan the fields give, with the default in place of an option that is wrong, and the
/// errors: a refused form is shown again with everything else as submitted.
pub fn plan_or_default(fields: &[(String, String)]) -> (Plan, Option<muster_domain::Invalid>) {
    use muster_domain::import::ImportMode;
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().replace('-', "_"))
            .filter(|v| !v.is_empty())
    };
    let mut v = muster_domain::validate::Validator::new();
    let mode = v
        .optional("mode", get("mode"), |m| ImportMode::parse(&m))
        .flatten()
        .unwrap_or(ImportMode::AllOrNothing);
    let date_order = v
        .optional("date_order", get("date_order"), |m| DateOrder::parse(&m))
        .flatten()
        .unwrap_or_default();
    let complete_roster = matches!(
        get("complete_roster").as_deref(),
        Some("true" | "on" | "yes" | "1")
    );
    let plan = Plan {
        mode,
        complete_roster,
        date_order,
        mapping: mapping_from(fields),
    };
    (plan, v.finish(|| ()).err())
}

/// The `map_{key}` fields of a form or query string: which column holds each field.
fn mapping_from(fields: &[(String, String)]) -> muster_domain::import::Mapping {
    muster_domain::import::Mapping(
        fields
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("map_")?.to_owned(), v.trim().to_owned())))
            .collect(),
    )
}

/// Takes a received file: its format and header are checked at once (a bad file is refused
/// here, not after a wait). With a plan (the API) the job is queued and started; without
/// (the pages) it waits for its mapping.
pub async fn accept(
    state: &AppState,
    actor: &Actor,
    via: Via,
    received: upload::Received,
    kind: ImportKind,
    plan: Option<Plan>,
) -> Result<ImportJob, AppError> {
    use muster_domain::import::ImportMode;
    if let Err(e) = require_import(actor, kind) {
        received.discard();
        return Err(e);
    }
    let mapping = plan.as_ref().map(|p| p.mapping.clone()).unwrap_or_default();
    let opened =
        match muster_import::open(&received.path, &received.file_name, kind, &mapping).await {
            Ok(opened) => opened,
            Err(e) => {
                received.discard();
                return Err(AppError::Invalid(muster_domain::Invalid::one(
                    "file",
                    e.to_string(),
                )));
            }
        };
    let status = if plan.is_some() {
        ImportStatus::Queued
    } else {
        ImportStatus::Uploaded
    };
    let used = match (opened.resolved, &plan) {
        (Ok(r), Some(_)) => r.mapping(kind.columns()),
        (Ok(r), None) => r.used,
        (Err(invalid), Some(_)) => {
            received.discard();
            return Err(AppError::Invalid(invalid));
        }
        (Err(_), None) => Default::default(),
    };
    let new = muster_store::import::NewImport {
        kind,
        file_name: received.file_name.clone(),
        file_bytes: received.bytes,
        format: opened.format,
        status,
        mode: plan.as_ref().map_or(ImportMode::AllOrNothing, |p| p.mode),
        complete_roster: kind == ImportKind::People
            && plan.as_ref().is_some_and(|p| p.complete_roster),
        date_order: plan.as_ref().map_or(DateOrder::Either, |p| p.date_order),
        mapping: used,
        upload_path: Some(received.path.display().to_string()),
    };
    let job = state
        .store
        .create_import(&muster_store::Change::new(actor, via), new)
        .await?;
    if status == ImportStatus::Queued {
        spawn(state, actor, via, job.clone())?;
    }
    Ok(job)
}

/// The rejects file of a job, as a download.
pub async fn rejects_download(
    state: &AppState,
    actor: &Actor,
    id: ImportId,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let job = job(state, actor, id).await?;
    let files = state.store.import_files(actor.program_id, id).await?;
    let missing = || AppError::NotFound(format!("import {id} has no rejects file"));
    let path = files
        .rejects
        .filter(|_| job.has_rejects)
        .ok_or_else(missing)?;
    let file = tokio::fs::File::open(&path).await.map_err(|_| missing())?;
    let stem = job
        .file_name
        .rsplit_once('.')
        .map_or(job.file_name.as_str(), |(s, _)| s);
    let download: String = format!("{stem}-rejects.csv")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let body = axum::body::Body::from_stream(tokio_util_stream(file));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{download}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// A file as a stream of chunks, so a large rejects file is not read whole.
fn tokio_util_stream(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> {
    use tokio::io::AsyncReadExt;
    futures_util::stream::unfold(file, |mut file| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(bytes::Bytes::from(buf)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    })
}
