//! The program dashboard (`/alignment`, `GET /api/v1/alignment`): one page for executives
//! on whether the program is still aligned. Each panel is one store call that reads
//! aggregates, never a list of everything.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::decision_log::{PendingDecision, WaveCustomizations};
use muster_domain::embedding::WaveEmbedding;
use muster_domain::goal::benefits::GoalSummary;
use muster_domain::lesson::Lesson;
use muster_domain::stakeholder::commitment::Commitment;
use muster_domain::stakeholder::{StakeholderStance, Stance};
use muster_store::{Store, StoreResult};
use serde::Serialize;

use super::ALIGNMENT;
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::page::{Layout, render};
use crate::resource::Lookup;

/// How many recent lessons, overdue commitments and pending decisions the dashboard lists.
const RECENT_LESSONS: u64 = 5;
const OVERDUE_SHOWN: u64 = 10;
const PENDING_SHOWN: u64 = 10;

/// The program dashboard: each panel is present when the viewer may read its subject.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgramDashboard {
    /// Goals on track, off track and without data, and the off-track ones.
    pub goals: Option<GoalSummary>,
    /// Every stakeholder group's stance, most influential and least supportive first.
    pub stances: Option<Vec<StakeholderStance>>,
    /// How many groups hold each stance, in the stance's order.
    pub stance_counts: Option<Vec<StanceCount>>,
    /// The oldest overdue commitments, and how many there are.
    pub overdue_commitments: Option<Vec<Commitment>>,
    pub overdue_total: Option<u64>,
    /// Open questions in the decision log and change requests awaiting a decision, oldest
    /// first.
    pub pending_decisions: Option<Vec<PendingDecision>>,
    /// Approved and pending customizations per wave.
    pub customizations: Option<Vec<WaveCustomizations>>,
    /// The newest lessons learned.
    pub recent_lessons: Option<Vec<Lesson>>,
    /// Per wave: its leaders and how many were embedded in an earlier go-live.
    pub embedding: Option<Vec<WaveEmbedding>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StanceCount {
    pub stance: Stance,
    pub groups: usize,
}

fn stance_counts(stances: &[StakeholderStance]) -> Vec<StanceCount> {
    Stance::ALL
        .iter()
        .map(|&stance| StanceCount {
            stance,
            groups: stances.iter().filter(|s| s.stance == stance).count(),
        })
        .collect()
}

/// `panel` when the viewer may read it, else nothing (and no query).
async fn when<T>(
    allowed: bool,
    panel: impl Future<Output = StoreResult<T>>,
) -> StoreResult<Option<T>> {
    match allowed {
        true => panel.await.map(Some),
        false => Ok(None),
    }
}

impl ProgramDashboard {
    /// The panels the viewer may read, their queries side by side on the pool's connections
    /// (the page waits for the slowest, not for their sum).
    pub async fn load(store: &Store, actor: &Actor) -> Result<Self, AppError> {
        let may = |subject| actor.may(Action::Read, subject);
        let program = actor.program_id;
        let today = chrono::Utc::now().date_naive();
        let (goals, stances, overdue, pending_decisions, customizations, recent_lessons, embedding) =
            tokio::try_join!(
                when(may(Subject::Goal), store.goal_summary(actor)),
                when(may(Subject::Stakeholder), store.stakeholder_stances(actor)),
                when(
                    may(Subject::Commitment),
                    store.overdue_commitments(actor, today, OVERDUE_SHOWN)
                ),
                when(
                    may(Subject::Decision),
                    store.pending_decisions(actor, PENDING_SHOWN)
                ),
                when(
                    may(Subject::ChangeRequest),
                    store.customizations_by_wave(actor)
                ),
                when(
                    may(Subject::Lesson),
                    store.recent_lessons(program, RECENT_LESSONS)
                ),
                when(may(Subject::Embedding), store.embedding_coverage(program)),
            )?;
        Ok(ProgramDashboard {
            goals,
            stance_counts: stances.as_deref().map(stance_counts),
            stances,
            overdue_total: overdue.as_ref().map(|p| p.total),
            overdue_commitments: overdue.map(|p| p.items),
            pending_decisions,
            customizations,
            recent_lessons,
            embedding,
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
    /// The skeptical and opposed groups, most influential first (at most ten).
    at_risk: Vec<StakeholderStance>,
    lookup: Lookup,
}

pub(super) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    may_open(&viewer.actor)?;
    let d = ProgramDashboard::load(&state.store, &viewer.actor).await?;
    let lookup = Lookup::load(&state.store, viewer.actor.program_id).await?;
    let layout = viewer.layout(
        "Program dashboard",
        vec![(ALIGNMENT.0.into(), ALIGNMENT.1.into())],
    );
    let at_risk = d
        .stances
        .iter()
        .flatten()
        .filter(|s| s.stance.at_risk())
        .take(10)
        .cloned()
        .collect();
    render(
        &DashboardPage {
            layout,
            d,
            at_risk,
            lookup,
        },
        &viewer,
    )
}

/// `GET /api/v1/alignment`: the program dashboard's panels.
#[utoipa::path(get, path = "/api/v1/alignment", tag = "Alignment",
    responses((status = 200, description = "the program dashboard; a panel is null when your role may not read it", body = ProgramDashboard), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub(super) async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<ProgramDashboard>, ApiError> {
    may_open(&caller.actor)?;
    Ok(Json(
        ProgramDashboard::load(&state.store, &caller.actor).await?,
    ))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api), components(schemas(ProgramDashboard, StanceCount)))]
pub struct AlignmentDoc;
