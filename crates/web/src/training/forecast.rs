//! The training forecast: for each site of a wave (or of every wave), completion projected
//! to its go-live at the pace of the last four weeks, the sites that will miss the
//! threshold (90 % unless asked otherwise) flagged, and the date each would meet it.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::readiness::forecast::{SiteForecast, WINDOW_DAYS};
use muster_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, Params};
use crate::page::{Layout, render};
use crate::resource::{filter_id, filter_value, given, options_with};

/// The completion share a site should reach by go-live unless the caller says otherwise.
pub const DEFAULT_THRESHOLD: f64 = 90.0;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForecastQuery {
    /// Only this wave's sites (default: every wave's).
    pub wave_id: Option<String>,
    /// Percent of people complete by go-live, more than 0 and at most 100 (default 90).
    pub threshold: Option<String>,
}

/// The forecast and what it was made against.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ForecastReport {
    pub today: NaiveDate,
    pub threshold: f64,
    /// Days the pace is measured over.
    pub window_days: u64,
    pub sites: Vec<SiteForecast>,
}

fn threshold(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(t) if t > 0.0 && t <= 100.0 => Ok(t),
        _ => Err(format!(
            "'{}' is not a percentage above 0 and at most 100",
            raw.trim()
        )),
    }
}

async fn report(
    state: &AppState,
    actor: &Actor,
    q: &ForecastQuery,
) -> Result<ForecastReport, AppError> {
    require(actor, Action::Read, Subject::TrainingForecast)?;
    let wave_id = filter_id("wave_id", &q.wave_id)?;
    let threshold =
        filter_value("threshold", &q.threshold, threshold)?.unwrap_or(DEFAULT_THRESHOLD);
    if let Some(id) = wave_id {
        state
            .store
            .wave(actor.program_id, id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => {
                    StoreError::invalid("wave_id", format!("there is no wave {id}"))
                }
                e => e,
            })?;
    }
    let today = chrono::Utc::now().date_naive();
    let sites = state
        .store
        .training_forecast(
            actor.program_id,
            &actor.read_scope(Subject::TrainingForecast),
            wave_id,
            today,
            threshold,
        )
        .await?;
    Ok(ForecastReport {
        today,
        threshold,
        window_days: WINDOW_DAYS,
        sites,
    })
}

/// `GET /api/v1/training/forecast`: each site's completion projected to its go-live.
#[utoipa::path(get, path = "/api/v1/training/forecast", tag = "Training", params(ForecastQuery),
    responses((status = 200, description = "per site of the wave(s): completion now, pace, projection at go-live, and when the threshold would be met", body = ForecastReport),
        (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "your role does not allow this", body = crate::error::Problem),
        (status = 422, description = "a parameter that needs attention", body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<ForecastQuery>,
) -> Result<Json<ForecastReport>, ApiError> {
    Ok(Json(report(&state, &caller.actor, &q).await?))
}

/// One site's row as shown: figures as text, the bar's widths in percent.
struct Row {
    site: String,
    wave: String,
    go_live: String,
    now: String,
    pace: String,
    at_go_live: String,
    meets_on: String,
    misses: bool,
    bar_now: f64,
    bar_go_live: f64,
}

#[derive(Template)]
#[template(path = "training/forecast.html")]
struct ForecastPage {
    layout: Layout,
    filters: Vec<Field>,
    threshold: String,
    window_days: u64,
    rows: Vec<Row>,
    missing: usize,
}

fn row(s: &SiteForecast) -> Row {
    let f = &s.forecast;
    Row {
        site: s.site.clone(),
        wave: s.wave.clone(),
        go_live: s.go_live.format("%-d %b %Y").to_string(),
        now: format!("{}% ({} of {})", f.percent_now, f.complete, f.required),
        pace: format!("{} a day", f.per_day),
        at_go_live: format!("{}%", f.percent_at_go_live),
        meets_on: match f.meets_on {
            Some(day) => day.format("%-d %b %Y").to_string(),
            None => "not at the current pace".into(),
        },
        misses: !f.meets,
        bar_now: f.percent_now,
        bar_go_live: f.percent_at_go_live,
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<ForecastQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let report = report(&state, actor, &q).await?;
    let waves = state
        .store
        .list_waves(
            actor.program_id,
            None,
            None,
            muster_domain::paging::MAX_LIMIT,
        )
        .await?
        .items;
    let wave_options = options_with(
        Some("Every wave"),
        waves.iter().map(crate::wave::wave_choice),
    );
    let threshold = report.threshold.to_string();
    let filters = vec![
        Field::new(
            "wave_id",
            "Wave",
            FieldKind::Select(wave_options),
            q.wave_id.as_deref(),
        ),
        Field::new(
            "threshold",
            "Threshold (%)",
            FieldKind::Number,
            Some(given(&q.threshold).unwrap_or(&threshold)),
        ),
    ];
    let rows: Vec<Row> = report.sites.iter().map(row).collect();
    let page = ForecastPage {
        layout: viewer.layout(
            "Training forecast",
            vec![
                ("Training".into(), "/training".into()),
                ("Forecast".into(), "/training/forecast".into()),
            ],
        ),
        filters,
        missing: rows.iter().filter(|r| r.misses).count(),
        threshold,
        window_days: report.window_days,
        rows,
    };
    render(&page, &viewer)
}
