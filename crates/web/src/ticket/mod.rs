//! The command center's tickets in pages and the API: intake at the elbow, lists, a
//! ticket's page with its SLA clock and history, triage and status changes, merging and
//! joining, attachments, change requests and notifications.

pub(crate) mod api;
mod attachments;
mod intake;
mod notifications;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::ticket::Ticket;

use crate::AppState;
use crate::error::AppError;

pub use intake::UPLOAD_LIMIT;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(pages::list))
        .route("/tickets/new", get(intake::form))
        .route("/tickets/{id}", get(pages::show).post(pages::update))
        .route("/tickets/{id}/merge", post(pages::merge))
        .route("/tickets/{id}/join", post(pages::join))
        .route("/tickets/{id}/change-requests", post(pages::raise_change))
        .route(
            "/change-requests",
            get(crate::change_request::list).post(crate::change_request::create),
        )
        .route("/change-requests/new", get(crate::change_request::new))
        .route("/change-requests/{id}", get(crate::change_request::show))
        .route("/change-requests/{id}/decision", post(pages::decide))
        .route(
            "/tickets/{id}/attachments/{file}",
            get(attachments::download),
        )
        .route(
            "/notifications",
            get(notifications::page).post(notifications::mark_read),
        )
        .route("/api/v1/tickets", get(api::list))
        .route("/api/v1/tickets/similar", get(api::similar))
        .route("/api/v1/tickets/{id}", get(api::get).patch(api::update))
        .route("/api/v1/tickets/{id}/events", get(api::events))
        .route("/api/v1/tickets/{id}/comments", post(api::comment))
        .route("/api/v1/tickets/{id}/merge", post(api::merge))
        .route("/api/v1/tickets/{id}/join", post(api::join))
        .route(
            "/api/v1/tickets/{id}/attachments/{file}",
            get(attachments::download),
        )
        .route(
            "/api/v1/change-requests",
            get(api::change_requests).post(crate::change_request::api_create),
        )
        .route(
            "/api/v1/change-requests/{id}",
            get(crate::change_request::api_get),
        )
        .route(
            "/api/v1/tickets/{id}/change-requests",
            post(api::raise_change),
        )
        .route("/api/v1/change-requests/{id}/decision", post(api::decide))
        .route("/api/v1/notifications", get(notifications::list))
}

/// Routes that take uploads, behind a larger body limit than the rest.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/tickets", post(intake::submit))
        .route("/api/v1/tickets", post(api::create))
        .route(
            "/api/v1/tickets/{id}/attachments",
            post(attachments::upload),
        )
        // axum's own 2 MB default for extractors would refuse a form well inside
        // `UPLOAD_LIMIT`, which `app` sets around these routes.
        .layer(axum::extract::DefaultBodyLimit::disable())
}

/// A ticket the caller may see, and whether they work it (else they only raised it).
pub struct Visible {
    pub ticket: Ticket,
    pub staff: bool,
    pub organization: Option<String>,
}

impl Visible {
    pub fn place(&self) -> Place<'_> {
        place(&self.ticket, self.organization.as_deref())
    }
}

pub fn place<'a>(t: &Ticket, organization: Option<&'a str>) -> Place<'a> {
    Place::Ticket {
        site_id: t.site_id,
        team_organization: organization,
        requester_account_id: t.requester_account_id,
    }
}

/// Loads ticket `id` if `actor` may see it: 404 otherwise, so that numbers do not leak.
pub async fn visible(state: &AppState, actor: &Actor, id: i64) -> Result<Visible, AppError> {
    let ticket = state.store.ticket(actor.program_id, id).await?;
    let organization = state.store.team_organization(ticket.team_id).await?;
    let p = place(&ticket, organization.as_deref());
    if !(actor.may_at(Action::Read, Subject::Ticket, p) || actor.raised(p)) {
        return Err(AppError::NotFound(format!("ticket {id} was not found")));
    }
    let staff = actor.may_at(Action::Update, Subject::Ticket, p);
    Ok(Visible {
        ticket,
        staff,
        organization,
    })
}

/// The caller works this ticket or raised it.
pub fn require_involved(actor: &Actor, v: &Visible) -> Result<(), AppError> {
    if v.staff || actor.raised(v.place()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "the {} role may read ticket {} but not change it",
            actor.role.code(),
            v.ticket.number
        )))
    }
}
