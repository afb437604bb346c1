//! The program dashboard (`/alignment`, `GET /api/v1/alignment`): one page for executives
//! on whether the program is still aligned. Each panel is one store call that reads
//! aggregates, never a list of everything.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::embedding::WaveEmbedding;
use muster_domain::lesson::Lesson;
use muster_store::Store;
use serde::Serialize;

use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::page::{Layout, render};
use crate::resource::Lookup;

/// The first breadcrumb of every alignment page.
pub const ALIGNMENT: (&str, &str) = ("Alignment", "/alignment");

/// How many recent lessons the dashboard lists.
const RECENT_LESSONS: u64 = 5;

/// The program dashboard: each panel is present when the viewer may read its subject.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgramDashboard {
    /// The newest lessons learned.
    pub recent_lessons: Option<Vec<Lesson>>,
    /// Per wave: its leaders and how many were embedded in an earlier go-live.
    pub embedding: Option<Vec<WaveEmbedding>>,
}

impl ProgramDashboard {
    pub async fn load(store: &Store, actor: &Actor) -> Result<Self, AppError> {
        let may = |subject| actor.may(Action::Read, subject);
        let program = actor.program_id;
        Ok(ProgramDashboard {
            recent_lessons: match may(Subject::Lesson) {
                true => Some(store.recent_lessons(program, RECENT_LESSONS).await?),
                false => None,
            },
            embedding: match may(Subject::Embedding) {
                true => Some(store.embedding_coverage(program).await?),
                false => None,
            },
        })
    }
}

/// Who may open the dashboard: whoever may read the program's goals.
fn may_open(actor: &Actor) -> Result<(), AppError> {
    require(actor, Action::Read, Subject::Goal)
}

#[derive(Template)]
#[template(path = "alignment/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    d: ProgramDashboard,
    lookup: Lookup,
}

async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    may_open(&viewer.actor)?;
    let d = ProgramDashboard::load(&state.store, &viewer.actor).await?;
    let lookup = Lookup::load(&state.store, viewer.actor.program_id).await?;
    let layout = viewer.layout(
        "Program dashboard",
        vec![(ALIGNMENT.0.into(), ALIGNMENT.1.into())],
    );
    render(&DashboardPage { layout, d, lookup }, &viewer)
}

/// `GET /api/v1/alignment`: the program dashboard's panels.
#[utoipa::path(get, path = "/api/v1/alignment", tag = "Alignment",
    responses((status = 200, description = "the program dashboard; a panel is null when your role may not read it", body = ProgramDashboard), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<ProgramDashboard>, ApiError> {
    may_open(&caller.actor)?;
    Ok(Json(
        ProgramDashboard::load(&state.store, &caller.actor).await?,
    ))
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/alignment", get(page))
        .route("/api/v1/alignment", get(api))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api), components(schemas(ProgramDashboard)))]
pub struct AlignmentDoc;
