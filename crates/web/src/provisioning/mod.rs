//! The provisioning list ("no training, no access") in pages and the API: per site and
//! wave, who may be given EHR access and who may not and why, with counts, filters,
//! paging, and CSV and XLSX exports for the identity team.

mod export;
mod page;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::paging::Cursor;
use muster_domain::person::JobRole;
use muster_domain::provisioning::{
    ProvisioningCounts, ProvisioningEntry, ProvisioningStatus, RequiredModule, Requirement,
};
use muster_domain::wave::Wave;
use muster_store::StoreError;
use muster_store::provisioning::ProvisioningFilter;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::ApiCaller;
use crate::error::{ApiError, AppError};
use crate::form::Params;
use crate::resource::{filter_id, filter_value};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/provisioning", get(page::page))
        .route("/api/v1/provisioning", get(api))
        .route("/api/v1/provisioning.csv", get(export::csv))
        .route("/api/v1/provisioning.xlsx", get(export::xlsx))
}

/// The list's query string, for the page, the API and the exports alike.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProvisioningQuery {
    /// Only this site's people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// Only the people of this wave's sites; the list names its go-live.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wave_id: Option<String>,
    /// ready or not_ready
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// A job role code, e.g. nurse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_role: Option<String>,
    /// From a previous page's `next_cursor` (not for exports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50; not for exports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

impl ProvisioningQuery {
    /// The filters given (blank ones left out), as a query string: for the export links
    /// and the next page.
    pub fn filters_query(&self) -> String {
        let kept = |v: &Option<String>| crate::resource::given(v).map(str::to_owned);
        let filters = ProvisioningQuery {
            site_id: kept(&self.site_id),
            wave_id: kept(&self.wave_id),
            status: kept(&self.status),
            job_role: kept(&self.job_role),
            cursor: None,
            limit: None,
        };
        serde_html_form::to_string(&filters).unwrap_or_default()
    }
}

/// What was asked, checked: the filter, the chosen wave and which curricula it requires.
pub struct Asked {
    pub filter: ProvisioningFilter,
    pub wave: Option<Wave>,
    pub requirement: Requirement,
}

/// Parses the filters and checks that `actor` may read the list they select: a site
/// outside a site lead's assignment is refused, not silently emptied.
pub async fn asked(
    state: &AppState,
    actor: &Actor,
    q: &ProvisioningQuery,
) -> Result<Asked, AppError> {
    require(actor, Action::Read, Subject::Provisioning)?;
    let filter = ProvisioningFilter {
        site_id: filter_id("site_id", &q.site_id)?,
        wave_id: filter_id("wave_id", &q.wave_id)?,
        status: filter_value("status", &q.status, ProvisioningStatus::parse)?,
        job_role: filter_value("job_role", &q.job_role, JobRole::parse)?,
    };
    let program = actor.program_id;
    if let Some(site) = filter.site_id {
        state.store.site(program, site).await.map_err(|e| match e {
            StoreError::NotFound { .. } => {
                StoreError::invalid("site_id", format!("there is no site {site}"))
            }
            e => e,
        })?;
        require_at(
            actor,
            Action::Read,
            Subject::Provisioning,
            Place::Site(Some(site)),
        )?;
    }
    let wave = match filter.wave_id {
        Some(id) => Some(state.store.wave(program, id).await.map_err(|e| match e {
            StoreError::NotFound { .. } => {
                StoreError::invalid("wave_id", format!("there is no wave {id}"))
            }
            e => e,
        })?),
        None => None,
    };
    let requirement = state
        .store
        .go_live_requirement(program, filter.wave_id)
        .await?;
    Ok(Asked {
        filter,
        wave,
        requirement,
    })
}

/// One page of the list with its head figures.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProvisioningList {
    pub counts: ProvisioningCounts,
    /// The chosen wave's go-live date.
    pub go_live: Option<NaiveDate>,
    /// The modules whose curricula of each person's job role the list requires: the chosen
    /// wave's, by name. Empty when every curriculum of the role is required (no wave, or a
    /// wave that lists no modules).
    pub required_modules: Vec<RequiredModule>,
    pub items: Vec<ProvisioningEntry>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// The list's page after `cursor`, with the counts.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    q: &ProvisioningQuery,
) -> Result<(Asked, ProvisioningList), AppError> {
    let asked = asked(state, actor, q).await?;
    let cursor = q
        .cursor
        .as_deref()
        .map(Cursor::decode)
        .transpose()
        .map_err(|m| StoreError::invalid("cursor", m))?;
    let limit =
        muster_domain::paging::limit(q.limit).map_err(|m| StoreError::invalid("limit", m))?;
    let scope = actor.read_scope(Subject::Provisioning);
    let program = actor.program_id;
    let counts = state
        .store
        .provisioning_counts(program, &scope, &asked.filter, &asked.requirement)
        .await?;
    let page = state
        .store
        .provisioning_page(
            program,
            &scope,
            &asked.filter,
            &asked.requirement,
            cursor.as_ref(),
            limit,
        )
        .await?;
    let list = ProvisioningList {
        counts,
        go_live: asked.wave.as_ref().map(|w| w.go_live),
        required_modules: asked.requirement.modules().to_vec(),
        items: page.items,
        next_cursor: page.next_cursor.map(|c| c.encode()),
    };
    Ok((asked, list))
}

/// `GET /api/v1/provisioning`: who may be given EHR access, and who may not and why.
#[utoipa::path(get, path = "/api/v1/provisioning", tag = "Provisioning", params(ProvisioningQuery),
    responses((status = 200, description = "a page of the provisioning list, by name, with counts", body = ProvisioningList),
        (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem),
        (status = 422, description = "a filter that needs attention", body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<ProvisioningQuery>,
) -> Result<Json<ProvisioningList>, ApiError> {
    Ok(Json(list(&state, &caller.actor, &q).await?.1))
}

#[derive(OpenApi)]
#[openapi(
    paths(api, export::csv, export::xlsx),
    components(schemas(
        ProvisioningList,
        ProvisioningEntry,
        ProvisioningCounts,
        ProvisioningStatus,
        RequiredModule
    ))
)]
pub struct ProvisioningDoc;
