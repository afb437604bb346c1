//! The audit log for administrators: browse and filter in a page, or read it from the API.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::audit::{AuditAction, AuditEntry, AuditFilter};
use muster_domain::paging::Page;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, Params};
use crate::page::{Layout, render};
use crate::resource::{choice_options, filter_id, filter_value, given};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(page))
        .route("/api/v1/audit", get(api))
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// site, unit, wave, module, person, account, api_token, program
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// create, update or delete
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_account_id: Option<String>,
    /// from this day (YYYY-MM-DD), inclusive
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// to this day (YYYY-MM-DD), inclusive
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(skip_serializing)]
    pub cursor: Option<String>,
    #[serde(skip_serializing)]
    pub limit: Option<u64>,
}

fn day_start(raw: &str) -> Result<DateTime<Utc>, String> {
    muster_domain::text::date(raw)
        .map(|d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

async fn entries(
    state: &AppState,
    actor: &Actor,
    q: &AuditQuery,
) -> Result<Page<AuditEntry>, AppError> {
    require(actor, Action::Read, Subject::Audit)?;
    let filter = AuditFilter {
        entity: given(&q.entity).map(str::to_owned),
        entity_id: filter_id("entity_id", &q.entity_id)?,
        action: filter_value("action", &q.action, AuditAction::parse)?,
        actor_account_id: filter_id("actor_account_id", &q.actor_account_id)?,
        since: filter_value("since", &q.since, day_start)?,
        until: filter_value("until", &q.until, day_start)?.map(|d| d + chrono::Duration::days(1)),
    };
    let paging = crate::resource::Paging {
        cursor: q.cursor.clone(),
        limit: q.limit,
    };
    let (cursor, limit) = paging.parse()?;
    Ok(state
        .store
        .list_audit(actor.program_id, &filter, cursor.as_ref(), limit)
        .await?)
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "Audit", params(AuditQuery),
    responses((status = 200, description = "a page of entries, newest first"), (status = 403, description = "administrators only", body = crate::error::Problem)))]
async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<AuditQuery>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    Ok(Json(entries(&state, &caller.actor, &q).await?))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    filters: Vec<Field>,
    entries: Vec<AuditEntry>,
    total: u64,
    next_href: Option<String>,
}

const ENTITIES: &[&str] = &[
    "site",
    "unit",
    "wave",
    "module",
    "person",
    "account",
    "api_token",
    "program",
];

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<AuditQuery>,
) -> Result<Response, PageError> {
    let found = entries(&state, &viewer.actor, &q).await?;
    let mut entity_options = vec![(String::new(), "Any record".to_owned())];
    entity_options.extend(
        ENTITIES
            .iter()
            .map(|e| (e.to_string(), e.replace('_', " "))),
    );
    let filters = vec![
        Field::new(
            "entity",
            "Record",
            FieldKind::Select(entity_options),
            q.entity.as_deref(),
        ),
        Field::new(
            "entity_id",
            "Record id",
            FieldKind::Number,
            q.entity_id.as_deref(),
        ),
        Field::new(
            "action",
            "Action",
            FieldKind::Select(choice_options(
                AuditAction::ALL,
                AuditAction::code,
                AuditAction::label,
                Some("Any action"),
            )),
            q.action.as_deref(),
        ),
        Field::new("since", "From", FieldKind::Date, q.since.as_deref()),
        Field::new("until", "To", FieldKind::Date, q.until.as_deref()),
    ];
    let filter_query = serde_html_form::to_string(&q).unwrap_or_default();
    let next_href = found
        .next_cursor
        .as_ref()
        .map(|c| format!("/audit?{filter_query}&cursor={c}"));
    let audit_page = AuditPage {
        layout: viewer.layout("Audit log", vec![("Audit log".into(), "/audit".into())]),
        filters,
        total: found.total,
        entries: found.items,
        next_href,
    };
    render(&audit_page, &viewer)
}
