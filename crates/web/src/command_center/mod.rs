//! The command center: the live board (server-sent events), the daily huddle report, the
//! vendor scorecard and the command center's settings.

mod board;
mod hub;
mod report;
mod settings;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub use hub::Hub;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/command-center", get(board::page))
        .route("/command-center/stream", get(board::page_stream))
        .route("/command-center/huddle", get(report::huddle_page))
        .route("/command-center/vendors", get(report::vendors_page))
        .route(
            "/command-center/settings",
            get(settings::page).post(settings::save),
        )
        .route("/api/v1/command-center/summary", get(board::summary))
        .route("/api/v1/command-center/stream", get(board::api_stream))
        .route("/api/v1/command-center/huddle", get(report::huddle))
        .route("/api/v1/command-center/vendors", get(report::vendors))
        .route(
            "/api/v1/command-center/settings",
            get(settings::get).patch(settings::update),
        )
}
