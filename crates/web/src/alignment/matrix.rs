//! The alignment matrix (`/stakeholders/matrix`, `GET /api/v1/stakeholders/matrix`) and its
//! cells (`/stakeholders/{id}/alignment/{goal_id}`, `PUT /api/v1/...`): groups against
//! goals, each a gain, a concession or neutral, with a note. Kept by whoever may change
//! stakeholder groups; read by whoever reads both groups and goals.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::alignment::{
    AlignmentCell, AlignmentCellDraft, AlignmentMatrix, Effect, Heading,
};
use muster_domain::audit::Via;
use muster_store::{Change, Store, StoreResult};
use serde::Deserialize;

use super::ALIGNMENT;
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, HtmlForm, Params};
use crate::page::{Layout, redirect_with_flash, render, settings_form};
use crate::resource::api::ApiJson;
use crate::resource::{Cell, Section, choice_options};

const PATH: &str = "/stakeholders/matrix";
/// Groups per page of the matrix (a national program has hundreds).
const GROUPS_SHOWN: usize = 40;

fn may_read(actor: &Actor) -> Result<(), AppError> {
    require(actor, Action::Read, Subject::Stakeholder)?;
    require(actor, Action::Read, Subject::Goal)
}

fn may_edit(actor: &Actor) -> Result<(), AppError> {
    require(actor, Action::Update, Subject::Stakeholder)
}

struct CellView {
    goal_id: i64,
    goal_name: String,
    label: &'static str,
    class: &'static str,
    note: Option<String>,
}

struct RowView {
    group: Heading,
    cells: Vec<CellView>,
    gains: usize,
    concessions: usize,
}

#[derive(Template)]
#[template(path = "alignment/matrix.html")]
struct MatrixPage {
    layout: Layout,
    m: AlignmentMatrix,
    rows: Vec<RowView>,
    offset: usize,
    shown: usize,
    may_edit: bool,
    previous_href: Option<String>,
    next_href: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct MatrixQuery {
    offset: Option<usize>,
}

fn cell_view(m: &AlignmentMatrix, group: i64, goal: &Heading) -> CellView {
    let cell = m.cell(group, goal.id);
    let (label, class) = match cell.map(|c| c.effect) {
        Some(Effect::Gain) => ("Gain", "gain"),
        Some(Effect::Concession) => ("Concession", "concession"),
        Some(Effect::Neutral) => ("Neutral", "neutral"),
        None => ("Not discussed", "none"),
    };
    CellView {
        goal_id: goal.id,
        goal_name: goal.name.clone(),
        label,
        class,
        note: cell.and_then(|c| c.note.clone()),
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<MatrixQuery>,
) -> Result<Response, PageError> {
    may_read(&viewer.actor)?;
    let m = state
        .store
        .alignment_matrix(viewer.actor.program_id)
        .await?;
    let offset = q.offset.unwrap_or(0).min(m.groups.len());
    let rows: Vec<RowView> = m
        .groups
        .iter()
        .skip(offset)
        .take(GROUPS_SHOWN)
        .map(|g| {
            let (gains, concessions) = m.balance(g.id);
            RowView {
                group: g.clone(),
                cells: m
                    .goals
                    .iter()
                    .map(|goal| cell_view(&m, g.id, goal))
                    .collect(),
                gains,
                concessions,
            }
        })
        .collect();
    let shown = rows.len();
    let previous_href =
        (offset > 0).then(|| format!("{PATH}?offset={}", offset.saturating_sub(GROUPS_SHOWN)));
    let next_href =
        (offset + shown < m.groups.len()).then(|| format!("{PATH}?offset={}", offset + shown));
    let layout = viewer.layout(
        "Alignment matrix",
        vec![
            (ALIGNMENT.0.into(), ALIGNMENT.1.into()),
            ("Alignment matrix".into(), PATH.into()),
        ],
    );
    let page = MatrixPage {
        layout,
        may_edit: may_edit(&viewer.actor).is_ok(),
        m,
        rows,
        offset,
        shown,
        previous_href,
        next_href,
    };
    render(&page, &viewer)
}

/// `GET /api/v1/stakeholders/matrix`: every group, every goal and the discussed cells.
#[utoipa::path(get, path = "/api/v1/stakeholders/matrix", tag = "Alignment",
    responses((status = 200, description = "groups, goals and the cells discussed", body = AlignmentMatrix), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub(super) async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<AlignmentMatrix>, ApiError> {
    may_read(&caller.actor)?;
    Ok(Json(
        state
            .store
            .alignment_matrix(caller.actor.program_id)
            .await?,
    ))
}

async fn cell_form(
    store: &Store,
    viewer: &Viewer,
    (group, goal): (i64, i64),
    draft: &AlignmentCellDraft,
    invalid: Option<&Invalid>,
) -> Result<Response, PageError> {
    let program = viewer.actor.program_id;
    let group = store.stakeholder(program, group).await?;
    let goal = store.goal(program, goal).await?;
    let fields = vec![
        Field::new(
            "effect",
            "For this group, the goal is",
            FieldKind::Select(choice_options(
                Effect::ALL,
                Effect::code,
                Effect::label,
                None,
            )),
            draft.effect.as_deref(),
        )
        .required(),
        Field::new(
            "note",
            "What they gain or concede",
            FieldKind::TextArea,
            draft.note.as_deref(),
        )
        .help("Required for a gain or a concession"),
    ];
    let layout = viewer.layout(
        format!("{} and {}", group.name, goal.name),
        vec![
            (ALIGNMENT.0.into(), ALIGNMENT.1.into()),
            ("Alignment matrix".into(), PATH.into()),
        ],
    );
    let action = format!("/stakeholders/{}/alignment/{}", group.id, goal.id);
    settings_form(viewer, layout, &action, PATH, fields, invalid)
}

pub(super) async fn cell_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((group, goal)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    may_edit(&viewer.actor)?;
    let m = state
        .store
        .alignment_matrix(viewer.actor.program_id)
        .await?;
    let draft = m
        .cell(group, goal)
        .map(AlignmentCellDraft::from)
        .unwrap_or_default();
    cell_form(&state.store, &viewer, (group, goal), &draft, None).await
}

pub(super) async fn cell_save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((group, goal)): Path<(i64, i64)>,
    HtmlForm(draft): HtmlForm<AlignmentCellDraft>,
) -> Result<Response, PageError> {
    may_edit(&viewer.actor)?;
    let spec = match draft.clone().parse() {
        Ok(spec) => spec,
        Err(invalid) => {
            return cell_form(&state.store, &viewer, (group, goal), &draft, Some(&invalid)).await;
        }
    };
    let change = Change::new(&viewer.actor, Via::Ui);
    let cell = state
        .store
        .set_alignment_cell(&change, group, goal, spec)
        .await?;
    Ok(redirect_with_flash(
        PATH,
        &format!("Recorded: {}", cell.effect.label().to_lowercase()),
    ))
}

/// `PUT /api/v1/stakeholders/{id}/alignment/{goal_id}`: records one cell.
#[utoipa::path(put, path = "/api/v1/stakeholders/{id}/alignment/{goal_id}", tag = "Alignment",
    request_body = AlignmentCellDraft,
    params(("id" = i64, Path, description = "the stakeholder group"), ("goal_id" = i64, Path, description = "the goal")),
    responses((status = 200, description = "the cell as recorded", body = AlignmentCell), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 404, description = "no such group or goal", body = crate::error::Problem), (status = 422, description = "a field that needs attention", body = crate::error::Problem)))]
