//! The import pages: upload, then the mapping with a preview of the first rows, then the
//! progress page (a small script refreshes the figures; without it the page reloads
//! itself), then the outcome with its counts and the rejects file. Plain forms throughout.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Subject};
use muster_domain::import::date::DateOrder;
use muster_domain::import::{ImportJob, ImportKind, ImportMode, ImportStatus, Mapping, resolve};

use super::{JobView, accept, job, kind_from, place, plan_or_default, spawn, upload, view};
use crate::AppState;
use crate::access::{require, require_at, require_import};
use crate::auth::Viewer;
use crate::error::{AppError, PageError};
use crate::form::{Field, FieldKind, FormFields, RecordId};
use crate::page::{Layout, redirect_with_flash, render, render_with, thousands};
use crate::resource::choice_options;

fn crumbs() -> Vec<(String, String)> {
    vec![("Imports".into(), "/imports".into())]
}

/// A kind the upload form offers: what it is and what its file holds.
pub struct KindChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub checked: bool,
}

fn kind_help(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::People => {
            "The roster HR exports. Each person is found by their employee id, so next month's file updates people instead of adding them twice."
        }
        ImportKind::Completions => {
            "Course completions an LMS exports: employee id, course code, completion date, and optionally score and source. A later completion of a course replaces an earlier one."
        }
        ImportKind::Measurements => {
            "KPI measurements for the benefit goals: goal name, site code (blank for program-wide), period and value in the goal's unit. The same goal, site and period again replaces the value."
        }
    }
}

#[derive(Template)]
#[template(path = "imports/upload.html")]
struct UploadPage {
    layout: Layout,
    error: Option<String>,
    limit: String,
    kinds: Vec<KindChoice>,
    recent: Vec<JobView>,
}

#[derive(Template)]
#[template(path = "imports/list.html")]
struct ListPage {
    layout: Layout,
    can_create: bool,
    jobs: Vec<JobView>,
}

async fn recent(state: &AppState, viewer: &Viewer, limit: u64) -> Result<Vec<JobView>, AppError> {
    let actor = &viewer.actor;
    let page = state
        .store
        .list_imports(
            actor.program_id,
            &actor.read_scope(Subject::Import),
            None,
            limit,
        )
        .await?;
    Ok(page
        .items
        .into_iter()
        .map(|j| view(state, actor.program_id, j, false))
        .collect())
}

async fn upload_page(
    state: &AppState,
    viewer: &Viewer,
    kind: ImportKind,
    error: Option<String>,
) -> Result<UploadPage, AppError> {
    let kinds = ImportKind::ALL
        .iter()
        .filter(|k| viewer.actor.may_import(k.subject()))
        .map(|&k| KindChoice {
            code: k.code(),
            label: k.label(),
            help: kind_help(k),
            checked: k == kind,
        })
        .collect();
    Ok(UploadPage {
        layout: viewer.layout(format!("Import {}", kind.subject().label()), crumbs()),
        error,
        limit: format!("{} MiB", state.config.import_max_bytes / 1024 / 1024),
        kinds,
        recent: recent(state, viewer, 5).await?,
    })
}

async fn kind_form(
    state: &AppState,
    viewer: &Viewer,
    kind: ImportKind,
) -> Result<Response, PageError> {
    require_import(&viewer.actor, kind)?;
    render(&upload_page(state, viewer, kind, None).await?, viewer)
}

/// `GET /imports/new?kind=`: choose what to import and the file.
pub async fn upload_form(
    State(state): State<AppState>,
    viewer: Viewer,
    crate::form::Params(query): crate::form::Params<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let default = ImportKind::ALL
        .iter()
        .copied()
        .find(|k| viewer.actor.may_import(k.subject()))
        .unwrap_or(ImportKind::People);
    let kind = kind_from(&query, default)?;
    kind_form(&state, &viewer, kind).await
}

/// `GET /people/import`: the upload form for a roster.
pub async fn people_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    kind_form(&state, &viewer, ImportKind::People).await
}

