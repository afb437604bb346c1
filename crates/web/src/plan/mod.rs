//! The rollout plan in pages and the API: tasks and dependencies as resources, the schedule
//! table and its API, the Gantt chart, and plan files in (`import`) and out (`export`).

pub mod baselines;
pub mod dependencies;
pub mod export;
pub mod gantt;
pub mod import;
pub mod schedule;
pub mod tasks;

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
        .route("/plan/slips", get(baselines::page_slips))
        .route("/api/v1/baselines/{id}/slips", get(baselines::api_slips))
        .route("/plan", get(schedule::page))
        .route("/plan/gantt", get(gantt::page))
        .route("/api/v1/schedule", get(schedule::api))
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
        import::api,
        export::csv,
        export::xlsx
    ),
    components(schemas(
        import::ImportProblem,
        muster_domain::plan::exchange::FileProblem,
        muster_domain::plan::exchange::PlanImported,
        muster_domain::plan::exchange::PlanFormat,
        baselines::SlipReport,
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
