//! A goal's measurements: `GET/POST /api/v1/goals/{id}/measurements` (one or a list, all or
//! nothing, errors named `[index].field`), and the page `/goals/{id}/measurements` with the
//! chart, the form to enter one and the table of measurements.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::goal::{
    Goal, Measurement, MeasurementDraft, MeasurementSpec, parse_measurements,
};
use muster_domain::{FieldError, Invalid};
use muster_store::Change;
use serde::{Deserialize, Serialize};

use super::chart::Chart;
use crate::AppState;
use crate::access::{require, require_at};
use crate::alignment::ALIGNMENT;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, FormFields, HtmlForm, Params, RecordId};
use crate::page::{Layout, redirect_with_flash, render_with};
use crate::plan::tasks::today;
use crate::resource::api::ApiJson;
use crate::resource::{Lookup, filter_id, options_with};

/// The most measurements one list or page returns.
const MOST: u64 = 5_000;

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct MeasurementQuery {
    /// only this site's measurements
    pub site_id: Option<String>,
    /// at most this many, newest first (default 500, at most 5000)
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeasurementList {
    /// Newest period first.
    pub items: Vec<Measurement>,
    /// How many the goal has (under the filter).
    pub total: u64,
}

async fn readable_goal(state: &AppState, actor: &Actor, id: i64) -> Result<Goal, AppError> {
    require(actor, Action::Read, Subject::Goal)?;
    require(actor, Action::Read, Subject::Measurement)?;
    Ok(state.store.goal(actor.program_id, id).await?)
}

/// Checks and stores `specs`, each where the actor may record it.
async fn record(
    state: &AppState,
    change: &Change<'_>,
    goal: &Goal,
    specs: &[MeasurementSpec],
) -> Result<Vec<Measurement>, AppError> {
    for spec in specs {
        require_at(
            change.actor,
            Action::Create,
            Subject::Measurement,
            Place::Site(spec.site_id),
        )?;
    }
    Ok(state.store.put_measurements(change, goal, specs).await?)
}

/// `GET /api/v1/goals/{id}/measurements`
#[utoipa::path(get, path = "/api/v1/goals/{id}/measurements", tag = "Goals",
    params(("id" = i64, Path, description = "the goal"), MeasurementQuery),
    responses((status = 200, description = "the goal's measurements, newest first", body = MeasurementList), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 404, description = "no such goal", body = crate::error::Problem)))]
pub async fn api_list(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    Params(q): Params<MeasurementQuery>,
) -> Result<Json<MeasurementList>, ApiError> {
    let goal = readable_goal(&state, &caller.actor, id).await?;
    let site = filter_id("site_id", &q.site_id).map_err(AppError::from)?;
    let limit = q.limit.unwrap_or(500).clamp(1, MOST);
    let (items, total) = state
        .store
        .goal_measurements(caller.actor.program_id, goal.id, site, limit)
        .await
        .map_err(AppError::from)?;
    Ok(Json(MeasurementList { items, total }))
}

/// A list's items, each read on its own so that a wrong shape names its index.
fn drafts(body: serde_json::Value) -> Result<(Vec<MeasurementDraft>, bool), AppError> {
    let read = |v: serde_json::Value, at: Option<usize>| {
        serde_json::from_value::<MeasurementDraft>(v).map_err(|e| {
            let field = at.map_or("body".to_owned(), |i| format!("[{i}]"));
            FieldError::new(field, e.to_string())
        })
    };
    match body {
        serde_json::Value::Array(items) => {
            if items.is_empty() {
                return Err(AppError::Invalid(Invalid::one("body", "the list is empty")));
            }
            if items.len() as u64 > MOST {
                return Err(AppError::Invalid(Invalid::one(
                    "body",
                    format!("send at most {MOST} measurements at a time, or import a file"),
                )));
            }
            let mut errors = Vec::new();
            let mut out = Vec::new();
            for (i, v) in items.into_iter().enumerate() {
                match read(v, Some(i)) {
                    Ok(d) => out.push(d),
                    Err(e) => errors.push(e),
                }
            }
            if errors.is_empty() {
                Ok((out, true))
            } else {
                Err(AppError::Invalid(Invalid(errors)))
            }
        }
        single => Ok((
            vec![read(single, None).map_err(|e| AppError::Invalid(Invalid(vec![e])))?],
            false,
        )),
    }
}

