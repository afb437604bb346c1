//! Alignment (issue 6): the program dashboard and the alignment matrix. The other alignment
//! records (goals, stakeholders, governance, lessons, embedding) are resources of their own
//! modules that sit under `ALIGNMENT`.

mod dashboard;
mod matrix;

use axum::routing::get;

use crate::AppState;

pub use dashboard::AlignmentDoc;
pub use matrix::MatrixDoc;

/// The first breadcrumb of every alignment page; the layout adds the alignment
/// sub-navigation under it.
pub const ALIGNMENT: (&str, &str) = ("Alignment", "/alignment");

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/alignment", get(dashboard::page))
        .route("/api/v1/alignment", get(dashboard::api))
        .route("/stakeholders/matrix", get(matrix::page))
        .route("/api/v1/stakeholders/matrix", get(matrix::api))
        .route(
            "/stakeholders/{id}/alignment/{goal_id}",
            get(matrix::cell_page).post(matrix::cell_save),
        )
        .route(
            "/api/v1/stakeholders/{id}/alignment/{goal_id}",
            axum::routing::put(matrix::cell_api),
        )
}

/// The matrix's cells for one group or one goal, for their pages.
pub use matrix::{goal_groups, group_row};
