//! In-app notifications: what changed on the tickets a person raised or leads.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_store::ticket::Notification;

use crate::AppState;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, PageError};
use crate::page::{Layout, redirect_with_flash, render};

#[derive(Template)]
#[template(path = "tickets/notifications.html")]
struct NotificationsPage {
    layout: Layout,
    items: Vec<Notification>,
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let items = match viewer.actor.account_id {
        Some(id) => state.store.notifications(id, 200).await?,
        None => Vec::new(),
    };
    let page = NotificationsPage {
        layout: viewer.layout(
            "Notifications",
            vec![("Notifications".into(), "/notifications".into())],
        ),
        items,
    };
    render(&page, &viewer)
}

pub async fn mark_read(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    if let Some(id) = viewer.actor.account_id {
        state.store.mark_notifications_read(id).await?;
    }
    Ok(redirect_with_flash(
        "/notifications",
        "All notifications marked read",
    ))
}

pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<Notification>>, ApiError> {
    let items = match caller.actor.account_id {
        Some(id) => state.store.notifications(id, 200).await?,
        None => Vec::new(),
    };
    Ok(Json(items))
}