/// `POST /api/v1/goals/{id}/measurements`: one measurement, or a list of them stored all or
/// nothing. Re-posting a goal, site and period replaces its value (audited with the old).
#[utoipa::path(post, path = "/api/v1/goals/{id}/measurements", tag = "Goals",
    params(("id" = i64, Path, description = "the goal")),
    request_body(content = Vec<MeasurementDraft>, description = "one measurement or a list of them"),
    responses((status = 201, description = "the stored measurements (one object when one was sent)", body = Vec<Measurement>), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this (site leads: their own sites)", body = crate::error::Problem), (status = 404, description = "no such goal", body = crate::error::Problem), (status = 422, description = "a value that does not fit the goal's unit, a bad period or site: the field named, `[index].field` in a list", body = crate::error::Problem)))]
pub async fn api_post(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let actor = &caller.actor;
    require(actor, Action::Create, Subject::Measurement)?;
    let goal = readable_goal(&state, actor, id).await?;
    let (drafts, many) = drafts(body)?;
    let specs = if many {
        parse_measurements(&goal, drafts).map_err(AppError::Invalid)?
    } else {
        vec![
            drafts
                .into_iter()
                .next()
                .expect("one draft")
                .parse(&goal)
                .map_err(AppError::Invalid)?,
        ]
    };
    let stored = record(
        &state,
        &Change::new(actor, muster_domain::audit::Via::Api),
        &goal,
        &specs,
    )
    .await?;
    let body = if many {
        serde_json::to_value(&stored)
    } else {
        serde_json::to_value(&stored[0])
    }
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub struct Row {
    pub period: String,
    pub site: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "goal/measurements.html")]
struct MeasurementsPage {
    layout: Layout,
    goal: Goal,
    chart: Chart,
    status: String,
    /// "Baseline 70% on 2026-01-01, target 95% by 2027-01-01 (higher is better)".
    summary: String,
    points: Vec<(String, String)>,
    /// The form to record one.
    form: FormFields,
    may_record: bool,
    may_import: bool,
    filter: Vec<Field>,
    rows: Vec<Row>,
    total: u64,
}

/// Where the actor may record a measurement of `goal`: (value, label) pairs.
fn site_choices(actor: &Actor, goal: &Goal, lookup: &Lookup) -> Vec<(String, String)> {
    let program_wide = actor
        .may_at(Action::Create, Subject::Measurement, Place::Site(None))
        .then(|| (String::new(), "Program-wide".to_owned()));
    let sites = lookup
        .sites
        .iter()
        .filter(|s| goal.concerns(s.id))
        .filter(|s| {
            actor.may_at(
                Action::Create,
                Subject::Measurement,
                Place::Site(Some(s.id)),
            )
        })
        .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.code)));
    program_wide.into_iter().chain(sites).collect()
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    site_filter: Option<String>,
    draft: &MeasurementDraft,
    invalid: Option<&Invalid>,
) -> Result<MeasurementsPage, AppError> {
    let actor = &viewer.actor;
    let goal = readable_goal(state, actor, id).await?;
    let pid = actor.program_id;
    let lookup = Lookup::load(&state.store, pid).await?;
    let view = state.store.goal_view(pid, goal.clone(), today()).await?;
    let chart = Chart::of(&view);
    let site = filter_id("site", &site_filter)?;
    let (items, total) = state.store.goal_measurements(pid, id, site, 500).await?;
    let rows = items
        .iter()
        .map(|m| Row {
            period: m.period.to_string(),
            site: m
                .site_id
                .map_or("Program-wide".into(), |s| lookup.site_name(Some(s))),
            value: goal.unit.format(m.value),
        })
        .collect();
    let choices = site_choices(actor, &goal, &lookup);
    let may_record = !choices.is_empty();
    let fields = vec![
        Field::new(
            "site_id",
            "Measured at",
            FieldKind::Select(choices),
            draft.site_id.as_deref(),
        ),
        Field::new("period", "Period", FieldKind::Date, draft.period.as_deref())
            .required()
            .help("The first day of the month measured"),
        Field::new("value", "Value", FieldKind::Text, draft.value.as_deref())
            .required()
            .help(goal.unit.hint()),
    ];
    let form = FormFields::new(fields, invalid);
    let filter = vec![Field::new(
        "site",
        "Site",
        FieldKind::Select(options_with(
            Some("Every site and program-wide"),
            lookup
                .sites
                .iter()
                .filter(|s| goal.concerns(s.id))
                .map(|s| (s.id.to_string(), s.name.clone())),
        )),
        site_filter.as_deref(),
    )];
    let points = view
        .points
        .iter()
        .map(|p| {
            (
                muster_domain::goal::benefits::month_label(p.month),
                goal.unit.format(p.value),
            )
        })
        .collect();
    Ok(MeasurementsPage {
        layout: viewer.layout(
            format!("{}: measurements", goal.name),
            vec![
                (ALIGNMENT.0.into(), ALIGNMENT.1.into()),
                ("Goals".into(), "/goals".into()),
                (goal.name.clone(), format!("/goals/{id}")),
                ("Measurements".into(), format!("/goals/{id}/measurements")),
            ],
        ),
        status: view.status.label().to_owned(),
        summary: format!(
            "Baseline {} on {}, target {} by {} ({})",
            goal.unit.format(goal.baseline_value),
            goal.baseline_date,
            goal.unit.format(goal.target_value),
            goal.target_date,
            goal.direction.label().to_lowercase()
        ),
        chart,
        points,
        form,
        may_record,
        may_import: actor.may(Action::Create, Subject::Import)
            && actor.may(Action::Create, Subject::Measurement),
        filter,
        rows,
        total,
        goal,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// Only this site's measurements (named `site`: the form's `site_id` is on the page too).
    pub site: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    Params(q): Params<PageQuery>,
) -> Result<Response, PageError> {
    let page = page(
        &state,
        &viewer,
        id,
        q.site,
        &MeasurementDraft::default(),
        None,
    )
    .await?;
    render_with(StatusCode::OK, &page, &viewer)
}

/// The form on the page: one measurement, Post/Redirect/Get.
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(draft): HtmlForm<MeasurementDraft>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Create, Subject::Measurement)?;
    let goal = readable_goal(&state, actor, id).await?;
    let shown = draft.clone();
    let outcome = async {
        let spec = draft.parse(&goal)?;
        record(&state, &Change::new(actor, viewer.via()), &goal, &[spec]).await
    }
    .await;
    match outcome {
        Ok(stored) => {
            let m = &stored[0];
            Ok(redirect_with_flash(
                &format!("/goals/{id}/measurements"),
                &format!("Recorded {} for {}.", goal.unit.format(m.value), m.period),
            ))
        }
        Err(AppError::Invalid(invalid)) => {
            let page = page(&state, &viewer, id, None, &shown, Some(&invalid)).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page, &viewer)
        }
        Err(other) => Err(other.into()),
    }
}