/// `GET /completions/import`: the upload form for an LMS completions export.
pub async fn completions_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    kind_form(&state, &viewer, ImportKind::Completions).await
}

/// `POST /imports/new` (and `/people/import`): the file streams to disk; then its mapping.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    request: Request,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Create, Subject::Import)?;
    let received = match upload::multipart(&state, request).await {
        Ok(received) => received,
        Err(e) => return refuse_upload(&state, &viewer, ImportKind::People, e).await,
    };
    let kind = match kind_from(&received.fields, ImportKind::People) {
        Ok(kind) => kind,
        Err(e) => {
            received.discard();
            return refuse_upload(&state, &viewer, ImportKind::People, e).await;
        }
    };
    match accept(&state, &viewer.actor, viewer.via(), received, kind, None).await {
        Ok(job) => Ok(redirect_with_flash(
            &format!("/imports/{}", job.id),
            "File received. Check how its columns map, then start the import.",
        )),
        Err(e) => refuse_upload(&state, &viewer, kind, e).await,
    }
}

/// The upload form again with what was wrong with the file.
async fn refuse_upload(
    state: &AppState,
    viewer: &Viewer,
    kind: ImportKind,
    e: AppError,
) -> Result<Response, PageError> {
    let status = e.status();
    let message = match &e {
        AppError::Invalid(invalid) => invalid
            .0
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        AppError::PayloadTooLarge(m) | AppError::BadRequest(m) => m.clone(),
        _ => return Err(e.into()),
    };
    render_with(
        status,
        &upload_page(state, viewer, kind, Some(message)).await?,
        viewer,
    )
}

/// `GET /imports`: the imports the viewer may see.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Read, Subject::Import)?;
    let page = ListPage {
        layout: viewer.layout("Imports", Vec::new()),
        can_create: viewer.actor.may(Action::Create, Subject::Import),
        jobs: recent(&state, &viewer, 100).await?,
    };
    render(&page, &viewer)
}

/// One row of the preview table.
pub struct PreviewRow {
    pub number: u64,
    pub values: Vec<String>,
    pub errors: String,
}

#[derive(Template)]
#[template(path = "imports/mapping.html")]
struct MappingPage {
    layout: Layout,
    job: ImportJob,
    /// One chooser per field of the kind (`map_{key}`), with the problems no field shows.
    form: FormFields,
    /// What to do with bad rows, how to read dates, whether the file is the whole roster.
    options: Vec<Field>,
    columns: Vec<&'static str>,
    preview: Vec<PreviewRow>,
    ignored: Vec<String>,
    notes: Vec<String>,
}

/// The mapping form's field for column `key`: `map_{key}`.
fn map_name(key: &str) -> String {
    format!("map_{key}")
}

/// The options below the mapping, as the job (or the refused submission) has them.
fn option_fields(job: &ImportJob) -> Vec<Field> {
    let modes = [
        (
            ImportMode::AllOrNothing,
            "All or nothing: import nothing, and list every bad row",
        ),
        (
            ImportMode::ValidRows,
            "Import the valid rows, and give me the rejects as a CSV file",
        ),
    ];
    let mut fields = vec![
        Field::new(
            "mode",
            "If some rows have errors",
            FieldKind::Radios(
                modes
                    .iter()
                    .map(|(m, label)| (m.code().to_owned(), (*label).to_owned()))
                    .collect(),
            ),
            Some(job.mode.code()),
        ),
        Field::new(
            "date_order",
            "Dates written with slashes, such as 03/04/2027",
            FieldKind::Radios(choice_options(
                DateOrder::ALL,
                DateOrder::code,
                DateOrder::label,
                None,
            )),
            Some(job.date_order.code()),
        ),
    ];
    if job.kind == ImportKind::People {
        fields.push(
            Field::new(
                "complete_roster",
                "This file is the complete roster: mark people who are not in it inactive",
                FieldKind::Check,
                job.complete_roster.then_some("true"),
            )
            .help("Only people with an employee id are marked inactive (never deleted); people entered by hand without one, such as consultants and vendor staff, are kept."),
        );
    }
    fields
}

