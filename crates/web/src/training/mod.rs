//! Training in pages and the API: courses, curricula, sessions and records as resources,
//! the dashboard's heat map with its drill-down, the session calendar and its iCalendar
//! feeds, rosters (enroll, cancel, attendance), a person's training page, and follow-up
//! suggestions.

pub(crate) mod calendar;
mod catalog;
mod dashboard;
mod follow_ups;
mod forecast;
mod records;
mod roster;
mod sessions;
mod trainee;

use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use utoipa::OpenApi;

use crate::AppState;
use crate::resource;

pub use catalog::{Courses, Curricula};
pub use follow_ups::FollowUps;
pub use records::{Assessments, Completions};
pub use sessions::Sessions;

pub(crate) use crate::person::yes_no;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(resource::routes::<Courses>())
        .merge(resource::routes::<Curricula>())
        .merge(resource::routes::<Sessions>())
        .merge(resource::routes::<Completions>())
        .merge(resource::routes::<Assessments>())
        .merge(resource::routes::<FollowUps>())
        .route("/training", get(dashboard::page))
        .route("/training/cells", get(dashboard::cell))
        .route(
            "/training/suggest-follow-ups",
            post(dashboard::form_suggest),
        )
        .route("/training/forecast", get(forecast::page))
        .route("/api/v1/training/forecast", get(forecast::api))
        .route("/training/sessions", get(calendar::page))
        .route("/training/calendar-link", post(calendar::new_link))
        .route("/training/me", get(trainee::me))
        .route("/training/people/{id}", get(trainee::page))
        .route("/sessions/{id}/roster", get(roster::page))
        .route("/sessions/{id}/roster/enroll", post(roster::form_enroll))
        .route("/sessions/{id}/roster/cancel", post(roster::form_cancel))
        .route(
            "/sessions/{id}/roster/attendance",
            post(roster::form_attendance),
        )
        .route("/api/v1/sessions/{id}/roster", get(roster::api_roster))
        .route("/api/v1/sessions/{id}/enroll", post(roster::api_enroll))
        .route("/api/v1/sessions/{id}/cancel", post(roster::api_cancel))
        .route(
            "/api/v1/sessions/{id}/attendance",
            post(roster::api_attendance),
        )
        .route("/api/v1/follow-ups/suggest", post(dashboard::api_suggest))
        .route("/api/v1/training/completion", get(dashboard::api))
        .route("/api/v1/training/people/{id}", get(trainee::api))
        .route("/api/v1/calendar.ics", get(calendar::api_feed))
        .route("/calendar/{secret}", get(calendar::secret_feed))
}

/// The training endpoints that are not plain resources, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        roster::api_roster,
        roster::api_enroll,
        roster::api_cancel,
        roster::api_attendance,
        dashboard::api,
        dashboard::api_suggest,
        forecast::api,
        trainee::api,
        calendar::api_feed
    ),
    components(schemas(
        roster::RosterBody,
        dashboard::SuggestBody,
        forecast::ForecastReport,
        muster_domain::readiness::forecast::SiteForecast,
        muster_domain::readiness::forecast::Forecast,
        trainee::TraineeTraining,
        muster_domain::training::session::Enrollment,
        muster_domain::training::progress::CompletionCell,
        muster_domain::training::progress::CurriculumProgress,
        muster_domain::training::follow_up::Suggested
    ))
)]
pub struct TrainingDoc;

/// Adds the training resources and endpoints to `doc`.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    resource::describe::<Courses>(doc);
    resource::describe::<Curricula>(doc);
    resource::describe::<Sessions>(doc);
    resource::describe::<Completions>(doc);
    resource::describe::<Assessments>(doc);
    resource::describe::<FollowUps>(doc);
    doc.merge(TrainingDoc::openapi());
}

/// "Mon 1 Mar 2027, 09:00" (UTC).
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%a %-d %b %Y, %H:%M").to_string()
}

/// "1.5 h".
pub fn hours(h: f64) -> String {
    format!("{h} h")
}
