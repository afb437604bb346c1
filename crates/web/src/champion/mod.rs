//! Champions in pages and the API: the champions themselves as a resource (with their
//! advanced training), the coverage map with its below-target list, the program's
//! coverage target and units' own targets.

mod coverage;
mod records;
mod target;
mod unit_target;

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::AppState;
use crate::resource;

pub use records::Champions;
pub use unit_target::unit_section;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(resource::routes::<Champions>())
        .route("/champions/coverage", get(coverage::page))
        .route("/champions/target", get(target::page).post(target::save))
        .route("/api/v1/champions/coverage", get(coverage::api))
        .route(
            "/api/v1/champions/target",
            get(target::get).put(target::put),
        )
        .route(
            "/champions/target/units/{id}",
            get(unit_target::page).post(unit_target::save),
        )
        .route(
            "/api/v1/champions/target/units/{id}",
            get(unit_target::get)
                .put(unit_target::put)
                .delete(unit_target::delete),
        )
}

/// The champion endpoints that are not plain resources, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        coverage::api,
        target::get,
        target::put,
        unit_target::get,
        unit_target::put,
        unit_target::delete
    ),
    components(schemas(
        coverage::CoverageReport,
        muster_domain::champion::coverage::CoverageCell,
        muster_domain::champion::coverage::SiteCoverage,
        muster_domain::champion::coverage::ChampionTarget,
        muster_domain::champion::coverage::ChampionTargetDraft,
        muster_domain::champion::coverage::TargetSource,
        muster_domain::champion::coverage::UnitTargetDraft,
        muster_domain::champion::coverage::UnitTargetInForce,
        muster_domain::champion::AdvancedCourse
    ))
)]
pub struct ChampionDoc;

/// Adds the champion resource and endpoints to `doc`.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    resource::describe::<Champions>(doc);
    doc.merge(ChampionDoc::openapi());
}