#[derive(Template)]
#[template(path = "imports/show.html")]
struct ShowPage {
    layout: Layout,
    view: JobView,
    running: bool,
    counts: Vec<(&'static str, String)>,
}

/// `GET /imports/{id}`: the mapping while the file waits, else progress or outcome.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let job = job(&state, &viewer.actor, id).await?;
    if job.status == ImportStatus::Uploaded {
        let mapping = Mapping(job.mapping.clone());
        return mapping_page(&state, &viewer, job, &mapping, StatusCode::OK, None).await;
    }
    let view = view(&state, viewer.actor.program_id, job, false);
    let c = view.job.counts;
    let counts = match view.job.kind {
        ImportKind::People => vec![
            ("Rows read", thousands(c.rows_done)),
            ("New people", thousands(c.imported)),
            ("Updated", thousands(c.updated)),
            ("Unchanged", thousands(c.unchanged)),
            ("Marked inactive", thousands(c.deactivated)),
            ("Rejected rows", thousands(c.rejected)),
        ],
        ImportKind::Completions => vec![
            ("Rows read", thousands(c.rows_done)),
            ("New completions", thousands(c.imported)),
            ("Replaced by a later completion", thousands(c.updated)),
            ("Unchanged", thousands(c.unchanged)),
            ("Rejected rows", thousands(c.rejected)),
        ],
        ImportKind::Measurements => vec![
            ("Rows read", thousands(c.rows_done)),
            ("New measurements", thousands(c.imported)),
            ("Replaced", thousands(c.updated)),
            ("Rejected rows", thousands(c.rejected)),
        ],
    };
    let page = ShowPage {
        layout: viewer.layout(
            format!("Import {}: {}", view.job.id, view.job.file_name),
            crumbs(),
        ),
        running: view.job.status.in_progress(),
        view,
        counts,
    };
    render(&page, &viewer)
}

/// The mapping form with a preview of the first rows under it, or each field's problem
/// beside its chooser; `refused` adds the errors of a refused submission's options.
async fn mapping_page(
    state: &AppState,
    viewer: &Viewer,
    job: ImportJob,
    mapping: &Mapping,
    status: StatusCode,
    refused: Option<&Invalid>,
) -> Result<Response, PageError> {
    let files = state
        .store
        .import_files(viewer.actor.program_id, job.id)
        .await?;
    let path = files.upload.ok_or_else(|| {
        AppError::NotFound("the uploaded file is no longer here; upload it again".into())
    })?;
    let path = std::path::PathBuf::from(path);
    let kind = job.kind;
    let columns = kind.columns();
    let opened = muster_import::open(&path, &job.file_name, kind, &Default::default())
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let headers = opened.info.headers.clone();
    let resolved =
        resolve(columns, &headers, mapping).and_then(|r| kind.check_mapping(&r).map(|_| r));
    let (mut errors, preview, ignored) = match &resolved {
        Ok(r) => {
            let rows = muster_import::preview(
                &state.store,
                &viewer.actor,
                &job,
                &path,
                opened.format,
                r,
                10,
            )
            .await
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
            let rows = rows
                .into_iter()
                .map(|row| PreviewRow {
                    number: row.number,
                    values: row.values,
                    errors: muster_domain::import::reason(&row.errors),
                })
                .collect();
            (
                Vec::new(),
                rows,
                r.ignored
                    .iter()
                    .filter(|h| !h.is_empty())
                    .cloned()
                    .collect(),
            )
        }
        Err(invalid) => (invalid.0.clone(), Vec::new(), Vec::new()),
    };
    // A column's error belongs beside its chooser, `map_{key}`; others are listed above.
    for e in &mut errors {
        if columns.iter().any(|c| c.key == e.field) {
            e.field = map_name(&e.field);
        }
    }
    errors.extend(refused.into_iter().flat_map(|i| i.0.iter().cloned()));
    let invalid = (!errors.is_empty()).then_some(Invalid(errors));
    let suggested = muster_domain::import::suggest(columns, &headers, mapping);
    let mut choices = vec![(String::new(), "— not imported —".to_owned())];
    choices.extend(
        headers
            .iter()
            .filter(|h| !h.is_empty())
            .map(|h| (h.clone(), h.clone())),
    );
    let mut fields: Vec<Field> = columns
        .iter()
        .map(|c| {
            let field = Field::new(
                map_name(c.key),
                c.label,
                FieldKind::Select(choices.clone()),
                suggested.get(c.key).map(String::as_str),
            );
            let field = if c.help.is_empty() {
                field
            } else {
                field.help(c.help)
            };
            if c.required { field.required() } else { field }
        })
        .collect();
    fields.extend(option_fields(&job));
    let mut form = FormFields::new(fields, invalid.as_ref());
    let options = form.fields.split_off(columns.len());
    let page = MappingPage {
        layout: viewer.layout(format!("Import {}: {}", job.id, job.file_name), crumbs()),
        job,
        form,
        options,
        columns: columns.iter().map(|c| c.label).collect(),
        preview,
        ignored,
        notes: opened.info.notes,
    };
    render_with(status, &page, viewer)
}

