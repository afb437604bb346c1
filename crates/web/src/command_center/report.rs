//! The daily huddle report (printable) and the vendor scorecard.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_domain::access::{Action, Subject};
use muster_store::ticket::{Huddle, VendorScore};

use super::board::Figures;
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::page::{Layout, render};

#[derive(Template)]
#[template(path = "command_center/huddle.html")]
struct HuddlePage {
    layout: Layout,
    figures: String,
    h: Huddle,
    generated: String,
}

impl HuddlePage {
    /// Bar heights per day for arrivals, resolutions and backlog, 0–100.
    fn trend(&self) -> Vec<(String, i64, i64, i64)> {
        let top = self
            .h
            .days
            .iter()
            .map(|d| d.arrivals.max(d.resolutions).max(d.backlog))
            .max()
            .unwrap_or(0)
            .max(1);
        self.h
            .days
            .iter()
            .map(|d| {
                (
                    d.day.format("%b %e").to_string(),
                    d.arrivals * 100 / top,
                    d.resolutions * 100 / top,
                    d.backlog * 100 / top,
                )
            })
            .collect()
    }
}

pub async fn huddle_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Read, Subject::CommandCenter)?;
    let h = state
        .store
        .huddle(viewer.actor.program_id, chrono::Utc::now())
        .await?;
    let figures = Figures { s: &h.summary }.render().map_err(AppError::from)?;
    let page = HuddlePage {
        layout: viewer.layout(
            "Daily huddle report",
            vec![("Command center".into(), "/command-center".into())],
        ),
        generated: h
            .summary
            .generated_at
            .format("%Y-%m-%d %H:%M UTC")
            .to_string(),
        figures,
        h,
    };
    render(&page, &viewer)
}

pub async fn huddle(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Huddle>, ApiError> {
    require(&caller.actor, Action::Read, Subject::CommandCenter)?;
    Ok(Json(
        state
            .store
            .huddle(caller.actor.program_id, chrono::Utc::now())
            .await?,
    ))
}

#[derive(Template)]
#[template(path = "command_center/vendors.html")]
struct VendorsPage {
    layout: Layout,
    scores: Vec<VendorScore>,
}

/// "12.5" or "—".
fn one_decimal(v: &Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.1}"))
}

impl VendorsPage {
    fn show(&self, v: &Option<f64>) -> String {
        one_decimal(v)
    }
}

pub async fn vendors_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Read, Subject::CommandCenter)?;
    let page = VendorsPage {
        layout: viewer.layout(
            "Vendor scorecard",
            vec![("Command center".into(), "/command-center".into())],
        ),
        scores: state
            .store
            .vendor_scorecard(viewer.actor.program_id)
            .await?,
    };
    render(&page, &viewer)
}

pub async fn vendors(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<VendorScore>>, ApiError> {
    require(&caller.actor, Action::Read, Subject::CommandCenter)?;
    Ok(Json(
        state
            .store
            .vendor_scorecard(caller.actor.program_id)
            .await?,
    ))
}
