//! Alignment's people side (issue 6 parts 2, 3, 4 and 7): stakeholder groups, their
//! commitments, ADKAR change readiness and RACI on the plan's deliverables. Each is a
//! resource under the "Alignment" section; the group's page, the latest ADKAR per group and
//! site, and the RACI matrix are pages of their own.

pub mod adkar;
pub mod commitments;
pub mod groups;
pub mod raci;

use axum::Router;
use axum::routing::get;
use muster_store::{Store, StoreResult};
use utoipa::OpenApi;

use crate::AppState;
use crate::resource::{self, Cell, options_with};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/adkar/latest", get(adkar::latest_page))
        .route("/api/v1/adkar/latest", get(adkar::latest_api))
        .route("/raci/matrix", get(raci::matrix_page))
        .route("/api/v1/raci/matrix", get(raci::matrix_api))
        .merge(resource::routes::<groups::Stakeholders>())
        .merge(resource::routes::<commitments::Commitments>())
        .merge(resource::routes::<adkar::Adkar>())
        .merge(resource::routes::<raci::Raci>())
}

#[derive(OpenApi)]
#[openapi(
    paths(adkar::latest_api, raci::matrix_api),
    components(schemas(
        muster_domain::stakeholder::adkar::Scores,
        muster_domain::stakeholder::adkar::Element,
        muster_domain::stakeholder::raci::RaciMatrix,
        muster_domain::stakeholder::raci::MatrixHolder,
        muster_domain::stakeholder::raci::MatrixRow,
        muster_domain::stakeholder::raci::RaciGap
    ))
)]
struct StakeholderDoc;

/// Adds the stakeholder resources and endpoints to `doc`.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    resource::describe::<groups::Stakeholders>(doc);
    resource::describe::<commitments::Commitments>(doc);
    resource::describe::<adkar::Adkar>(doc);
    resource::describe::<raci::Raci>(doc);
    doc.merge(StakeholderDoc::openapi());
}

/// The program's stakeholder groups as choices.
pub(crate) async fn group_options(
    store: &Store,
    program_id: i64,
    none_label: &str,
) -> StoreResult<Vec<(String, String)>> {
    let groups = store.stakeholder_names(program_id).await?;
    Ok(options_with(
        Some(none_label),
        groups.into_iter().map(|(id, name)| (id.to_string(), name)),
    ))
}

/// A person by id, linked to their page ("" when none).
pub(crate) fn person_cell(id: Option<i64>) -> Cell {
    match id {
        Some(id) => Cell::link(format!("Person {id}"), format!("/people/{id}")),
        None => Cell::text(""),
    }
}
