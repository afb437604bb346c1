//! The plan's milestones and each wave's go-live date as an iCalendar feed: with the
//! caller's sign-in or token (`/api/v1/plan/milestones.ics`), or at the account's secret
//! link that calendar apps poll (`/calendar/{secret}/plan.ics`, the same secret as the
//! training calendar's). Milestones are dated at their forecast, so a slip moves them in
//! every subscribed calendar.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::ical::{Event, When, calendar};

use super::tasks::today;
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::page::{Layout, render};
use crate::training::calendar::{feed_actor, ics, new_secret};

/// Entries at most in one feed: milestones are tens or hundreds, never the whole plan.
const MOST: usize = 2_000;

async fn feed(state: &AppState, actor: &Actor) -> Result<Response, AppError> {
    require(actor, Action::Read, Subject::Plan)?;
    let plan = state.store.plan_schedule(actor.program_id, today()).await?;
    let waves = state
        .store
        .list_waves(actor.program_id, None, None, 500)
        .await?
        .items;
    let program = actor.program_id;
    let mut events: Vec<Event> = waves
        .iter()
        .map(|w| Event {
            uid: format!("wave-go-live-{program}-{}@muster", w.id),
            when: When::Day(w.go_live),
            summary: format!("{} go-live (planned)", w.name),
            location: None,
            description: Some(format!("{} sites go live.", w.site_ids.len())),
        })
        .collect();
    let milestones = plan
        .outline
        .order
        .iter()
        .filter(|&&i| plan.tasks[i].milestone && !plan.outline.summary[i]);
    for &i in milestones.take(MOST) {
        let (task, dates) = (&plan.tasks[i], &plan.dates[i]);
        let mut text = format!("Forecast {}.", dates.early_finish);
        if let Some(date) = task.constraint_date {
            text.push_str(&format!(" Held to {date}."));
        }
        if dates.critical {
            text.push_str(" On the critical path.");
        }
        events.push(Event {
            uid: format!("plan-task-{program}-{}@muster", task.id),
            when: When::Day(dates.early_finish),
            summary: format!("◆ {}", task.name),
            location: None,
            description: Some(text),
        });
    }
    Ok(ics(calendar("Muster plan milestones", &events, Utc::now())))
}

/// `GET /api/v1/plan/milestones.ics`: the plan's milestones at their forecast dates and
/// each wave's planned go-live, as iCalendar.
#[utoipa::path(get, path = "/api/v1/plan/milestones.ics", tag = "Plan",
    responses((status = 200, description = "an iCalendar (RFC 5545) feed", content_type = "text/calendar", body = String), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn api_feed(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Response, ApiError> {
    Ok(feed(&state, &caller.actor).await?)
}

/// `GET /calendar/{secret}/plan.ics`: no sign-in; the secret names the account.
pub async fn secret_feed(
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, ApiError> {
    let actor = feed_actor(&state, &secret).await?;
    Ok(feed(&state, &actor).await?)
}

#[derive(Template)]
#[template(path = "plan/subscribe.html")]
struct SubscribePage {
    layout: Layout,
    link: Option<String>,
}

fn subscribe_page(viewer: &Viewer, link: Option<String>) -> Result<Response, PageError> {
    let page = SubscribePage {
        layout: viewer.layout(
            "Subscribe to the plan's milestones",
            vec![
                ("Plan".into(), "/plan".into()),
                ("Subscribe".into(), "/plan/subscribe".into()),
            ],
        ),
        link,
    };
    render(&page, viewer)
}

/// `GET /plan/subscribe`: how to subscribe, and the button that makes a link.
pub async fn page(viewer: Viewer) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Read, Subject::Plan)?;
    subscribe_page(&viewer, None)
}

/// `POST /plan/subscribe`: a new secret link, shown once (the account's old links stop).
pub async fn new_link(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Read, Subject::Plan)?;
    let secret = new_secret(&state, &viewer).await?;
    subscribe_page(&viewer, Some(format!("/calendar/{secret}/plan.ics")))
}
