//! The rollout plan in pages and the API: tasks and dependencies as resources, the schedule
//! table and its API, the Gantt chart, the waves against the plan (go-live forecasts, scale
//! index, milestone timelines) and the what-if of moving a site or module between waves,
//! the cost of delay, the calendar and its milestones feed, and plan files in (`import`)
//! and out (`export`).

pub mod baselines;
pub mod calendar;
pub mod cost;
pub mod dependencies;
pub mod export;
pub mod gantt;
pub mod import;
pub mod milestones;
pub mod schedule;
pub mod tasks;
pub mod waves;
pub mod what_if;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use muster_domain::paging::{Cursor, Page};

use utoipa::OpenApi;

use crate::AppState;
use crate::resource;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(resource::routes::<tasks::Tasks>())
        .merge(resource::routes::<dependencies::Dependencies>())
        .merge(resource::routes::<baselines::Baselines>())
        .merge(resource::routes::<cost::CostItems>())
        .merge(resource::routes::<calendar::Holidays>())
        .route("/plan/settings", get(calendar::page).post(calendar::save))
        .route(
            "/api/v1/plan/settings",
            get(calendar::api_get).put(calendar::api_put),
        )
        .route("/plan/cost-of-delay", get(cost::page))
        .route("/api/v1/cost-of-delay", get(cost::api))
        .route("/plan/slips", get(baselines::page_slips))
        .route("/api/v1/baselines/{id}/slips", get(baselines::api_slips))
        .route("/plan", get(schedule::page))
        .route("/plan/gantt", get(gantt::page))
        .route(
            "/plan/subscribe",
            get(milestones::page).post(milestones::new_link),
        )
        .route("/api/v1/plan/milestones.ics", get(milestones::api_feed))
        .route("/calendar/{secret}/plan.ics", get(milestones::secret_feed))
        .route(
            "/plan/tasks/{id}/progress",
            axum::routing::post(schedule::progress),
        )
        .route("/api/v1/schedule", get(schedule::api))
        .route("/plan/waves", get(waves::page))
        .route(
            "/plan/waves/what-if",
            get(what_if::page).post(what_if::form_move),
        )
        .route("/api/v1/plan/waves", get(waves::api_waves))
        .route("/api/v1/waves/{id}/scale", get(waves::api_scale))
        .route("/api/v1/waves/what-if", post(what_if::api_what_if))
        .route("/api/v1/waves/moves", post(what_if::api_move))
        .route("/plan/import", get(import::form))
        .route("/api/v1/tasks.csv", get(export::csv))
        .route("/api/v1/tasks.xlsx", get(export::xlsx))
}

/// The plan file uploads: outside the 1 MiB body limit, with the import limit instead
/// (counted as the file streams to disk).
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/plan/import", post(import::upload))
        .route("/api/v1/tasks/import", post(import::api))
        .layer(DefaultBodyLimit::disable())
}

#[derive(OpenApi)]
#[openapi(
    paths(
        schedule::api,
        baselines::api_slips,
        cost::api,
        calendar::api_get,
        calendar::api_put,
        milestones::api_feed,
        waves::api_waves,
        waves::api_scale,
        what_if::api_what_if,
        what_if::api_move,
        import::api,
        export::csv,
        export::xlsx
    ),
    components(schemas(
        muster_domain::plan::PlanSettings,
        muster_domain::plan::settings::PlanSettingsDraft,
        cost::CostOfDelayView,
        cost::SlipCost,
        cost::BaselineSlip,
        muster_domain::plan::cost::CostOfDelay,
        muster_domain::plan::cost::CostLine,
        muster_domain::plan::cost::CostItem,
        muster_domain::plan::cost::CostKind,
        muster_domain::money::Cents,
        muster_domain::plan::outlook::WaveOutlooks,
        muster_domain::plan::outlook::WaveOutlook,
        muster_domain::plan::outlook::TimelineMilestone,
        muster_domain::plan::outlook::DrivingTask,
        muster_domain::plan::outlook::WaveMoveOutcome,
        muster_domain::plan::outlook::WaveEffect,
        muster_domain::plan::outlook::GoLiveChange,
        muster_domain::plan::outlook::LinkNote,
        muster_domain::plan::go_live::GoLiveForecast,
        muster_domain::plan::go_live::GoLiveStatus,
        muster_domain::plan::wave_move::WaveMoveDraft,
        muster_domain::plan::wave_move::WaveMove,
        muster_domain::plan::wave_move::MoveKind,
        muster_domain::plan::wave_move::DropReason,
        muster_domain::wave::scale::ScaleIndex,
        muster_domain::wave::scale::ScaleBand,
        muster_domain::wave::scale::Factor,
        muster_domain::wave::scale::SiteUsers,
        muster_domain::wave::scale::UsersBasis,
        import::ImportProblem,
        muster_domain::plan::exchange::FileProblem,
        muster_domain::plan::exchange::PlanImported,
        muster_domain::plan::exchange::PlanFormat,
        baselines::SlipReport,
        baselines::Slip,
        muster_domain::plan::baseline::Variance,
        muster_domain::plan::baseline::BaselineDates,
        schedule::ScheduleView,
        muster_domain::plan::PlanRow,
        muster_domain::plan::schedule::Scheduled
    ))
)]
pub struct PlanDoc;

/// Adds the plan's resources and endpoints to `doc`.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    resource::describe::<tasks::Tasks>(doc);
    resource::describe::<dependencies::Dependencies>(doc);
    resource::describe::<baselines::Baselines>(doc);
    resource::describe::<cost::CostItems>(doc);
    resource::describe::<calendar::Holidays>(doc);
    doc.merge(PlanDoc::openapi());
}

/// A page of records held in memory, in id order; the cursor's key is unused.
pub(crate) fn page_by_id<T>(
    items: impl Iterator<Item = T>,
    id: impl Fn(&T) -> i64,
    cursor: Option<&Cursor>,
    limit: u64,
) -> Page<T> {
    let after = cursor.map_or(i64::MIN, |c| c.id);
    let mut all: Vec<T> = items.collect();
    all.sort_by_key(|t| id(t));
    let total = all.len() as u64;
    let start = all.partition_point(|t| id(t) <= after);
    let mut page: Vec<T> = all
        .into_iter()
        .skip(start)
        .take(limit as usize + 1)
        .collect();
    let next_cursor = (page.len() as u64 > limit).then(|| {
        page.truncate(limit as usize);
        Cursor {
            key: String::new(),
            id: page.last().map_or(0, &id),
        }
        .encode()
    });
    Page {
        items: page,
        next_cursor,
        total,
    }
}

/// How often the background task looks for plans changed by another process or a new day.
pub const WARM_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Keeps every program's schedule computed: at the start (so the first visitor does not
/// pay for reading and scheduling a large plan), then every `every`, which picks up
/// imports by the CLI and the change of day between visitors.
pub async fn run_warmer(state: AppState, every: std::time::Duration) {
    loop {
        let started = std::time::Instant::now();
        match state.store.warm_plan_schedules(tasks::today()).await {
            Ok(n) => tracing::debug!(
                plans = n,
                ms = started.elapsed().as_millis() as u64,
                "plans scheduled"
            ),
            Err(e) => tracing::error!(error = %e, "scheduling the plans failed"),
        }
        tokio::time::sleep(every).await;
    }
}