pub(super) async fn cell_api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((group, goal)): Path<(i64, i64)>,
    ApiJson(draft): ApiJson<AlignmentCellDraft>,
) -> Result<Json<AlignmentCell>, ApiError> {
    may_edit(&caller.actor)?;
    let spec = draft.parse()?;
    let change = Change::new(&caller.actor, Via::Api);
    Ok(Json(
        state
            .store
            .set_alignment_cell(&change, group, goal, spec)
            .await?,
    ))
}

/// A group's row of the matrix, for its page: each goal and what it means for the group.
pub async fn group_row(store: &Store, actor: &Actor, group: i64) -> StoreResult<Section> {
    let rows = match may_read(actor) {
        Ok(()) => {
            let m = store.alignment_matrix(actor.program_id).await?;
            m.goals
                .iter()
                .map(|goal| {
                    let c = cell_view(&m, group, goal);
                    vec![
                        Cell::link(&goal.name, format!("/goals/{}", goal.id)),
                        Cell::text(c.label),
                        Cell::text(c.note.unwrap_or_default()),
                    ]
                })
                .collect()
        }
        Err(_) => Vec::new(),
    };
    Ok(Section {
        title: "Alignment with the program's goals".into(),
        columns: vec!["Goal", "For this group", "Note"],
        rows,
        more: Some(("The whole alignment matrix".into(), PATH.into())),
    })
}

/// The groups a goal concerns (a gain or a concession in the matrix), for the goal's page.
pub async fn goal_groups(store: &Store, actor: &Actor, goal: i64) -> StoreResult<Section> {
    let rows = match may_read(actor) {
        Ok(()) => {
            let m = store.alignment_matrix(actor.program_id).await?;
            m.groups
                .iter()
                .filter_map(|g| {
                    let cell = m.cell(g.id, goal)?;
                    (cell.effect != Effect::Neutral).then(|| {
                        vec![
                            Cell::link(&g.name, format!("/stakeholders/{}", g.id)),
                            Cell::text(cell.effect.label()),
                            Cell::text(cell.note.clone().unwrap_or_default()),
                        ]
                    })
                })
                .collect()
        }
        Err(_) => Vec::new(),
    };
    Ok(Section {
        title: "Stakeholder groups it concerns".into(),
        columns: vec!["Stakeholder group", "The goal is", "Note"],
        rows,
        more: Some(("The alignment matrix".into(), PATH.into())),
    })
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(api, cell_api),
    components(schemas(AlignmentMatrix, AlignmentCell, AlignmentCellDraft, Heading, Effect))
)]
pub struct MatrixDoc;
