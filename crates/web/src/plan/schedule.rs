//! The plan's schedule: the task table with computed dates, float and the critical path
//! (`/plan`), and the same as JSON (`/api/v1/schedule`).

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use muster_domain::access::{Action, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::PlanRow;
use muster_domain::plan::task::TaskDraft;
use muster_store::Change;
use serde::{Deserialize, Serialize};

use muster_store::plan::schedule::TaskSort;

use super::cost::SlipCost;
use super::tasks::{TaskQuery, Tasks, today};
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, FormFields, HtmlForm, Params, RecordId, refused};
use crate::page::{Layout, redirect_with_flash, render_with};
use crate::resource::{Lookup, Resource};

/// The schedule as the API gives it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleView {
    pub project_start: NaiveDate,
    /// "Today": remaining work is scheduled from here.
    pub status_date: NaiveDate,
    /// The last working day of the last task.
    pub finish: NaiveDate,
    /// What the scheduler had to bend (a lead clipped at the project start, a deadline
    /// missed).
    pub warnings: Vec<String>,
    /// Why the plan could not be scheduled, if it could not.
    pub error: Option<String>,
    /// What one more working day on any task of the critical path costs: the finish moves
    /// to the next working day, at the cost of delay per calendar day.
    pub critical_task_slip: SlipCost,
    pub tasks: Page<PlanRow>,
}

pub(crate) async fn view(
    state: &AppState,
    actor: &muster_domain::access::Actor,
    q: &TaskQuery,
    default_limit: u64,
) -> Result<ScheduleView, AppError> {
    require(actor, Action::Read, Subject::Plan)?;
    let filter = q.filter()?;
    let cursor = q
        .cursor
        .as_deref()
        .map(Cursor::decode)
        .transpose()
        .map_err(|m| muster_domain::Invalid::one("cursor", m))?;
    let limit = muster_domain::paging::limit(q.limit.or(Some(default_limit)))
        .map_err(|m| muster_domain::Invalid::one("limit", m))?;
    let baseline_id = crate::resource::filter_id("baseline_id", &q.baseline_id)?;
    let plan = state.store.plan_schedule(actor.program_id, today()).await?;
    let cost = state.store.cost_of_delay(actor.program_id).await?;
    let critical_task_slip = SlipCost::new(&cost, plan.finish, plan.one_day_slip().0);
    let mut tasks = plan.page(&filter, cursor.as_ref(), limit);
    if let Some(baseline_id) = baseline_id {
        let ids: Vec<i64> = tasks.items.iter().map(|r| r.task.id).collect();
        let dates = state
            .store
            .baseline_dates(actor.program_id, baseline_id, Some(&ids))
            .await?;
        for row in &mut tasks.items {
            if let (Some(base), Some(i)) = (dates.get(&row.task.id), plan.position(row.task.id)) {
                row.variance = Some(plan.variance(i, *base));
            }
        }
    }
    Ok(ScheduleView {
        project_start: plan.settings.project_start,
        status_date: plan.status_date,
        finish: plan.finish,
        warnings: plan.warnings.clone(),
        error: plan.error.clone(),
        critical_task_slip,
        tasks,
    })
}

/// `GET /api/v1/schedule`: every task's computed dates, total and free float and whether it
/// is on the critical path, in outline order, a page at a time.
#[utoipa::path(get, path = "/api/v1/schedule", tag = "Plan", params(TaskQuery),
    responses((status = 200, description = "the computed schedule", body = ScheduleView), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 422, description = "a filter that needs attention", body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<TaskQuery>,
) -> Result<Json<ScheduleView>, ApiError> {
    Ok(Json(view(&state, &caller.actor, &q, 100).await?))
}

/// A row of the table, ready to show.
pub struct Line {
    pub id: i64,
    pub name: String,
    pub indent: u16,
    pub summary: bool,
    pub duration: String,
    pub start: String,
    pub finish: String,
    pub late_finish: String,
    pub total_float: i64,
    pub critical: bool,
    pub done: bool,
    pub percent: i64,
    pub site: String,
    /// Baseline finish and finish variance, when compared.
    pub baseline: Option<(String, i64)>,
    /// The inline progress form, for those who may change the plan (not on a summary or a
    /// finished task).
    pub progress: Option<FormFields>,
}

#[derive(Template)]
#[template(path = "plan/schedule.html")]
struct SchedulePage {
    layout: Layout,
    view: ScheduleView,
    lines: Vec<Line>,
    filters: Vec<Field>,
    next_href: Option<String>,
    query: String,
    may_edit: bool,
    /// May import a plan file (add tasks program-wide).
    may_import: bool,
    compared: bool,
    /// This page, for the inline progress forms to come back to.
    here: String,
    /// A refused progress update for a task not shown on this page: its reasons.
    refused_elsewhere: Option<FormFields>,
}

/// A refused inline progress update: the task, what was typed and why it was refused.
pub(crate) struct ProgressRefusal<'a> {
    pub task_id: i64,
    pub typed: Option<&'a str>,
    pub invalid: &'a muster_domain::Invalid,
}

/// A task's inline progress form, holding `value` (what was typed, after a refusal).
fn progress_form(
    task_id: i64,
    name: &str,
    value: &str,
    invalid: Option<&muster_domain::Invalid>,
) -> FormFields {
    let field = Field::new(
        "percent_complete",
        format!("Percent complete of {name}"),
        FieldKind::Number,
        Some(value),
    )
    .label_hidden()
    .within(format!("t{task_id}"));
    FormFields::new(vec![field], invalid)
}

