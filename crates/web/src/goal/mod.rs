//! Benefit goals in pages and the API: goals as a resource (`/goals`), their measurements
//! (`/goals/{id}/measurements`, `/api/v1/goals/{id}/measurements`) and the benefits
//! dashboard (`/benefits`, `/api/v1/benefits`) with its SVG charts (`chart.rs`).

pub mod benefits;
pub mod chart;
pub mod measurements;
pub mod resource;

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::AppState;

pub use resource::Goals;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(crate::resource::routes::<Goals>())
        .route(
            "/goals/{id}/measurements",
            get(measurements::show).post(measurements::submit),
        )
        .route(
            "/api/v1/goals/{id}/measurements",
            get(measurements::api_list).post(measurements::api_post),
        )
        .route("/benefits", get(benefits::page))
        .route("/api/v1/benefits", get(benefits::api))
}

#[derive(OpenApi)]
#[openapi(
    paths(measurements::api_list, measurements::api_post, benefits::api),
    components(schemas(
        measurements::MeasurementList,
        muster_domain::goal::Measurement,
        muster_domain::goal::MeasurementDraft,
        benefits::BenefitsView,
        muster_domain::goal::benefits::KpiView,
        muster_domain::goal::benefits::MonthPoint,
        muster_domain::goal::benefits::BeforeAfter,
        muster_domain::goal::GoalStatus,
        muster_domain::goal::Goal,
        muster_domain::goal::KpiUnit,
        muster_domain::goal::Direction,
        muster_domain::money::Cents
    ))
)]
pub struct GoalDoc;

/// Adds the goals resource and the measurement and benefits endpoints to `doc`.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    crate::resource::describe::<Goals>(doc);
    doc.merge(GoalDoc::openapi());
}