/// `POST /imports/{id}`: `intent=preview` shows the rows under the chosen mapping;
/// `intent=start` queues the import and shows its progress.
pub async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    request: Request,
) -> Result<Response, PageError> {
    let job = job(&state, &viewer.actor, id).await?;
    require_at(&viewer.actor, Action::Create, Subject::Import, place(&job))?;
    require_import(&viewer.actor, job.kind)?;
    let bytes = axum::body::to_bytes(request.into_body(), 256 * 1024)
        .await
        .map_err(|_| AppError::PayloadTooLarge("the form is too large".into()))?;
    let fields: Vec<(String, String)> = serde_html_form::from_bytes(&bytes)
        .map_err(|e| AppError::BadRequest(format!("form: {e}")))?;
    let start = fields.iter().any(|(k, v)| k == "intent" && v == "start");
    if job.status != ImportStatus::Uploaded {
        return Ok(redirect_with_flash(
            &format!("/imports/{id}"),
            "This import has already started.",
        ));
    }
    let (plan, refused) = plan_or_default(&fields);
    // A refused form is shown with the options as submitted.
    let as_submitted = |mut job: ImportJob| {
        job.mode = plan.mode;
        job.complete_roster = plan.complete_roster;
        job.date_order = plan.date_order;
        job
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(invalid) = refused {
        let job = as_submitted(job);
        return mapping_page(
            &state,
            &viewer,
            job,
            &plan.mapping,
            unprocessable,
            Some(&invalid),
        )
        .await;
    }
    let files = state
        .store
        .import_files(viewer.actor.program_id, id)
        .await?;
    let path = files
        .upload
        .ok_or_else(|| AppError::NotFound("the uploaded file is gone; upload it again".into()))?;
    let opened = muster_import::open(
        std::path::Path::new(&path),
        &job.file_name,
        job.kind,
        &plan.mapping,
    )
    .await
    .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let resolved = match opened.resolved {
        Ok(r) => r,
        Err(Invalid(_)) => {
            let job = as_submitted(job);
            return mapping_page(&state, &viewer, job, &plan.mapping, unprocessable, None).await;
        }
    };
    let job = state
        .store
        .plan_import(
            viewer.actor.program_id,
            id,
            &plan.stored(resolved.mapping(job.kind.columns())),
            start,
        )
        .await?;
    if !start {
        let mapping = Mapping(job.mapping.clone());
        return mapping_page(&state, &viewer, job, &mapping, StatusCode::OK, None).await;
    }
    spawn(&state, &viewer.actor, viewer.via(), job)?;
    Ok(redirect_with_flash(
        &format!("/imports/{id}"),
        "Import started.",
    ))
}

/// `GET /imports/{id}/rejects.csv`.
pub async fn rejects(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    Ok(super::rejects_download(&state, &viewer.actor, id).await?)
}
