//! Baselines as a resource (`/baselines`, `/api/v1/baselines`), and the slip report against
//! one (`/plan/slips`, `/api/v1/baselines/{id}/slips`).

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::PlanRow;
use muster_domain::plan::baseline::{Baseline, BaselineDraft, BaselineSpec};
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::cost::SlipCost;
use super::tasks::today;
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, Params};
use crate::page::{Layout, render};
use crate::resource::{Cell, Fact, Lookup, Resource, filter_id};

pub struct Baselines;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct BaselineQuery {}

impl Resource for Baselines {
    const SUBJECT: Subject = Subject::Plan;
    const PATH: &'static str = "baselines";
    const SINGULAR: &'static str = "baseline";
    const TITLE: &'static str = "Baselines";
    type Item = Baseline;
    type Draft = BaselineDraft;
    type Spec = BaselineSpec;
    type Query = BaselineQuery;

    fn id(item: &Baseline) -> i64 {
        item.id
    }
    fn label(item: &Baseline) -> String {
        item.name.clone()
    }
    fn parse(draft: BaselineDraft) -> Result<BaselineSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: BaselineDraft, base: BaselineDraft) -> BaselineDraft {
        patch.over(base)
    }
    fn place(_: &Baseline) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a BaselineSpec, _: Option<&'a Baseline>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        _: &BaselineQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Baseline>> {
        store.list_baselines(actor.program_id, cursor, limit).await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Baseline> {
        store.baseline(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: BaselineSpec,
    ) -> StoreResult<Baseline> {
        store.create_baseline(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: BaselineSpec,
    ) -> StoreResult<Baseline> {
        store.update_baseline(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_baseline(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[]
    }
    fn columns() -> &'static [&'static str] {
        &["Baseline", "Saved", "Tasks", "Slips"]
    }
    fn cells(b: &Baseline, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&b.name, format!("/baselines/{}", b.id)),
            Cell::text(b.created_at.format("%Y-%m-%d %H:%M").to_string()),
            Cell::text(b.tasks.to_string()),
            Cell::link("slip report", format!("/plan/slips?baseline_id={}", b.id)),
        ]
    }
    fn facts(b: &Baseline, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Saved",
                value: Cell::text(b.created_at.format("%Y-%m-%d %H:%M UTC").to_string()),
            },
            Fact {
                label: "Tasks",
                value: Cell::text(b.tasks.to_string()),
            },
            Fact {
                label: "Slips",
                value: Cell::link("slip report", format!("/plan/slips?baseline_id={}", b.id)),
            },
            Fact {
                label: "Notes",
                value: Cell::text(b.notes.clone().unwrap_or_default()),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &BaselineDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref())
                .required()
                .help("Saving takes the plan's dates as scheduled today."),
            Field::new("notes", "Notes", FieldKind::TextArea, d.notes.as_deref()),
        ])
    }
    fn filters(_: &BaselineQuery, _: &Lookup) -> Vec<Field> {
        Vec::new()
    }
}

/// The tasks and milestones that finish later than in a baseline.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlipReport {
    pub baseline: Baseline,
    /// Latest slip first; each row carries its variance.
    pub slips: Vec<Slip>,
    pub milestones_slipped: usize,
}

/// A slipped task; a milestone's slip is priced at the cost of delay.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Slip {
    #[serde(flatten)]
    pub row: PlanRow,
    /// For milestones: the calendar days the milestone moved and what they cost.
    pub cost: Option<SlipCost>,
}

pub(crate) async fn slip_report(
    state: &AppState,
    actor: &Actor,
    baseline_id: i64,
) -> Result<SlipReport, AppError> {
    require(actor, Action::Read, Subject::Plan)?;
    let baseline = state.store.baseline(actor.program_id, baseline_id).await?;
    let dates = state
        .store
        .baseline_dates(actor.program_id, baseline_id, None)
        .await?;
    let plan = state.store.plan_schedule(actor.program_id, today()).await?;
    let cost = state.store.cost_of_delay(actor.program_id).await?;
    let slips: Vec<Slip> = plan
        .slips(&dates)
        .into_iter()
        .map(|(i, v)| {
            let from = v.baseline.finish;
            let row = PlanRow {
                variance: Some(v),
                ..plan.row(i)
            };
            let cost = row
                .task
                .milestone
                .then(|| SlipCost::new(&cost, from, row.schedule.early_finish));
            Slip { row, cost }
        })
        .collect();
    Ok(SlipReport {
        milestones_slipped: slips.iter().filter(|s| s.row.task.milestone).count(),
        baseline,
        slips,
    })
}

/// `GET /api/v1/baselines/{id}/slips`: the tasks and milestones that finish later now than
/// in the baseline, with their variance in working days.
#[utoipa::path(get, path = "/api/v1/baselines/{id}/slips", tag = "Plan",
    responses((status = 200, description = "the slip report", body = SlipReport), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 404, description = "no such baseline", body = crate::error::Problem)))]
pub async fn api_slips(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<SlipReport>, ApiError> {
    Ok(Json(slip_report(&state, &caller.actor, id).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct SlipQuery {
    pub baseline_id: Option<String>,
}

#[derive(Template)]
#[template(path = "plan/slips.html")]
struct SlipPage {
    layout: Layout,
    report: Option<SlipReport>,
    baselines: Vec<Baseline>,
}

pub async fn page_slips(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<SlipQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::Plan)?;
    let baselines = state
        .store
        .list_baselines(actor.program_id, None, 100)
        .await?
        .items;
    let chosen = filter_id("baseline_id", &q.baseline_id)?.or(baselines.first().map(|b| b.id));
    let report = match chosen {
        Some(id) => Some(slip_report(&state, actor, id).await?),
        None => None,
    };
    let page = SlipPage {
        layout: viewer.layout(
            "Slip report",
            vec![
                ("Plan".into(), "/plan".into()),
                ("Slip report".into(), "/plan/slips".into()),
            ],
        ),
        report,
        baselines,
    };
    render(&page, &viewer)
}