/// The table's and the chart's filters: the task filters, the order, and a baseline to
/// compare with.
pub(crate) async fn filter_fields(
    state: &AppState,
    actor: &muster_domain::access::Actor,
    q: &TaskQuery,
    lookup: &Lookup,
) -> Result<Vec<Field>, AppError> {
    let mut filters = super::tasks::Tasks::filters(q, lookup);
    filters.push(Field::new(
        "sort",
        "Sort by",
        FieldKind::Select(
            TaskSort::ALL
                .iter()
                .map(|(_, code, label)| ((*code).to_owned(), (*label).to_owned()))
                .collect(),
        ),
        q.sort.as_deref(),
    ));
    let baselines = state
        .store
        .list_baselines(actor.program_id, None, 100)
        .await?
        .items
        .into_iter()
        .map(|b| (b.id.to_string(), b.name));
    filters.push(Field::new(
        "baseline_id",
        "Compare with baseline",
        FieldKind::Select(crate::resource::options_with(Some("— none —"), baselines)),
        q.baseline_id.as_deref(),
    ));
    Ok(filters)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<TaskQuery>,
) -> Result<Response, PageError> {
    schedule_response(&state, &viewer, &q, StatusCode::OK, None).await
}

/// The table page for `q` with `status`; a refused progress update shows in its row with
/// what was typed and why.
async fn schedule_response(
    state: &AppState,
    viewer: &Viewer,
    q: &TaskQuery,
    status: StatusCode,
    refused: Option<ProgressRefusal<'_>>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let view = view(state, actor, q, 100).await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let may_edit = actor.may(Action::Update, Subject::Plan);
    let mut refused_shown = false;
    let lines = view
        .tasks
        .items
        .iter()
        .map(|r| Line {
            id: r.task.id,
            name: r.task.name.clone(),
            indent: r.depth,
            summary: r.summary,
            duration: if r.task.milestone {
                "milestone".into()
            } else if r.summary {
                String::new()
            } else {
                format!("{} d", r.task.duration)
            },
            start: r.schedule.early_start.to_string(),
            finish: r.schedule.early_finish.to_string(),
            late_finish: r.schedule.late_finish.to_string(),
            total_float: r.schedule.total_float,
            critical: r.schedule.critical,
            done: r.schedule.done,
            percent: r.task.percent_complete,
            site: lookup.site_name(r.task.site_id),
            baseline: r
                .variance
                .as_ref()
                .map(|v| (v.baseline.finish.to_string(), v.finish_variance)),
            progress: (may_edit && !r.summary && !r.schedule.done).then(|| {
                match refused.as_ref().filter(|f| f.task_id == r.task.id) {
                    Some(f) => {
                        refused_shown = true;
                        progress_form(
                            r.task.id,
                            &r.task.name,
                            f.typed.unwrap_or_default(),
                            Some(f.invalid),
                        )
                    }
                    None => progress_form(
                        r.task.id,
                        &r.task.name,
                        &r.task.percent_complete.to_string(),
                        None,
                    ),
                }
            }),
        })
        .collect();
    let query = q.filters_query();
    let here = match &q.cursor {
        Some(c) => format!("/plan?{query}&cursor={c}"),
        None => format!("/plan?{query}"),
    };
    let next_href = view
        .tasks
        .next_cursor
        .as_ref()
        .map(|c| format!("/plan?{query}&cursor={c}"));
    let filters = filter_fields(state, actor, q, &lookup).await?;
    let refused_elsewhere = refused
        .filter(|_| !refused_shown)
        .map(|f| FormFields::new(Vec::new(), Some(f.invalid)));
    let page = SchedulePage {
        layout: viewer.layout("Plan", vec![("Plan".into(), "/plan".into())]),
        filters,
        lines,
        next_href,
        query,
        may_edit,
        here,
        refused_elsewhere,
        may_import: actor.may_at(
            Action::Create,
            Subject::Plan,
            muster_domain::access::Place::Program,
        ),
        compared: q
            .baseline_id
            .as_deref()
            .is_some_and(|b| !b.trim().is_empty()),
        view,
    };
    render_with(status, &page, viewer)
}

/// An inline progress update from a row of the table.
#[derive(Debug, Deserialize)]
pub struct ProgressForm {
    pub percent_complete: Option<String>,
    /// The table page to go back to.
    pub back: Option<String>,
}

/// `POST /plan/tasks/{id}/progress`: the percent complete of one task, from its row of the
/// table; back to the same page of the table with what was saved, or that page again (422)
/// with what was typed and why it was refused in the task's row.
pub async fn progress(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(form): HtmlForm<ProgressForm>,
) -> Result<Response, PageError> {
    let back = form
        .back
        .filter(|b| b.starts_with("/plan") && !b.contains("//"))
        .unwrap_or_else(|| "/plan".into());
    let typed = form.percent_complete.clone();
    let patch = TaskDraft {
        percent_complete: form.percent_complete,
        ..TaskDraft::default()
    };
    let change = Change::new(&viewer.actor, viewer.via());
    match crate::resource::patch::<Tasks>(&state.store, &change, id, patch).await {
        Ok(task) => Ok(redirect_with_flash(
            &back,
            &format!(
                "Saved: {} is {}% complete.",
                task.name, task.percent_complete
            ),
        )),
        Err(err) => {
            let (status, invalid) = refused(err)?;
            // The table page the form came from; an address it cannot read is the plain table.
            let q: TaskQuery = back
                .split_once('?')
                .and_then(|(_, query)| serde_html_form::from_str(query).ok())
                .unwrap_or_default();
            let refusal = ProgressRefusal {
                task_id: id,
                typed: typed.as_deref(),
                invalid: &invalid,
            };
            schedule_response(&state, &viewer, &q, status, Some(refusal)).await
        }
    }
}
