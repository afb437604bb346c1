//! The cost of a day's delay: cost items as a resource (`/cost-items`,
//! `/api/v1/cost-items`), and the itemized model with what a slip costs
//! (`/plan/cost-of-delay`, `/api/v1/cost-of-delay`).

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::money::Cents;
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::cost::{CostItem, CostItemDraft, CostItemSpec, CostKind, CostOfDelay};
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::tasks::today;
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, Params};
use crate::page::{Layout, render};
use crate::resource::{Cell, Fact, Lookup, Resource, choice_options, filter_id};

pub struct CostItems;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CostItemQuery {}

impl Resource for CostItems {
    const SUBJECT: Subject = Subject::Plan;
    const PATH: &'static str = "cost-items";
    const SINGULAR: &'static str = "cost item";
    const TITLE: &'static str = "Cost items";
    type Item = CostItem;
    type Draft = CostItemDraft;
    type Spec = CostItemSpec;
    type Query = CostItemQuery;

    fn id(item: &CostItem) -> i64 {
        item.id
    }
    fn label(item: &CostItem) -> String {
        item.name.clone()
    }
    fn parse(draft: CostItemDraft) -> Result<CostItemSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: CostItemDraft, base: CostItemDraft) -> CostItemDraft {
        patch.over(base)
    }
    fn place(_: &CostItem) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a CostItemSpec, _: Option<&'a CostItem>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        _: &CostItemQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<CostItem>> {
        store.list_cost_items(actor.program_id, cursor, limit).await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<CostItem> {
        store.cost_item(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: CostItemSpec,
    ) -> StoreResult<CostItem> {
        store.create_cost_item(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: CostItemSpec,
    ) -> StoreResult<CostItem> {
        store.update_cost_item(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_cost_item(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[]
    }
    fn columns() -> &'static [&'static str] {
        &["Cost item", "Kind", "Per day of delay"]
    }
    fn cells(i: &CostItem, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&i.name, format!("/cost-items/{}", i.id)),
            Cell::text(i.kind.label()),
            Cell::text(i.per_day.to_string()),
        ]
    }
    fn facts(i: &CostItem, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Kind",
                value: Cell::text(i.kind.label()),
            },
            Fact {
                label: "Per day of delay",
                value: Cell::text(i.per_day.to_string()),
            },
            Fact {
                label: "Notes",
                value: Cell::text(i.notes.clone().unwrap_or_default()),
            },
            Fact {
                label: "Cost of delay",
                value: Cell::link("the whole model", "/plan/cost-of-delay".to_owned()),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &CostItemDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    CostKind::ALL,
                    CostKind::code,
                    CostKind::label,
                    None,
                )),
                d.kind.as_deref(),
            )
            .required(),
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref())
                .help("Blank takes the kind's name; required for Other"),
            Field::new(
                "per_day",
                "Dollars per calendar day of delay",
                FieldKind::Text,
                d.per_day.as_deref(),
            )
            .required()
            .help("e.g. 41,000 for legacy licences and hosting kept running"),
            Field::new("notes", "Notes", FieldKind::TextArea, d.notes.as_deref())
                .help("Where the figure comes from"),
        ])
    }
    fn filters(_: &CostItemQuery, _: &Lookup) -> Vec<Field> {
        Vec::new()
    }
}

/// What a slip of the plan's finish costs: the finish moves from `from` to `to`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlipCost {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Calendar days between the two.
    pub days: i64,
    pub cost: Cents,
}

impl SlipCost {
    pub fn new(cost: &CostOfDelay, from: NaiveDate, to: NaiveDate) -> SlipCost {
        let days = (to - from).num_days();
        SlipCost {
            from,
            to,
            days,
            cost: cost.of_slip(days),
        }
    }
}

/// The itemized cost of a day's delay and what it means for the plan.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CostOfDelayView {
    #[serde(flatten)]
    pub cost: CostOfDelay,
    /// A task on the critical path that takes one more working day moves the plan's
    /// finish by this much.
    pub critical_task_slip: SlipCost,
    /// The plan's finish against the baseline asked for (or the latest), when one is saved.
    pub baseline_slip: Option<BaselineSlip>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BaselineSlip {
    pub baseline_id: i64,
    pub baseline_name: String,
    #[serde(flatten)]
    pub slip: SlipCost,
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct CostQuery {
    /// the baseline to price the forecast slip against (default: the latest)
    pub baseline_id: Option<String>,
}

async fn view(state: &AppState, actor: &Actor, q: &CostQuery) -> Result<CostOfDelayView, AppError> {
    require(actor, Action::Read, Subject::Plan)?;
    let cost = state.store.cost_of_delay(actor.program_id).await?;
    let plan = state.store.plan_schedule(actor.program_id, today()).await?;
    let (next, _) = plan.one_day_slip();
    let critical_task_slip = SlipCost::new(&cost, plan.finish, next);
    let baseline = match filter_id("baseline_id", &q.baseline_id)? {
        Some(id) => Some(state.store.baseline(actor.program_id, id).await?),
        None => state
            .store
            .list_baselines(actor.program_id, None, 1)
            .await?
            .items
            .into_iter()
            .next(),
    };
    let baseline_slip = match baseline {
        Some(b) => state
            .store
            .baseline_finish(actor.program_id, b.id)
            .await?
            .map(|finish| BaselineSlip {
                baseline_id: b.id,
                baseline_name: b.name,
                slip: SlipCost::new(&cost, finish, plan.finish),
            }),
        None => None,
    };
    Ok(CostOfDelayView {
        cost,
        critical_task_slip,
        baseline_slip,
    })
}

/// `GET /api/v1/cost-of-delay`: what one day of delay costs, line by line, what a one-day
/// slip of a critical task costs, and what the forecast slip against a baseline costs.
#[utoipa::path(get, path = "/api/v1/cost-of-delay", tag = "Plan", params(CostQuery),
    responses((status = 200, description = "the cost of delay", body = CostOfDelayView), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 404, description = "no such baseline", body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<CostQuery>,
) -> Result<Json<CostOfDelayView>, ApiError> {
    Ok(Json(view(&state, &caller.actor, &q).await?))
}

#[derive(Template)]
#[template(path = "plan/cost.html")]
struct CostPage {
    layout: Layout,
    view: CostOfDelayView,
    may_edit: bool,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<CostQuery>,
) -> Result<Response, PageError> {
    let view = view(&state, &viewer.actor, &q).await?;
    let page = CostPage {
        layout: viewer.layout(
            "Cost of delay",
            vec![
                ("Plan".into(), "/plan".into()),
                ("Cost of delay".into(), "/plan/cost-of-delay".into()),
            ],
        ),
        may_edit: viewer.actor.may(Action::Update, Subject::Plan),
        view,
    };
    render(&page, &viewer)
}
